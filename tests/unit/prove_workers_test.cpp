// Houdini with several workers (symbolic/houdini_board.hpp, InferenceOptions::workers, prove -j):
//  - The board ends a run only when every worker has answered for the same set; an answer about
//    a set that has lost goals since is stale; a give-up ends it without an inductive set; a
//    worker waiting for the others wakes when one drops goals.
//  - Over the mini handshake's candidates, 1, 2 and 3 workers (one question per share, or per
//    action) keep the same inductive set, print the same proofs and the same counterexample to
//    induction, and weaken the planted false lemma away; at 6 bits, 1, 2 and 3 workers sharing
//    the minimization's questions make the same minimal proof.
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "houdini_board.hpp"
#include "invariant_inference.hpp"
#include "kinduction.hpp"
#include "prove_support.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using symbolic::HoudiniBoard;

TEST(HoudiniBoard, EndsWhenEveryWorkerAnswersForTheSameSet) {
  HoudiniBoard b({4, 1, 7}, 2);
  std::vector<size_t> set;
  uint64_t v0 = 0, v1 = 0;
  ASSERT_TRUE(b.next(0, set, v0));
  EXPECT_EQ(set, (std::vector<size_t>{4, 1, 7}));
  ASSERT_TRUE(b.next(1, set, v1));
  b.none_breaks(0, v0);
  EXPECT_FALSE(b.inductive());  // worker 1 has not answered
  EXPECT_EQ(b.drop({1, 9}), 1u);  // 9 was never in the set
  b.none_breaks(1, v1);           // stale: about the set before the drop
  EXPECT_FALSE(b.inductive());
  // Both are asked again, about the set without 1.
  ASSERT_TRUE(b.next(0, set, v0));
  EXPECT_EQ(set, (std::vector<size_t>{4, 7}));
  ASSERT_TRUE(b.next(1, set, v1));
  EXPECT_EQ(v0, v1);
  b.none_breaks(1, v1);
  b.none_breaks(0, v0);
  EXPECT_TRUE(b.inductive());
  EXPECT_FALSE(b.next(0, set, v0));
  EXPECT_EQ(b.set(), (std::vector<size_t>{4, 7}));
  EXPECT_EQ(b.drop({4}), 0u);  // over: nothing changes any more
  EXPECT_EQ(b.size(), 2u);
}

TEST(HoudiniBoard, GivingUpEndsTheRunWithoutAnInductiveSet) {
  HoudiniBoard b({0, 1}, 2);
  b.give_up();
  std::vector<size_t> set;
  uint64_t v = 0;
  EXPECT_FALSE(b.next(1, set, v));
  EXPECT_FALSE(b.inductive());
}

TEST(HoudiniBoard, TheEmptySetIsInductive) {
  HoudiniBoard b({3}, 2);
  EXPECT_EQ(b.drop({3}), 1u);
  EXPECT_TRUE(b.inductive());
  EXPECT_TRUE(b.set().empty());
}

TEST(HoudiniBoard, AWaitingWorkerWakesWhenAnotherDropsGoals) {
  HoudiniBoard b({0, 1, 2}, 2);
  std::vector<size_t> set;
  uint64_t v = 0;
  ASSERT_TRUE(b.next(0, set, v));
  b.none_breaks(0, v);
  std::vector<size_t> woken;
  bool asked_again = false;
  std::thread waiter([&] {
    uint64_t w = 0;
    asked_again = b.next(0, woken, w);  // blocks until the set changes
  });
  b.drop({2});
  waiter.join();
  EXPECT_TRUE(asked_again);
  EXPECT_EQ(woken, (std::vector<size_t>{0, 1}));
}

InferenceResult houdini(const CompiledSystem& sys, size_t workers, bool per_action) {
  InferenceOptions o;
  o.workers = workers;
  o.per_action = per_action;
  return infer_inductive_invariant(sys, {}, {}, o);
}

// Whether the proof of property p (p, the lemmas and properties it needs) holds after a step
// from itself, asked of a solver of its own.
bool proof_is_inductive(const CompiledSystem& sys, const InferenceResult& r, size_t p) {
  const ir::Model& m = sys.model();
  std::vector<symbolic::Goal> goals;
  auto add = [&](int property, int lemma) {
    symbolic::Goal g;
    g.property = property;
    g.lemma = lemma;
    g.decl = property >= 0 ? &m.properties[static_cast<size_t>(property)] : &m.lemmas[static_cast<size_t>(lemma)];
    goals.push_back(g);
  };
  add(static_cast<int>(p), -1);
  for (int q : r.support_properties[p]) add(q, -1);
  for (int l : r.support_lemmas[p]) add(-1, l);
  std::vector<symbolic::Goal*> all;
  for (symbolic::Goal& g : goals) all.push_back(&g);
  symbolic::SymbolicProblem problem(sys);
  symbolic::KInduction step(problem, all, problem.make_solver(false));
  step.extend_to(1);
  return step.preserves(all, all).value_or(false);
}

void expect_same_cti(const std::optional<Trace>& a, const std::optional<Trace>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  EXPECT_EQ(a->initial, b->initial);
  ASSERT_EQ(a->steps.size(), b->steps.size());
  for (size_t i = 0; i < a->steps.size(); ++i) EXPECT_EQ(a->steps[i].state, b->steps[i].state) << "step " << i;
}

