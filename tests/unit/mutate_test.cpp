// `tcpmc mutate` (checker/mutate): on a small spec whose mutants are known one by one, the number
// of mutants per operator, a killed mutant (property and counterexample length), a survivor, a
// probably equivalent mutant, mutants of a never-firing rule classified without a run, ghost
// statements left alone, the same results for one and two jobs, --operators filtering (and an
// unknown name as a usage error with a suggestion), and the JSON fields.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "mutate.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using namespace mutate;

// A sends SYN and goes to SENT; B takes it with `syn` (first match: `other` never fires) and goes
// to DONE; `never` never fires (n stays 0). `g := 1` is ghost.
const std::string kTiny =
    "spec tiny \"mutation test\"\n"
    "enum S { IDLE, SENT, DONE }\n"
    "endpoint { state: S = IDLE\n  n: 0..3\n  timer t\n  ghost g: 0..3 }\n"
    "segment { flags SYN, ACK }\n"
    "network { capacity = 2, msl = 2 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call go in IDLE when self == A { send SYN () goto SENT }\n"
    "recv syn(s) in IDLE when s.SYN { g := 1 goto DONE }\n"
    "recv other(s) in IDLE { goto DONE }\n"
    "call never in DONE when n > 2 { n := 0 stop t }\n"
    "invariant a_not_done expect hold: A.state != DONE\n";

MutationRun run_tiny(int jobs, std::vector<Operator> ops = {}) {
  auto l = test::load(kTiny);
  EXPECT_TRUE(l->ok()) << test::all_messages(l->diags);
  MutationOptions mo;
  mo.check.limits.progress = false;
  mo.jobs = jobs;
  mo.operators = std::move(ops);
  return run_mutation(*l->spec, mo);
}

const MutantResult* find(const MutationRun& run, Operator op, const std::string& original, const std::string& repl) {
  for (size_t i = 0; i < run.mutants.size(); ++i)
    if (run.mutants[i].op == op && run.mutants[i].original == original && run.mutants[i].replacement == repl)
      return &run.results[i];
  ADD_FAILURE() << "no mutant " << operator_name(op) << " `" << original << "` -> `" << repl << "`";
  return nullptr;
}

TEST(Mutate, MutantsPerOperator) {
  auto l = test::load(kTiny);
  ASSERT_TRUE(l->ok()) << test::all_messages(l->diags);
  std::map<std::string, int> per;
  auto ms = enumerate_mutants(l->spec->model);
  for (const auto& m : ms) ++per[operator_name(m.op)];
  EXPECT_EQ(per["drop-stmt"], 4);        // three gotos, n := 0
  EXPECT_EQ(per["drop-send"], 1);
  EXPECT_EQ(per["drop-conjunct"], 3);    // self == A, s.SYN, n > 2
  EXPECT_EQ(per["negate-conjunct"], 3);
  EXPECT_EQ(per["comparison"], 2);       // self == A, n > 2
  EXPECT_EQ(per["plus-minus-one"], 4);   // 2 and 0, each +-1
  EXPECT_EQ(per["goto"], 4);             // SENT -> IDLE, DONE; DONE -> SENT twice
  EXPECT_EQ(per["flag"], 2);             // clear SYN, set ACK
  EXPECT_EQ(per["swap-recv"], 1);
  EXPECT_EQ(per["drop-timer"], 1);
  EXPECT_EQ(ms.size(), 25u);
  for (size_t i = 0; i < ms.size(); ++i) {
    EXPECT_EQ(ms[i].id, static_cast<int>(i) + 1);
    EXPECT_EQ(ms[i].original.find("g :="), std::string::npos) << "ghost statement mutated: " << ms[i].description();
    EXPECT_FALSE(ms[i].location.empty());
  }
  // The one-line description of a drop, with its line.
  const Mutant* drop_send = nullptr;
  for (const auto& m : ms)
    if (m.op == Operator::DropSend) drop_send = &m;
  ASSERT_NE(drop_send, nullptr);
  EXPECT_EQ(drop_send->description(), "line 10: `send SYN ()` → dropped");
  EXPECT_EQ(drop_send->location, "test.tcp:10:34");
  EXPECT_EQ(drop_send->rule_name, "call go");
}

