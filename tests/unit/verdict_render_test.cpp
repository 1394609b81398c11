// How a verdict was reached (PropertyReport::basis, bound, cti), in every rendering, from one
// helper (render/verdict_text.hpp): results of a small spec's explicit run, then given each Basis
// by hand as a symbolic engine would, and a counterexample to induction built from real steps of
// the model whose first state is not the initial one (Trace::from_arbitrary_state). Checked: the
// verdict words; that the explicit search's qualifiers and NOT AS EXPECTED stay off bounded,
// unproved and unchecked lines; the cti under its heading with its first state in full; the JSON
// "basis", "bound", "counterexample_to_induction" and options; the Markdown table; exit codes.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "command_support.hpp"
#include "json_report.hpp"
#include "report_writer.hpp"
#include "test_util.hpp"
#include "text_report.hpp"
#include "verdict_text.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::follow;
using test::prop;

// Each endpoint counts to N (a ghost counter and a global total alongside), then opens, sending a
// SYN and starting a timer (whose timeout does nothing).
const std::string kCounter =
    "const N = 2\n"
    "enum S { CLOSED, OPEN }\n"
    "endpoint { state: S = CLOSED\n  n: 0..N\n  ghost g: 0..N\n  timer t }\n"
    "ghost { total: 0..4 }\n"
    "segment { flags SYN\n  seq: 0..1 }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call inc in CLOSED when n < N { n := n + 1  g := g + 1  total := total + 1 }\n"
    "call open in CLOSED when n == N { send SYN (seq = 1)  timer t := 2  goto OPEN }\n"
    "recv take(s) { }\n"
    "timeout expire on t { }\n"
    "invariant bounded expect hold: A.n <= N && B.n <= N\n"
    "reachable opened expect hold: A.state == OPEN\n"
    "invariant small expect violation: A.n < N\n"
    "invariant total_small expect hold: total <= 4\n"
    "eventually opens expect hold: A.state == OPEN\n"
    "lemma g_is_n: A.g == A.n && B.g == B.n\n";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

PropertyReport& mut(SpecResult& r, const std::string& name) { return const_cast<PropertyReport&>(prop(r, name)); }

class VerdictRender : public ::testing::Test {
 protected:
  std::unique_ptr<SpecResult> r;
  void SetUp() override {
    r = check_text(kCounter);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->properties.size(), 5u);  // the lemma is not reported
  }
  // The counterexample to induction for `bounded` at k: from the state after A counts to N and
  // opens (its SYN in flight, its timer running), a tick.
  Trace cti() const {
    Trace run = follow(*r->system, {"A inc", "A inc", "A open; sends A→B [S] seq=1", "tick"});
    EXPECT_EQ(run.steps.size(), 4u);
    Trace t;
    t.initial = run.steps[2].state;
    t.steps.assign(run.steps.begin() + 3, run.steps.end());
    t.from_arbitrary_state = true;
    return t;
  }
  // The results as `--engine kind --depth 3` might give them: `bounded` not 3-inductive (with
  // the cti above), `total_small` proved at k=2.
  void as_kind_run() {
    r->options.engine = EngineKind::Kind;
    r->options.limits.max_depth = 3;
    auto& bounded = mut(*r, "bounded");
    bounded.basis = Basis::NotInductive;
    bounded.bound = 3;
    bounded.verdict = Verdict::Inconclusive;
    bounded.cti = cti();
    auto& total = mut(*r, "total_small");
    total.basis = Basis::Proved;
    total.bound = 2;
  }
};