TEST(ProveWorkers, AnyNumberOfWorkersKeepsTheSameSetAndCounterexamples) {
  auto l = test::load(test::mini_with_candidates(), {{"SEQ_BITS", 32}});
  ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
  const ir::Model& m = l->spec->model;
  ASSERT_GT(m.lemmas.size(), 10u);
  CompiledSystem sys(m, m.default_faults);
  for (bool per_action : {false, true}) {
    SCOPED_TRACE(per_action ? "per action" : "per share");
    const InferenceResult one = houdini(sys, 1, per_action);
    ASSERT_GT(one.dropped_by_z3 + one.dropped_by_successors, 0u);  // Houdini had work
    ASSERT_TRUE(one.cti[1].has_value()) << "wide";
    for (size_t workers : {2, 3}) {
      SCOPED_TRACE(std::to_string(workers) + " workers");
      const InferenceResult many = houdini(sys, workers, per_action);
      test::expect_same_inductive_set(one, many);
      if (::testing::Test::HasFatalFailure()) return;
      // The same counterexamples to induction, replayed.
      for (size_t p = 0; p < m.properties.size(); ++p) expect_same_cti(one.cti[p], many.cti[p]);
      ASSERT_TRUE(many.cti[1].has_value());
      EXPECT_TRUE(validate_steps(sys, *many.cti[1]));
      EXPECT_GE(many.z3_unsat_answers, workers);  // each worker had the last word on its share
    }
  }
}

// The minimization's questions are answered by the workers, a batch at a time, each assuming the
// ones before it kept: the proof is the one a single solver makes, lemma by lemma.
TEST(ProveWorkers, AnyNumberOfWorkersMinimizesToTheSameProof) {
  auto l = test::load(test::mini_with_candidates(0), {{"SEQ_BITS", 6}});
  ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
  const ir::Model& m = l->spec->model;
  CompiledSystem sys(m, m.default_faults);
  const InferenceResult one = houdini(sys, 1, false);
  ASSERT_TRUE(one.complete) << one.stop_reason;
  size_t lemmas = 0;
  for (const auto& s : one.support_lemmas) lemmas += s.size();
  ASSERT_GE(lemmas, 2u) << "a proof for the minimization to work on";
  // The closure of cores had more members than the proof kept: some were dropped.
  EXPECT_GT(one.minimize_dropped, 0u);
  for (size_t p = 0; p < m.properties.size(); ++p) {
    if (!one.property_proved[p]) continue;
    EXPECT_TRUE(proof_is_inductive(sys, one, p)) << m.properties[p].name;
  }
  for (size_t workers : {2, 3}) {
    SCOPED_TRACE(std::to_string(workers) + " workers");
    const InferenceResult many = houdini(sys, workers, false);
    test::expect_same_inductive_set(one, many);
    EXPECT_EQ(one.support_lemmas, many.support_lemmas);
    EXPECT_EQ(one.support_properties, many.support_properties);
    EXPECT_EQ(many.minimize_dropped, one.minimize_dropped);
    EXPECT_GE(many.minimize_questions, one.minimize_questions);  // a drop makes the batch's later answers moot
  }
}

TEST(ProveWorkers, ThePlantedFalseLemmaIsWeakenedAwayByTwoWorkers) {
  auto l = test::load(test::kMiniTcp, {{"SEQ_BITS", 32}});
  ASSERT_TRUE(l->ok());
  const ir::Model& m = l->spec->model;
  CompiledSystem sys(m, m.default_faults);
  const InferenceResult r = houdini(sys, 2, false);
  ASSERT_TRUE(r.complete) << r.stop_reason;
  ASSERT_EQ(m.lemmas.size(), 1u);
  EXPECT_FALSE(r.lemma_initially_false[0]);
  EXPECT_FALSE(r.lemma_inductive[0]);
  EXPECT_FALSE(r.property_proved[1]) << "wide";
}

class ProveWorkersCommand : public test::TempDirTest {};

TEST_F(ProveWorkersCommand, TwoThreadsProveTheSameWithTheSameProofAndCounterexample) {
  // The whole command (narrow stage, target, unsat cores, re-check; without the minimization,
  // which takes most of the time here): the same verdicts, proofs and counterexamples to
  // induction in its JSON with -j 1 and -j 2.
  ProveCommand c;
  c.spec = write("mini.tcp", test::kMiniTcp);
  c.defines = {{"SEQ_BITS", 32}};
  c.use_lemmas = true;
  c.minimize = false;
  auto run = [&](unsigned threads) {
    c.threads = threads;
    c.json_path = path("j" + std::to_string(threads) + ".json");
    const test::ProveRun p = test::prove_quietly(c);
    EXPECT_EQ(p.code, 0) << p.out << p.err;
    EXPECT_NE(p.out.find("agree     PROVED (k=1)"), std::string::npos) << p.out;
    EXPECT_EQ(p.out.find("planted:"), std::string::npos) << p.out;
    std::ifstream f(c.json_path);
    return nlohmann::json::parse(f);
  };
  const auto one = run(1), two = run(2);
  ASSERT_TRUE(one.at("properties").is_array());
  EXPECT_EQ(one.at("properties"), two.at("properties"));
  EXPECT_EQ(one.at("inductive"), two.at("inductive"));
  EXPECT_NE(one.at("properties").dump().find("\"cti\""), std::string::npos);  // `wide`'s
}

}  // namespace
}  // namespace tcpmc