TEST(Mutate, Outcomes) {
  MutationRun run = run_tiny(1);
  ASSERT_FALSE(run.interrupted);
  ASSERT_EQ(run.results.size(), 25u);
  // Killed: A goes to DONE at once.
  const MutantResult* k = find(run, Operator::Goto, "goto SENT", "goto DONE");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->outcome, Outcome::Killed);
  EXPECT_EQ(k->killed_by, "a_not_done");
  ASSERT_TRUE(k->cex_length.has_value());
  EXPECT_EQ(*k->cex_length, 1u);
  // Survived: without the send B stays in IDLE; fewer states, the property still holds.
  const MutantResult* s = find(run, Operator::DropSend, "send SYN ()", "dropped");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->outcome, Outcome::Survived);
  EXPECT_TRUE(s->ran);
  // Probably equivalent: B stops in SENT instead of DONE; same counts, same verdict.
  const MutantResult* e = find(run, Operator::Goto, "goto DONE", "goto SENT");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->outcome, Outcome::Equivalent);
  EXPECT_TRUE(e->ran);
  // The body of a rule that never fires: equivalent without a run.
  const MutantResult* nf = find(run, Operator::DropTimer, "stop t", "dropped");
  ASSERT_NE(nf, nullptr);
  EXPECT_EQ(nf->outcome, Outcome::Equivalent);
  EXPECT_FALSE(nf->ran);
  EXPECT_EQ(nf->detail, "the rule never fires");
  // ... but its guard's mutants are run (they can make it fire).
  const MutantResult* g = find(run, Operator::DropConjunct, "n > 2", "dropped");
  ASSERT_NE(g, nullptr);
  EXPECT_TRUE(g->ran);
  Summary sum = run.summary();
  EXPECT_EQ(sum.total, 25u);
  EXPECT_EQ(sum.killed + sum.survived + sum.equivalent + sum.invalid + sum.inconclusive, 25u);
  EXPECT_EQ(sum.not_run, 0u);
}

TEST(Mutate, SameResultsForAnyJobCount) {
  MutationRun a = run_tiny(1), b = run_tiny(2);
  ASSERT_EQ(a.results.size(), b.results.size());
  for (size_t i = 0; i < a.results.size(); ++i) {
    EXPECT_EQ(a.results[i].id, b.results[i].id);
    EXPECT_EQ(a.results[i].outcome, b.results[i].outcome) << a.mutants[i].description();
    EXPECT_EQ(a.results[i].killed_by, b.results[i].killed_by);
    EXPECT_EQ(a.results[i].cex_length, b.results[i].cex_length);
    EXPECT_EQ(a.results[i].states, b.results[i].states);
    EXPECT_EQ(a.results[i].transitions, b.results[i].transitions);
  }
}

TEST(Mutate, OperatorsFilterKeepsIds) {
  MutationRun all = run_tiny(1);
  MutationRun some = run_tiny(1, {Operator::Flag, Operator::SwapRecv});
  ASSERT_EQ(some.mutants.size(), 3u);
  for (size_t i = 0; i < some.mutants.size(); ++i) {
    EXPECT_TRUE(some.mutants[i].op == Operator::Flag || some.mutants[i].op == Operator::SwapRecv);
    const int id = some.mutants[i].id;
    EXPECT_EQ(all.mutants[id - 1].description(), some.mutants[i].description());
    EXPECT_EQ(all.results[id - 1].outcome, some.results[i].outcome);
  }
}

class MutateCommandTest : public test::TempDirTest {};

TEST_F(MutateCommandTest, UnknownOperatorIsAUsageError) {
  MutateCommand c;
  c.spec = write("tiny.tcp", kTiny);
  c.operators = {"flag,drop-sned"};
  c.options.limits.progress = false;
  std::ostringstream out, err;
  EXPECT_EQ(run_mutate(c, out, err), exit_code::kUsage);
  EXPECT_NE(err.str().find("unknown operator 'drop-sned'; did you mean 'drop-send'?"), std::string::npos) << err.str();
}

TEST_F(MutateCommandTest, JsonTableAndMarkdown) {
  MutateCommand c;
  c.spec = write("tiny.tcp", kTiny);
  c.operators = {"drop-send,goto"};
  c.options.limits.progress = false;
  c.jobs = 2;
  c.json_path = path("m.json");
  c.out_dir = path("md");
  std::ostringstream out, err;
  ASSERT_EQ(run_mutate(c, out, err), exit_code::kAllAsExpected) << err.str();
  EXPECT_NE(out.str().find("5 mutants: 1 killed, 2 survived, 2 probably equivalent, 0 invalid, 0 inconclusive; score 33.3%"),
            std::string::npos)
      << out.str();
  std::ifstream in(c.json_path);
  nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j["mutants"].size(), 5u);
  const auto& m = j["mutants"][0];
  for (const char* k : {"id", "operator", "rule", "location", "original", "replacement", "description", "result", "ran",
                        "killed_by", "counterexample_length", "states", "transitions", "detail"})
    EXPECT_TRUE(m.contains(k)) << k;
  EXPECT_EQ(j["operators"], nlohmann::json::parse(R"(["drop-send", "goto"])"));
  EXPECT_EQ(j["summary"]["total"], 5);
  EXPECT_EQ(j["summary"]["killed"], 1);
  EXPECT_DOUBLE_EQ(j["summary"]["score"].get<double>(), 1.0 / 3);
  EXPECT_EQ(j["mutants"][2]["killed_by"], "a_not_done");
  EXPECT_EQ(j["mutants"][2]["counterexample_length"], 1);
  EXPECT_EQ(j["original"]["states"].get<uint64_t>() > 0, true);
  std::ifstream md(path("md/tiny-mutants.md"));
  std::stringstream ss;
  ss << md.rdbuf();
  EXPECT_NE(ss.str().find("`" + c.spec + ":10:34` (call go, drop-send): line 10: `send SYN ()` → dropped"),
            std::string::npos)
      << ss.str();
}

}  // namespace
}  // namespace tcpmc