TEST_F(VerdictRender, EachBasisInWords) {
  PropertyReport p;
  p.verdict = Verdict::Holds;
  EXPECT_EQ(verdict_text(p), "holds");
  p.verdict = Verdict::Violated;
  EXPECT_EQ(verdict_text(p), "violated");
  p.verdict = Verdict::Inconclusive;
  EXPECT_EQ(verdict_text(p), "inconclusive");
  p = {};
  p.basis = Basis::Proved;
  p.bound = 6;
  p.verdict = Verdict::Holds;
  EXPECT_EQ(verdict_text(p), "holds (proved, k=6)");
  p.basis = Basis::Bounded;
  p.bound = 30;
  EXPECT_EQ(verdict_text(p), "holds up to depth 30");
  p.verdict = Verdict::Violated;  // a counterexample is a run of the model, whatever the engine
  EXPECT_EQ(verdict_text(p), "violated");
  p.kind = ir::Property::Kind::Reachable;
  p.verdict = Verdict::Inconclusive;
  EXPECT_EQ(verdict_text(p), "not reached up to depth 30");
  p.verdict = Verdict::Holds;  // a witness found
  EXPECT_EQ(verdict_text(p), "holds");
  p = {};
  p.basis = Basis::NotInductive;
  p.bound = 10;
  EXPECT_EQ(verdict_text(p), "unknown (not k-inductive at k=10)");
  p.basis = Basis::NotChecked;
  EXPECT_EQ(verdict_text(p), "not checked by this engine");
  EXPECT_STREQ(basis_name(Basis::Search), "search");
  EXPECT_STREQ(basis_name(Basis::Proved), "proved");
  EXPECT_STREQ(basis_name(Basis::Bounded), "bounded");
  EXPECT_STREQ(basis_name(Basis::NotInductive), "not_inductive");
  EXPECT_STREQ(basis_name(Basis::NotChecked), "not_checked");
}

