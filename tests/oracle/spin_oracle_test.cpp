// SPIN as an independent oracle for tcpmc's semantics (ctest label `oracle`).
//
// Every hand-checked unit spec (tests/unit/engine_cases.hpp) and every shipped spec, at bounds
// whose explicit run takes a second or less, is exported to Promela (export/promela_export.hpp)
// and verified by SPIN as a user would: `spin -o2 -a`, `gcc -O2 -DSAFETY -DNOREDUCE`,
// `./pan -c0` (going on after each violation). The two tools must agree exactly: SPIN stores as
// many states as the explicit engine, and flags (by the property's marker in its assertion
// message) exactly the invariant and stuck properties that tcpmc finds violated and the reachable
// properties it finds reached. A difference is a bug in one of the two semantics.
// Needs spin and gcc on PATH (Debian's spin and g++ packages, installed by .ci/bootstrap).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "engine_cases.hpp"
#include "promela_export.hpp"

namespace tcpmc {
namespace {

using test::Case;
using Kind = ir::Property::Kind;

std::vector<Case> cases() {
  std::vector<Case> v = test::unit_cases();
  // Loss (and a full channel's charged loss) with FIFO channels, no data.
  Case fifo_loss;
  fifo_loss.defines = {{"CRASHES", 0}, {"MAX_DATA", 0}};
  fifo_loss.loss = 1;
  fifo_loss.dup = 0;
  fifo_loss.reorder = 0;
  for (auto& c : test::shipped_cases(fifo_loss, "_fifo_loss")) v.push_back(c);
  // Data octets and their delivery monitor; crashes.
  Case data;
  data.defines = {{"CRASHES", 0}};
  data.loss = 0;
  data.dup = 0;
  data.reorder = 0;
  for (auto& c : test::shipped_cases(data, "_data")) v.push_back(c);
  Case crashes = data;
  crashes.defines = {{"MAX_DATA", 0}};
  crashes.name = "spec_rfc9293_crashes";
  crashes.path = std::string(TCPMC_SOURCE_DIR) + "/specs/rfc9293.tcp";
  v.push_back(crashes);
  // Duplication with reordering: channels kept sorted.
  Case dup_reorder = crashes;
  dup_reorder.defines = {{"CRASHES", 0}, {"MAX_DATA", 0}};
  dup_reorder.dup = 1;
  dup_reorder.reorder = 1;
  dup_reorder.name = "spec_rfc9293_dup_reorder";
  v.push_back(dup_reorder);
  return v;
}

// A fresh directory, removed when the test ends.
struct WorkDir {
  std::string path;
  WorkDir() {
    std::string tmpl = ::testing::TempDir() + "tcpmc_oracle_XXXXXX";
    std::vector<char> b(tmpl.begin(), tmpl.end());
    b.push_back('\0');
    if (mkdtemp(b.data())) path = b.data();
  }
  ~WorkDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct PanResult {
  uint64_t stored = 0;
  std::set<std::string> flagged;  // markers of the properties pan found violated or reached
  std::string output;
};

// Runs SPIN on `model` in `dir` (pan compiled with `extra_flag` too, if any); fails the test
// (and returns nullopt) when a step fails.
std::optional<PanResult> run_spin(const std::string& dir, const std::string& model, const std::string& extra_flag = "") {
  std::ofstream(dir + "/model.pml") << model;
  test::ChildOptions in_dir;
  in_dir.cwd = dir;
  auto spin = test::run_program({"spin", "-o2", "-a", "model.pml"}, in_dir);
  EXPECT_EQ(spin.code, 0) << spin.out << spin.err;
  if (spin.code != 0) return std::nullopt;
  std::vector<std::string> cc_argv = {"gcc", "-O2", "-DSAFETY", "-DNOREDUCE", "-o", "pan", "pan.c"};
  if (!extra_flag.empty()) cc_argv.push_back(extra_flag);
  auto cc = test::run_program(cc_argv, in_dir);
  EXPECT_EQ(cc.code, 0) << cc.err;
  if (cc.code != 0) return std::nullopt;
  auto pan = test::run_program({"./pan", "-c0", "-m1000000", "-w24"}, in_dir);
  PanResult r;
  r.output = pan.out;
  EXPECT_EQ(pan.code, 0) << pan.out << pan.err;
  EXPECT_EQ(pan.out.find("max search depth too small"), std::string::npos) << pan.out;
  std::smatch m;
  if (std::regex_search(pan.out, m, std::regex(R"((\d+) states, stored)"))) r.stored = std::stoull(m[1]);
  const std::regex violated(R"(assertion violated.*\b((invariant|stuck|reached)_\w+))");
  for (std::sregex_iterator it(pan.out.begin(), pan.out.end(), violated), end; it != end; ++it)
    r.flagged.insert((*it)[1]);
  return r;
}

class SpinOracle : public ::testing::TestWithParam<Case> {};

TEST_P(SpinOracle, SameStatesAndVerdictsAsTheExplicitEngine) {
  const Case& c = GetParam();
  auto ex = test::run_case(c, EngineKind::Explicit);
  ASSERT_TRUE(ex);
  ASSERT_TRUE(ex->exploration.complete) << ex->exploration.stop_reason;
  ASSERT_FALSE(ex->exploration.model_error.has_value());
  const ir::Model& m = ex->spec->model;
  const PromelaExport e = export_promela(m, ex->faults, {{}, "oracle test " + c.name});
  ASSERT_TRUE(e.error.empty()) << e.error;
  WorkDir dir;
  ASSERT_FALSE(dir.path.empty());
  auto pan = run_spin(dir.path, e.text);
  ASSERT_TRUE(pan);
  EXPECT_EQ(pan->stored, ex->exploration.states) << pan->output;
  // The verdicts: SPIN flags exactly the properties tcpmc finds violated (reached).
  std::set<std::string> expected;
  int judged = 0;
  for (const PropertyReport& p : ex->properties) {
    if (p.kind == Kind::Invariant && p.verdict == Verdict::Violated) expected.insert("invariant_" + p.name);
    if (p.kind == Kind::Stuck && p.verdict == Verdict::Violated) expected.insert("stuck_" + p.name);
    if (p.kind == Kind::Reachable && p.verdict == Verdict::Holds) expected.insert("reached_" + p.name);
    judged += p.kind == Kind::Invariant || p.kind == Kind::Stuck || p.kind == Kind::Reachable;
  }
  EXPECT_GT(judged, 0);
  EXPECT_EQ(pan->flagged, expected) << pan->output;
}

INSTANTIATE_TEST_SUITE_P(Specs, SpinOracle, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// Breadth-first SPIN (pan -DBFS, which refuses hidden variables) on the export without hidden
// scratch: the same states, and a violated invariant still found.
TEST(SpinOracleBfs, WithoutHiddenScratchTheSameStates) {
  for (const Case& c : {Case{"handshake", test::specs::kHandshake}, Case{"time", test::specs::kTime}}) {
    SCOPED_TRACE(c.name);
    auto ex = test::run_case(c, EngineKind::Explicit);
    ASSERT_TRUE(ex);
    PromelaOptions po;
    po.hidden_scratch = false;
    const PromelaExport e = export_promela(ex->spec->model, ex->faults, po);
    ASSERT_TRUE(e.error.empty());
    EXPECT_EQ(e.text.find("hidden"), std::string::npos);
    WorkDir dir;
    auto pan = run_spin(dir.path, e.text, "-DBFS");
    ASSERT_TRUE(pan);
    EXPECT_EQ(pan->stored, ex->exploration.states) << pan->output;
    EXPECT_NE(pan->output.find("assertion violated"), std::string::npos);  // both have a violated invariant
  }
}

// The oracle can tell: a planted difference (a model whose export lost one transition) is caught.
TEST(SpinOracleSelfCheck, AMissingTransitionChangesTheCount) {
  auto ex = test::run_case({"handshake", test::specs::kHandshake}, EngineKind::Explicit);
  ASSERT_TRUE(ex);
  PromelaExport e = export_promela(ex->spec->model, ex->faults, {{}, "self-check"});
  ASSERT_TRUE(e.error.empty());
  // Drop B's `syn` arrival at position 0: B never answers the first SYN from there.
  const std::string mark = "/* B receives the segment at 0: recv syn */";
  const size_t at = e.text.find(mark);
  ASSERT_NE(at, std::string::npos);
  const size_t guard = e.text.find("->", at);
  e.text.insert(guard, " && 0 ");
  WorkDir dir;
  auto pan = run_spin(dir.path, e.text);
  ASSERT_TRUE(pan);
  EXPECT_LT(pan->stored, ex->exploration.states);
}

}  // namespace
}  // namespace tcpmc
