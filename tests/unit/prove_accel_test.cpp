// `tcpmc prove`'s accelerations (symbolic/successor_refuter.hpp, infer/walks.hpp): what they drop
// has a witness, and Houdini's answer does not change with them.
//  - The successor search drops a planted candidate that only a successor refutes (a direct one,
//    and one four moves away through states satisfying the set), keeps a true one, and refutes
//    nothing from a pre-state the set does not hold in; a visited state with one to three slots changed
//    refutes a lemma true in every run but not inductive (as Z3 says).
//  - Houdini over the mini handshake's candidates keeps the same inductive set and proves the same
//    properties with and without it, and with one Z3 question per action or one for the whole
//    relation, or each question of a bit-blasted solver of its own; the command proves the same
//    with and without every acceleration.
//  - Random runs at 32 bits are deterministic and refute candidates an incomplete sample kept.
//  - A candidate Houdini drops uncovers the weaker ones it hid (--weaken-rounds), and only those.
#include <algorithm>

#include <gtest/gtest.h>

#include "candidates.hpp"
#include "exit_codes.hpp"
#include "invariant_inference.hpp"
#include "prove_support.hpp"
#include "sampling.hpp"
#include "successor_refuter.hpp"
#include "test_util.hpp"
#include "walks.hpp"

namespace tcpmc {
namespace {

using test::kMiniTcp;

bool same_term(const infer::Term& a, const infer::Term& b) {
  return a.src == b.src && a.ep == b.ep && a.index == b.index;
}
bool same_terms(const infer::Atom& a, const infer::Atom& b) {
  if (!a.has_y || !b.has_y) return a.has_y == b.has_y && same_term(a.x, b.x);
  return (same_term(a.x, b.x) && same_term(a.y, b.y)) || (same_term(a.x, b.y) && same_term(a.y, b.x));
}

// Goals for every lemma of m.
std::vector<symbolic::Goal> lemma_goals(const ir::Model& m) {
  std::vector<symbolic::Goal> goals(m.lemmas.size());
  for (size_t l = 0; l < m.lemmas.size(); ++l) {
    goals[l].lemma = static_cast<int>(l);
    goals[l].decl = &m.lemmas[l];
  }
  return goals;
}

bool contains(const std::vector<symbolic::Goal*>& set, const symbolic::Goal* g) {
  return std::find(set.begin(), set.end(), g) != set.end();
}

TEST(ProveSuccessors, RefutesWhatOnlyASuccessorRefutes) {
  const std::string spec = test::without_planted() +
                           "lemma a_closed: A.state == CLOSED\n"          // false one move away (connect)
                           "lemma never_est: A.state != EST\n"            // false four moves away
                           "lemma no_est_closed: !(A.state == EST && B.state == CLOSED)\n";  // true in every run
  auto l = test::load(spec, {{"SEQ_BITS", 32}});
  ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
  const ir::Model& m = l->spec->model;
  CompiledSystem sys(m, m.default_faults);
  std::vector<symbolic::Goal> goals = lemma_goals(m);
  std::vector<symbolic::Goal*> set;
  for (auto& g : goals) set.push_back(&g);
  std::vector<int32_t> init(static_cast<size_t>(sys.layout().num_slots()));
  sys.initial_state(init.data());

  // Each goal holds in the initial state; the search from it, far enough, refutes the two false ones.
  symbolic::SuccessorRefuter far(sys, 1000);
  const auto left = far.refine(init, set);
  EXPECT_FALSE(contains(left, &goals[0])) << "a_closed";
  EXPECT_FALSE(contains(left, &goals[1])) << "never_est";
  EXPECT_TRUE(contains(left, &goals[2])) << "no_est_closed";
  EXPECT_EQ(far.disagreements(), 0u);

  // Expanding the pre-state alone: only its direct successors refute.
  symbolic::SuccessorRefuter near(sys, 1);
  const auto left1 = near.refine(init, set);
  EXPECT_FALSE(contains(left1, &goals[0]));
  EXPECT_TRUE(contains(left1, &goals[1]));
  EXPECT_TRUE(contains(left1, &goals[2]));
  // So does a call's budget of one state, whatever the refuter's own limit.
  symbolic::SuccessorRefuter budgeted(sys, 1000);
  EXPECT_EQ(budgeted.refine(init, set, {}, 1), left1);
  EXPECT_EQ(budgeted.expanded(), 1u);

  // A pre-state where some goal of the set is false is no witness: nothing is refuted.
  std::vector<int32_t> est = init;
  est[static_cast<size_t>(sys.state_slot(0))] = 4;  // EST
  const auto same = far.refine(est, set);
  EXPECT_EQ(same.size(), set.size());
  EXPECT_EQ(far.disagreements(), 1u);
}

TEST(ProveSuccessors, MutantsOfVisitedStatesRefuteWhatNoRunRefutes) {
  // `a_learns` holds in every run (A takes its IRS from B's SYN|ACK, which carries B's ISS), so
  // no search from the initial state refutes it; but it is not inductive on its own: a SYN|ACK in
  // flight with another seq makes A learn something else. A visited state with that field changed
  // is such a pre-state, and Z3 agrees that the lemma is not inductive.
  const std::string spec = test::without_planted() + "lemma a_learns: A.state == EST -> A.irs == B.iss\n";
  auto l = test::load(spec, {{"SEQ_BITS", 32}});
  ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
  const ir::Model& m = l->spec->model;
  CompiledSystem sys(m, m.default_faults);
  std::vector<symbolic::Goal> goals = lemma_goals(m);
  const std::vector<symbolic::Goal*> set{&goals[0]};
  std::vector<int32_t> init(static_cast<size_t>(sys.layout().num_slots()));
  sys.initial_state(init.data());

  symbolic::SuccessorRefuter runs_only(sys, 4096);
  EXPECT_EQ(runs_only.refine(init, set).size(), 1u);
  EXPECT_EQ(runs_only.mutants(), 0u);
  symbolic::SuccessorRefuter with_mutants(sys, 4096);
  with_mutants.set_mutate(true);
  EXPECT_TRUE(with_mutants.refine(init, set).empty());
  EXPECT_GT(with_mutants.mutants(), 0u);

  InferenceOptions z3_alone;
  z3_alone.successor_states = 0;
  const InferenceResult r = infer_inductive_invariant(sys, {}, {}, z3_alone);
  ASSERT_TRUE(r.complete) << r.stop_reason;
  EXPECT_FALSE(r.lemma_inductive[0]);
}

TEST(ProveSuccessors, HoudiniKeepsTheSameSetWithAndWithoutThem) {
  auto l = test::load(test::mini_with_candidates(), {{"SEQ_BITS", 32}});
  ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
  const ir::Model& m = l->spec->model;
  ASSERT_GT(m.lemmas.size(), 10u);
  CompiledSystem sys(m, m.default_faults);
  InferenceOptions z3_alone;
  z3_alone.successor_states = 0;
  const InferenceResult a = infer_inductive_invariant(sys, {}, {}, z3_alone);
  const InferenceResult b = infer_inductive_invariant(sys, {}, {}, InferenceOptions{});
  test::expect_same_inductive_set(a, b);  // the same greatest inductive subset
  if (::testing::Test::HasFatalFailure()) return;
  // With as many states a question as Z3's effort for it (the default), or always the most.
  InferenceOptions fixed_budget;
  fixed_budget.effort_per_successor = 0;
  const InferenceResult c = infer_inductive_invariant(sys, {}, {}, fixed_budget);
  test::expect_same_inductive_set(a, c);
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_GT(c.dropped_by_successors, 0u);
  EXPECT_EQ(a.dropped_by_successors, 0u);
  EXPECT_FALSE(b.property_proved[1]) << "wide";
  EXPECT_EQ(b.successor_disagreements, 0u);
  // The search did refute (else this test would not exercise it), and Z3 still had the last word.
  EXPECT_GT(b.dropped_by_successors, 0u);
}

TEST(ProvePerAction, HoudiniKeepsTheSameSetAsWithTheWholeRelation) {
  // One Z3 question per action of the relation, or one for the whole relation: the same greatest
  // inductive subset (Z3 alone, so that every refutation is a Z3 model).
  auto l = test::load(test::mini_with_candidates(), {{"SEQ_BITS", 32}});
  ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
  const ir::Model& m = l->spec->model;
  CompiledSystem sys(m, m.default_faults);
  InferenceOptions whole, per_action;
  whole.successor_states = per_action.successor_states = 0;
  whole.per_action = false;
  per_action.per_action = true;
  const InferenceResult a = infer_inductive_invariant(sys, {}, {}, whole);
  const InferenceResult b = infer_inductive_invariant(sys, {}, {}, per_action);
  test::expect_same_inductive_set(a, b);
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_FALSE(b.property_proved[1]) << "wide";
  ASSERT_TRUE(b.cti[1].has_value());
  EXPECT_TRUE(validate_steps(sys, *b.cti[1]));
  // The whole relation: the last question is its only unsat answer. Per action: the last pass
  // asks every action (the mini handshake has more than ten) and each answers unsat.
  EXPECT_EQ(a.z3_unsat_answers, 1u);
  EXPECT_GT(b.z3_unsat_answers, 10u);
  EXPECT_GT(b.z3_sat_answers, 0u);
  EXPECT_EQ(b.z3_questions, b.z3_sat_answers + b.z3_unsat_answers);
}

TEST(ProveBitBlasted, HoudiniKeepsTheSameSetAsTheIncrementalSolver) {
  // Each question of a bit-blasted solver of its own (one per action), or of the incremental one
  // with the goals' literals assumed: the same greatest inductive subset, at the narrow width and
  // at 32 bits, on one worker (the incremental one asking about the whole relation) and two (per
  // action). Z3 alone, so that every refutation is a model of the solver under test; a planted
  // lemma true at 3 bits and false at 32 is dropped there.
  const std::string all = test::mini_with_candidates() + "lemma planted: A.iss - B.iss <= 7\n";
  for (const int64_t bits : {3, 32}) {
    SCOPED_TRACE("SEQ_BITS=" + std::to_string(bits));
    auto l = test::load(all, {{"SEQ_BITS", bits}});
    ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
    const ir::Model& m = l->spec->model;
    CompiledSystem sys(m, m.default_faults);
    const size_t planted = m.lemmas.size() - 1;
    ASSERT_EQ(m.lemmas[planted].name, "planted");
    for (const size_t workers : {1, 2}) {
      SCOPED_TRACE("workers=" + std::to_string(workers));
      InferenceOptions incremental;
      incremental.successor_states = 0;
      incremental.workers = workers;
      incremental.per_action = workers > 1;
      InferenceOptions bit_blasted = incremental;
      bit_blasted.bit_blasted_questions = true;
      const InferenceResult a = infer_inductive_invariant(sys, {}, {}, incremental);
      const InferenceResult b = infer_inductive_invariant(sys, {}, {}, bit_blasted);
      test::expect_same_inductive_set(a, b);
      if (::testing::Test::HasFatalFailure()) return;
      EXPECT_GT(b.dropped_by_z3, 0u);  // the bit-blasted models refuted candidates
      EXPECT_EQ(b.z3_questions, b.z3_sat_answers + b.z3_unsat_answers);
      EXPECT_GT(std::count(b.lemma_inductive.begin(), b.lemma_inductive.end(), 1), 1);
      EXPECT_EQ(b.lemma_inductive[planted], bits == 3 ? 1 : 0);
      EXPECT_EQ(b.property_proved[1], bits == 3 ? 1 : 0) << "wide";
      if (workers == 1) {  // whole relation: one unsat answer; bit-blasted: every action's
        EXPECT_EQ(a.z3_unsat_answers, 1u);
        EXPECT_GT(b.z3_unsat_answers, 10u);  // (the mini handshake has more than ten actions)
      }
    }
  }
}

TEST(ProveBitBlasted, AssumesWhatAnEarlierRoundKept) {
  // As a narrow round after the first: what Houdini kept from the first half of the candidates is
  // known (assumed with the set, never asked); with every candidate, the bit-blasted questions
  // keep the same set as a Houdini that knows nothing (the greatest inductive subset contains
  // the known one). Some lemma of the second half is inductive only with the first half's help:
  // the questions must assume the known lemmas too.
  const std::string all = test::mini_with_candidates();
  const size_t first = all.find("lemma c");
  ASSERT_NE(first, std::string::npos);
  size_t half = first;
  for (size_t n = 0, count = static_cast<size_t>(std::count(all.begin() + first, all.end(), '\n')); n < count / 2; ++n)
    half = all.find('\n', half) + 1;
  auto first_half = test::load(all.substr(0, half), {{"SEQ_BITS", 32}});
  auto every = test::load(all, {{"SEQ_BITS", 32}});
  ASSERT_TRUE(first_half->ok() && every->ok());
  const ir::Model& fm = first_half->spec->model;
  const ir::Model& m = every->spec->model;
  CompiledSystem first_sys(fm, fm.default_faults), sys(m, m.default_faults);
  InferenceOptions o;
  o.successor_states = 0;
  o.bit_blasted_questions = true;
  const InferenceResult r1 = infer_inductive_invariant(first_sys, {}, {}, o);
  ASSERT_TRUE(r1.complete);
  InferenceOptions known = o;
  known.known_lemmas.assign(m.lemmas.size(), 0);
  size_t n_known = 0;
  for (size_t i = 0; i < fm.lemmas.size(); ++i)
    if (r1.lemma_inductive[i])
      for (size_t j = 0; j < m.lemmas.size(); ++j)
        if (m.lemmas[j].name == fm.lemmas[i].name) known.known_lemmas[j] = 1, ++n_known;
  ASSERT_GT(n_known, 0u);
  const InferenceResult fresh = infer_inductive_invariant(sys, {}, {}, o);
  const InferenceResult with_known = infer_inductive_invariant(sys, {}, {}, known);
  test::expect_same_inductive_set(fresh, with_known);
}

class ProveAccelTest : public test::TempDirTest {};

TEST_F(ProveAccelTest, CommandProvesTheSameWithAndWithoutAccelerations) {
  ProveCommand c;
  c.spec = write("mini.tcp", kMiniTcp);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3};
  c.use_lemmas = true;  // the planted false lemma among the candidates
  c.minimize = false;   // (prove_test.cpp tests it)
  ProveCommand plain = c;
  plain.successor_states = 0;
  plain.target_runs = 0;
  plain.per_action = false;
  const test::ProveRun p = test::prove_quietly(plain), q = test::prove_quietly(c);
  for (const test::ProveRun* r : {&p, &q}) {
    EXPECT_EQ(r->code, 0) << r->out << r->err;
    EXPECT_NE(r->out.find("agree     PROVED (k=1)"), std::string::npos) << r->out;
    EXPECT_NE(r->out.find("wide      not proved"), std::string::npos) << r->out;
    EXPECT_EQ(r->out.find("planted:"), std::string::npos) << r->out;
    EXPECT_NE(r->out.find("every invariant above proved again"), std::string::npos) << r->out;
  }
  EXPECT_NE(q.out.find("random runs of at most"), std::string::npos) << q.out;
  EXPECT_EQ(p.out.find("random runs of at most"), std::string::npos) << p.out;
}

TEST_F(ProveAccelTest, SampleDefineOfSeqBitsIsRefused) {
  // --samples-from sets each sampling run's SEQ_BITS; a --sample-define of it used to be overridden silently.
  ProveCommand c;
  c.spec = write("mini.tcp", kMiniTcp);
  c.sample_defines = {{"SEQ_BITS", 2}};
  const test::ProveRun r = test::prove_quietly(c);
  EXPECT_EQ(r.code, exit_code::kUsage);
  EXPECT_NE(r.err.find("--samples-from"), std::string::npos) << r.err;
}

TEST(ProveWeakening, ARefutedCandidateUncoversTheWeakerOnesItHidAndNothingElseChanges) {
  auto small = test::load(test::without_planted());
  auto wide = test::load(test::without_planted(), {{"SEQ_BITS", 32}});
  ASSERT_TRUE(small->ok() && wide->ok());
  infer::CandidateSet cands(wide->spec->model);
  infer::sample(small->spec->model, 0, 0, cands);  // every reachable state at 3 bits
  const auto before = cands.survivors();
  auto in = [](const std::vector<const infer::Candidate*>& v, const infer::Candidate* c) {
    return std::find(v.begin(), v.end(), c) != v.end();
  };
  // The first candidate whose refutation uncovers others over the same terms: the same relation
  // under a narrower antecedent, or a weaker relation (a distance for an equation).
  // (A copy's candidates are its own: compared by their place in all().)
  auto index = [](const infer::CandidateSet& set, const infer::Candidate* c) { return c - set.all().data(); };
  auto uncovered_by = [&](const infer::CandidateSet& set, const infer::Candidate* eq) {
    size_t n = 0;
    for (const infer::Candidate* c : set.survivors())
      if (!in(before, &cands.all()[index(set, c)]) && c->atom.op != infer::Atom::Op::Never &&
          same_terms(c->atom, eq->atom))
        ++n;
    return n;
  };
  const infer::Candidate* eq = nullptr;
  for (const infer::Candidate* c : before) {
    if (eq || c->atom.op == infer::Atom::Op::Never) continue;
    infer::CandidateSet copy = cands;
    copy.refute(copy.all()[index(cands, c)]);
    if (uncovered_by(copy, c) > 0) eq = c;
  }
  ASSERT_NE(eq, nullptr);
  const size_t alive = cands.alive_count();
  cands.refute(*eq);
  EXPECT_EQ(cands.alive_count(), alive - 1);
  const auto after = cands.survivors();
  EXPECT_FALSE(in(after, eq));
  for (const infer::Candidate* c : before) {
    if (c != eq) {
      EXPECT_TRUE(in(after, c)) << cands.text(*c);  // nothing else is lost
    }
  }
  EXPECT_GT(uncovered_by(cands, eq), 0u) << cands.text(*eq);
}

TEST(ProveWalks, RandomRunsAt32BitsRefuteWhatAnIncompleteSampleKept) {
  auto small = test::load(test::without_planted());
  auto wide = test::load(test::without_planted(), {{"SEQ_BITS", 32}});
  ASSERT_TRUE(small->ok() && wide->ok());
  infer::WalkOptions wo;
  wo.runs = 50;
  wo.steps = 20;
  auto after = [&](bool walk) {
    infer::CandidateSet cands(wide->spec->model);
    infer::sample(small->spec->model, 3, 0, cands);  // three states only: most candidates survive
    const size_t sampled = cands.alive_count();
    infer::SampleRun r;
    if (walk) r = infer::walk(wide->spec->model, wo, cands);
    return std::make_tuple(sampled, cands.alive_count(), r.states);
  };
  const auto [sampled, walked, states] = after(true);
  EXPECT_LT(walked, sampled);
  EXPECT_GT(states, wo.runs);
  EXPECT_EQ(after(true), std::make_tuple(sampled, walked, states));  // deterministic
  EXPECT_EQ(std::get<1>(after(false)), sampled);
  // Every state a run visits is reachable: after a complete sample (every reachable state at 3
  // bits), the runs at 32 bits refute nothing more (the templates read the same at every width).
  infer::CandidateSet complete(wide->spec->model);
  infer::sample(small->spec->model, 0, 0, complete);
  const size_t before = complete.alive_count();
  infer::walk(wide->spec->model, wo, complete);
  EXPECT_EQ(complete.alive_count(), before);
}

// The explicit engine samples with prove's threads: the same states, so the same candidates, on
// any number of them, also when the sample stops at its limit.
TEST(ProveSampling, AnyNumberOfThreadsKeepsTheSameCandidates) {
  auto small = test::load(test::without_planted());
  auto wide = test::load(test::without_planted(), {{"SEQ_BITS", 32}});
  ASSERT_TRUE(small->ok() && wide->ok());
  for (uint64_t max_states : {uint64_t{0}, uint64_t{300}}) {
    SCOPED_TRACE(max_states);
    auto survivors = [&](int threads, infer::SampleRun& run) {
      infer::CandidateSet cands(wide->spec->model);
      run = infer::sample(small->spec->model, max_states, 0, cands, nullptr, threads);
      std::vector<std::string> out;
      for (const infer::Candidate* c : cands.survivors()) out.push_back(cands.text(*c));
      return out;
    };
    infer::SampleRun one, two;
    const std::vector<std::string> by_one = survivors(1, one), by_two = survivors(2, two);
    EXPECT_EQ(one.complete, max_states == 0);
    EXPECT_EQ(two.states, one.states);
    EXPECT_EQ(two.projections, one.projections);
    EXPECT_EQ(two.alive_after, one.alive_after);
    EXPECT_EQ(by_two, by_one);
  }
}

}  // namespace
}  // namespace tcpmc