TEST_F(VerdictRender, TextLinesSayHowEachVerdictWasReached) {
  // As a symbolic engine would report them.
  auto& bounded = mut(*r, "bounded");
  bounded.basis = Basis::NotInductive;
  bounded.bound = 3;
  bounded.verdict = Verdict::Inconclusive;
  bounded.cti = cti();
  auto& opened = mut(*r, "opened");
  opened.basis = Basis::Bounded;
  opened.bound = 30;
  opened.verdict = Verdict::Inconclusive;
  opened.counterexample.reset();
  auto& small = mut(*r, "small");  // expect violation, yet holds up to the depth: not as expected
  small.basis = Basis::Bounded;
  small.bound = 1;
  small.verdict = Verdict::Holds;
  small.counterexample.reset();
  auto& total = mut(*r, "total_small");
  total.basis = Basis::Proved;
  total.bound = 6;
  auto& opens = mut(*r, "opens");
  opens.basis = Basis::NotChecked;
  opens.verdict = Verdict::Inconclusive;
  opens.counterexample.reset();

  const std::string text = format_spec_result(*r, {});
  EXPECT_TRUE(has_line(text, "   bounded      expect hold       unknown (not k-inductive at k=3)")) << text;
  EXPECT_TRUE(has_line(text, "   opened       expect hold       not reached up to depth 30")) << text;
  EXPECT_TRUE(has_line(text, "   small        expect violation  holds up to depth 1   <-- NOT AS EXPECTED")) << text;
  EXPECT_TRUE(has_line(text, "   total_small  expect hold       holds (proved, k=6)")) << text;
  EXPECT_TRUE(has_line(text, "   opens        expect hold       not checked by this engine")) << text;
  EXPECT_EQ(text.find("within the bounds explored"), std::string::npos) << text;
  EXPECT_EQ(text.find("not judged"), std::string::npos) << text;

  // The counterexample to induction, under its property, its first state in full.
  const std::vector<std::string> want = {
      "   counterexample to induction (k=3): the first state is any state satisfying the assumptions -- not "
      "necessarily reachable",
      "     property: A.n <= N && B.n <= N",
      "     step  event                                 A     B       in flight A→B / B→A",
      "     0     any state satisfying the assumptions  OPEN  CLOSED  {[S] seq=1 @0} / {}",
      "           A: OPEN  n=2  (g=2)  t: 2 ticks left",
      "           B: CLOSED  n=0  (g=0)  t: stopped",
      "           ghost: total=2",
      "     1     tick                                  OPEN  CLOSED  {[S] seq=1 @1} / {}",
  };
  const auto lines = lines_of(text);
  auto at = std::find(lines.begin(), lines.end(), want[0]);
  ASSERT_NE(at, lines.end()) << text;
  ASSERT_GE(static_cast<size_t>(lines.end() - at), want.size() + 1) << text;
  EXPECT_EQ(*(at - 1), "") << text;
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(*(at + i), want[i]) << i << "\n" << text;
  EXPECT_TRUE(has_line(text, "     final values: A.n=2  A.g=2  B.n=0  B.g=0  total=2")) << text;

  // The summary table says the same; only the unexpected verdict is flagged.
  const std::string summary = format_summary(summary_rows(*r));
  EXPECT_NE(summary.find("unknown (not k-inductive at k=3)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("holds up to depth 1 UNEXPECTED"), std::string::npos) << summary;
  EXPECT_NE(summary.find("not checked by this engine"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("k=3) UNEXPECTED"), std::string::npos) << summary;

  // Exit codes: an unproved or unchecked property is inconclusive (5); the unexpected verdict wins (10).
  ExitStatus st;
  st.add(*r);
  EXPECT_EQ(st.code(), exit_code::kUnexpectedVerdict);
  small.verdict = Verdict::Violated;
  ExitStatus st2;
  st2.add(*r);
  EXPECT_EQ(st2.code(), exit_code::kInconclusive);
}

TEST_F(VerdictRender, JsonKeepsTheVerdictAndAddsBasisBoundAndTheCti) {
  as_kind_run();
  const PropertyReport& bounded = prop(*r, "bounded");
  const Json j = spec_json(*r, false);
  EXPECT_EQ(j["options"]["engine"], "kind");
  EXPECT_EQ(j["options"]["depth"], 3);
  const Json& b = j["properties"][0];
  EXPECT_EQ(b["name"], "bounded");
  EXPECT_EQ(b["verdict"], "inconclusive");
  EXPECT_EQ(b["basis"], "not_inductive");
  EXPECT_EQ(b["bound"], 3);
  EXPECT_EQ(b["as_expected"], false);
  EXPECT_TRUE(b["counterexample"].is_null());
  ASSERT_TRUE(b.contains("counterexample_to_induction"));
  Json c = b["counterexample_to_induction"];
  EXPECT_EQ(c["reachable"], false);
  c.erase("reachable");
  EXPECT_EQ(c, trace_json(*r->system, *bounded.cti));  // rendered exactly like a counterexample
  EXPECT_EQ(c["initial"]["A"]["state"], "OPEN");
  EXPECT_EQ(c["initial"]["A"]["variables"]["n"], 2);
  EXPECT_EQ(c["initial"]["ghost"]["total"], 2);
  EXPECT_EQ(c["initial"]["in_flight"]["A->B"][0]["text"], "[S] seq=1");
  EXPECT_EQ(c["length"], 1);
  const Json& t = j["properties"][3];
  EXPECT_EQ(t["name"], "total_small");
  EXPECT_EQ(t["verdict"], "holds");
  EXPECT_EQ(t["basis"], "proved");
  EXPECT_EQ(t["bound"], 2);
  EXPECT_FALSE(t.contains("counterexample_to_induction"));
  // The keys' order, around the verdict.
  std::vector<std::string> keys;
  for (auto& [k, v] : t.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "kind", "expression", "expect", "verdict", "basis", "bound",
                                            "as_expected", "counterexample", "witness"}));
  // An explicit run: basis "search", bound 0, engine "explicit", no depth.
  auto plain = check_text(kCounter);
  const Json pj = spec_json(*plain, false);
  EXPECT_EQ(pj["options"]["engine"], "explicit");
  EXPECT_TRUE(pj["options"]["depth"].is_null());
  for (const auto& p : pj["properties"]) {
    EXPECT_EQ(p["basis"], "search");
    EXPECT_EQ(p["bound"], 0);
  }
}

TEST_F(VerdictRender, MarkdownShowsTheVerdictTextAndTheCti) {
  as_kind_run();
  const std::string dir = ::testing::TempDir() + "verdict_render_md";
  r->path = "counter.tcp";
  ASSERT_FALSE(write_spec_report(*r, dir));
  const std::string md = test::read_file(dir + "/counter/report.md");
  EXPECT_NE(md.find("| bounded | invariant | hold | unknown (not k-inductive at k=3) | - |"), std::string::npos) << md;
  EXPECT_NE(md.find("| total_small | invariant | hold | holds (proved, k=2) | - |"), std::string::npos) << md;
  EXPECT_NE(md.find("--engine kind --depth 3`"), std::string::npos) << md;
  EXPECT_NE(md.find("## Counterexample to induction: bounded (k=3)\n\nThe first state is any state satisfying the "
                    "assumptions -- not necessarily reachable.\n\n```\nstep  event"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("      A: OPEN  n=2  (g=2)  t: 2 ticks left\n"), std::string::npos) << md;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace tcpmc
