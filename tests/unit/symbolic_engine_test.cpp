// The symbolic engine against the explicit one, and on its own:
//  - CrossEngine (value-parameterised): one body runs both engines on hand-checked unit specs
//    (each exercising one part of the semantics: faults, first-match order, capacity blocking,
//    ticks and timer urgency, modular sequence numbers) and on every shipped spec at reduced
//    bounds. BMC to depth d must agree with the explicit engine cut at d: a property whose
//    shortest counterexample (or witness) has L <= d steps is violated (reached) with one of
//    exactly L steps; otherwise nothing is found. Every trace BMC returns replays.
//  - Seq32: 32-bit sequence numbers with a free ISN (which the explicit engine cannot enumerate):
//    the counterexample needs the ISN 2^32-1 and says so.
//  - KInduction: proofs, counterexamples to induction, lemmas (proved, false, not inductive).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine_cases.hpp"
#include "test_util.hpp"
#include "text_report.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::Case;
using test::run_case;
using test::shipped_cases;
using test::unit_cases;
using namespace test::specs;
using Kind = ir::Property::Kind;

std::vector<Case> cases() {
  // The unit specs, and every shipped spec at reduced bounds: no faults, no crash, no data; BMC to depth 8.
  std::vector<Case> v = unit_cases();
  for (auto& c : shipped_cases(test::reduced_bounds(0, 0, 0, 8))) v.push_back(c);
  return v;
}


class CrossEngine : public ::testing::TestWithParam<Case> {};

TEST_P(CrossEngine, BmcAgreesWithTheExplicitEngineUpToItsDepth) {
  const Case& c = GetParam();
  auto ex = run_case(c, EngineKind::Explicit, 0);
  ASSERT_TRUE(ex);
  ASSERT_TRUE(ex->exploration.complete);
  const uint32_t d = c.depth ? c.depth : ex->exploration.depth;
  auto bmc = run_case(c, EngineKind::Bmc, d);
  ASSERT_TRUE(bmc);
  EXPECT_FALSE(bmc->replay_failed);
  EXPECT_TRUE(bmc->exploration.complete) << bmc->exploration.stop_reason;
  ASSERT_EQ(ex->properties.size(), bmc->properties.size());
  for (size_t i = 0; i < ex->properties.size(); ++i) {
    const PropertyReport& e = ex->properties[i];
    const PropertyReport& b = bmc->properties[i];
    SCOPED_TRACE(c.name + ": " + e.name);
    ASSERT_EQ(e.name, b.name);
    if (e.kind != Kind::Invariant && e.kind != Kind::Stuck && e.kind != Kind::Reachable) {
      EXPECT_EQ(b.basis, Basis::NotChecked);
      EXPECT_EQ(b.verdict, Verdict::Inconclusive);
      continue;
    }
    // The explicit engine's shortest run, if any, and whether BMC must find one as short.
    const bool explicit_found = e.counterexample.has_value();
    const size_t len = explicit_found ? e.counterexample->steps.size() : 0;
    const bool within = explicit_found && len <= d;
    EXPECT_EQ(b.basis, Basis::Bounded);
    if (within) {
      ASSERT_TRUE(b.counterexample.has_value());
      ASSERT_EQ(b.counterexample->steps.size(), len);
      EXPECT_EQ(b.verdict, e.verdict);
      EXPECT_TRUE(validate_trace(*bmc->system, *b.counterexample));
      // The same run, not only one as short: BMC picks the run breadth-first search reports.
      for (size_t s = 0; s < len; ++s) {
        const TraceStep& x = e.counterexample->steps[s];
        const TraceStep& y = b.counterexample->steps[s];
        SCOPED_TRACE("step " + std::to_string(s + 1));
        EXPECT_EQ(x.label.kind, y.label.kind);
        EXPECT_EQ(x.label.ep, y.label.ep);
        EXPECT_EQ(x.label.inst, y.label.inst);
        EXPECT_EQ(x.label.pos, y.label.pos);
        if (x.label.kind == Label::Kind::Call) {  // (other labels, and unused places, carry no parameter)
          for (size_t q = 0; q < ex->system->instances()[x.label.inst].param_ranges.size(); ++q)
            EXPECT_EQ(x.label.params[q], y.label.params[q]);
        }
        EXPECT_EQ(x.state, y.state);
      }
    } else {
      EXPECT_FALSE(b.counterexample.has_value());
      EXPECT_EQ(b.bound, d);
      EXPECT_EQ(b.verdict, e.kind == Kind::Reachable ? Verdict::Inconclusive : Verdict::Holds);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Specs, CrossEngine, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// The unit specs' verdicts are as their expectations say (so the comparison above compares
// something): the lengths were checked by hand against the semantics.
TEST(CrossEngineSpecs, HandCheckedLengths) {
  auto first = run_case({"", kFirstMatch}, EngineKind::Bmc, 4);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->properties[0].verdict, Verdict::Holds);  // first_wins: first-match order
  ASSERT_TRUE(first->properties[1].counterexample);          // second_never: go(1), B takes it by `second`
  EXPECT_EQ(first->properties[1].counterexample->steps.size(), 2u);
  ASSERT_TRUE(first->properties[2].counterexample);  // ends_in_e: go(0), the segment is consumed unhandled
  const Trace& stuck = *first->properties[2].counterexample;
  ASSERT_EQ(stuck.steps.size(), 2u);
  EXPECT_EQ(stuck.steps[0].label.params[0], 0);
  EXPECT_EQ(stuck.steps[1].label.kind, Label::Kind::Unhandled);

  auto cap = run_case({"", kCapacity}, EngineKind::Bmc, 6);
  ASSERT_TRUE(cap);
  EXPECT_EQ(cap->properties[0].verdict, Verdict::Holds);  // at_most_one: the second burst is blocked
  ASSERT_TRUE(cap->properties[1].counterexample);
  EXPECT_EQ(cap->properties[1].counterexample->steps[0].label.overflow, 2);  // the 2nd segment lost: channel full
  auto cap2 = run_case({"", kCapacity, "", {}, 2}, EngineKind::Bmc, 6);
  ASSERT_TRUE(cap2);
  ASSERT_TRUE(cap2->properties[0].counterexample);  // --loss 2: burst, recv, burst, recv
  EXPECT_EQ(cap2->properties[0].counterexample->steps.size(), 4u);

  auto seq = run_case({"", kSeq}, EngineKind::Bmc, 6);
  ASSERT_TRUE(seq);
  ASSERT_TRUE(seq->properties[0].counterexample);  // ahead: nxt - iss reaches 4 = 2^(3-1)
  EXPECT_EQ(seq->properties[0].counterexample->steps.size(), 4u);
  ASSERT_TRUE(seq->properties[1].counterexample);  // no_wrap: isn = 7, nxt wraps to 0
  EXPECT_EQ(seq->properties[1].counterexample->steps.size(), 1u);
  EXPECT_EQ(seq->properties[1].counterexample->steps[0].label.params[0], 7);
}

// 32-bit sequence numbers with a free ISN: the wrap-around needs ISN 2^32-1, which BMC finds;
// RFC 9293's comparison at 32 bits cannot be pushed to half the sequence space in a few steps.
TEST(Seq32, BmcFindsTheOneIsnThatWraps) {
  auto r = run_case({"", kSeq, "", {{"SEQ_BITS", 32}}}, EngineKind::Bmc, 6);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->replay_failed);
  EXPECT_EQ(r->properties[0].verdict, Verdict::Holds);  // ahead: holds up to depth 6
  EXPECT_EQ(r->properties[0].basis, Basis::Bounded);
  EXPECT_EQ(r->properties[0].bound, 6u);
  ASSERT_TRUE(r->properties[1].counterexample);
  const Trace& t = *r->properties[1].counterexample;
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_EQ(static_cast<uint32_t>(t.steps[0].label.params[0]), 4294967295u);
  const StateLayout& L = r->system->layout();
  EXPECT_EQ(static_cast<uint32_t>(t.steps[0].state[L.ep_var(0, 2)]), 0u);  // A.nxt wrapped to 0
  EXPECT_TRUE(validate_trace(*r->system, t));
  EXPECT_EQ(r->properties[2].verdict, Verdict::Holds);
}

// The explicit engine refuses the free 32-bit ISN; the symbolic engines take it.
TEST(Seq32, TheExplicitEngineRefusesAFreeIsn) {
  CheckOptions o;
  o.limits.progress = false;
  Diagnostics d;
  auto spec = load_spec_text("seq.tcp", kSeq, {{"SEQ_BITS", 32}}, d);
  ASSERT_TRUE(spec);
  EXPECT_THROW(check_loaded(std::make_unique<LoadedSpec>(std::move(*spec)), o), std::invalid_argument);
}

const std::string kCounter =
    "enum S { C, D }\n"
    "endpoint { state: S = C\n  n: 0..7\n  m: 0..7 }\n"
    "segment { flags SYN }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call inc in C when self == A && n < 3 { n := n + 1 m := m + 1 }\n"
    "call done in C when self == A { goto D }\n"
    // n == m is inductive; m <= 3 is inductive only together with it.
    "invariant equal expect hold: A.n == A.m\n"
    "invariant small expect hold: A.m <= 3\n";

// Some note of the run starts with `text`.
bool has_note(const SpecResult& r, const std::string& text) {
  for (const auto& n : r.exploration.notes)
    if (n.rfind(text, 0) == 0) return true;
  return false;
}

TEST(KInduction, ProvesWhatIsInductiveAndShowsWhyTheRestIsNot) {
  auto r = run_case({"", kCounter}, EngineKind::Kind, 3);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->replay_failed);
  EXPECT_EQ(r->properties[0].verdict, Verdict::Holds);
  EXPECT_EQ(r->properties[0].basis, Basis::Proved);
  EXPECT_EQ(r->properties[0].bound, 1u);
  // m <= 3 alone: a state with m = 3, n = 2 steps to m = 4. With `equal` proved and assumed it is
  // inductive too: the induction step assumes the properties it proved.
  EXPECT_EQ(r->properties[1].verdict, Verdict::Holds);
  EXPECT_EQ(r->properties[1].basis, Basis::Proved);
}

TEST(KInduction, CounterexampleToInductionIsKPlusOneStatesFromAnArbitraryOne) {
  const std::string spec = kCounter.substr(0, kCounter.find("invariant equal")) + "invariant small expect hold: A.m <= 3\n";
  auto r = run_case({"", spec}, EngineKind::Kind, 2);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->replay_failed);
  const PropertyReport& p = r->properties[0];
  EXPECT_EQ(p.verdict, Verdict::Inconclusive);
  EXPECT_EQ(p.basis, Basis::NotInductive);
  EXPECT_EQ(p.bound, 2u);
  ASSERT_TRUE(p.cti.has_value());
  const Trace& t = *p.cti;
  EXPECT_TRUE(t.from_arbitrary_state);
  ASSERT_EQ(t.steps.size(), 2u);  // k = 2: three states, the property holds in the first two
  const int m = r->system->layout().ep_var(0, 2);
  EXPECT_LE(t.initial[m], 3);
  EXPECT_LE(t.steps[0].state[m], 3);
  EXPECT_EQ(t.steps[1].state[m], 4);
  EXPECT_EQ(t.steps[1].label.kind, Label::Kind::Call);
  EXPECT_TRUE(validate_steps(*r->system, t));

  // With a lemma that ties m to n, it is proved at k = 1; the lemma is reported as proved.
  auto with = run_case({"", spec + "lemma m_is_n: A.m == A.n\n"}, EngineKind::Kind, 2);
  ASSERT_TRUE(with);
  EXPECT_EQ(with->properties[0].basis, Basis::Proved);
  EXPECT_EQ(with->properties[0].bound, 1u);
  EXPECT_TRUE(has_note(*with, "lemmas proved and assumed: m_is_n (k=1)"));
}

TEST(KInduction, FalseOrUnprovedLemmasAreNeverAssumed) {
  const std::string spec = kCounter.substr(0, kCounter.find("invariant equal")) + "invariant small expect hold: A.m <= 3\n";
  // A false lemma would make `small` provable (m == 0 everywhere): it is refuted by its base case.
  auto r = run_case({"", spec + "lemma planted: A.m == 0\n"}, EngineKind::Kind, 3);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->properties[0].basis, Basis::NotInductive);
  EXPECT_TRUE(has_note(*r, "lemma 'planted' is false: violated by a run of 1 steps, so it was not assumed"));
  EXPECT_FALSE(has_note(*r, "lemmas proved and assumed"));
  // A true lemma that is not inductive on its own (m <= 5 needs n == m) is not assumed either.
  auto u = run_case({"", spec + "lemma weak: A.m <= 5 || A.n > 9\n"}, EngineKind::Kind, 1);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->properties[0].basis, Basis::NotInductive);
  EXPECT_TRUE(has_note(*u, "lemma 'weak' is not k-inductive at k=1"));
  EXPECT_FALSE(has_note(*u, "lemmas proved and assumed"));
}

// --lemma-ctis: a lemma that is true but not inductive gets the step that refuted it, from a state
// that satisfies it (and the candidates of that moment) to one that does not; a proved lemma gets none.
TEST(KInduction, LemmaCtisShowTheStepThatBreaksALemma) {
  const std::string spec = kCounter.substr(0, kCounter.find("invariant equal")) + "invariant small expect hold: A.m <= 3\n";
  CheckOptions o;
  o.engine = EngineKind::Kind;
  o.limits.max_depth = 1;
  o.limits.progress = false;
  o.limits.lemma_ctis = true;
  auto r = check_text(spec + "lemma weak: A.m <= 5 || A.n > 9\n", o);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->exploration.lemma_ctis.size(), 1u);
  const auto& l = r->exploration.lemma_ctis[0];
  EXPECT_EQ(r->system->model().lemmas[l.lemma].name, "weak");
  EXPECT_EQ(l.k, 1u);
  ASSERT_EQ(l.cti.steps.size(), 1u);
  const int n = r->system->layout().ep_var(0, 1), m = r->system->layout().ep_var(0, 2);  // state, n, m
  EXPECT_EQ(l.cti.initial[m], 5);  // weak holds: m <= 5
  EXPECT_LT(l.cti.initial[n], 3);  // and inc is enabled
  EXPECT_EQ(l.cti.steps[0].label.kind, Label::Kind::Call);
  EXPECT_EQ(l.cti.steps[0].state[m], 6);  // weak fails
  EXPECT_TRUE(validate_steps(*r->system, l.cti));
  // The text report shows it under the notes, marked as not necessarily reachable.
  const std::string text = format_spec_result(*r, {});
  EXPECT_NE(text.find("counterexample to induction for lemma weak (k=1): the first state satisfies every lemma and "
                      "property that was still a candidate when it failed -- not necessarily reachable"),
            std::string::npos)
      << text;
  // At k = 2 the lemma's counterexample is the one of k = 2 (three states), not the first one found.
  o.limits.max_depth = 2;
  auto deeper = check_text(spec + "lemma weak: A.m <= 5 || A.n > 9\n", o);
  ASSERT_TRUE(deeper);
  EXPECT_FALSE(deeper->replay_failed);
  ASSERT_EQ(deeper->exploration.lemma_ctis.size(), 1u);
  EXPECT_EQ(deeper->exploration.lemma_ctis[0].k, 2u);
  ASSERT_EQ(deeper->exploration.lemma_ctis[0].cti.steps.size(), 2u);
  EXPECT_EQ(deeper->exploration.lemma_ctis[0].cti.steps[1].state[m], 6);
  EXPECT_TRUE(validate_steps(*deeper->system, deeper->exploration.lemma_ctis[0].cti));
  o.limits.max_depth = 1;
  // A lemma that is proved has none, and without --lemma-ctis there are none.
  auto proved = check_text(spec + "lemma equal: A.n == A.m\n", o);
  ASSERT_TRUE(proved);
  EXPECT_TRUE(proved->exploration.lemma_ctis.empty());
  o.limits.lemma_ctis = false;
  auto quiet = check_text(spec + "lemma weak: A.m <= 5 || A.n > 9\n", o);
  ASSERT_TRUE(quiet);
  EXPECT_TRUE(quiet->exploration.lemma_ctis.empty());
  EXPECT_TRUE(has_note(*quiet, "lemma 'weak' is not k-inductive at k=1"));
}

// A property about what arrives needs a lemma about what is in flight: from an arbitrary state a
// segment with v = 2 could arrive. `forall s in flight(A)` states that none is, and is inductive.
TEST(KInduction, ALemmaOverTheSegmentsInFlightMakesTheProof) {
  const std::string spec =
      "enum S { C, D, E }\n"
      "endpoint { state: S = C\n  n: 0..3 }\n"
      "segment { flags SYN\n  v: 0..3 }\n"
      "network { capacity = 2, msl = 1 }\n"
      "faults { loss = 1, dup = 1, reorder = true }\n"
      "call go in C, D when self == A && n < 2 { n := n + 1 send SYN (v = 1) goto D }\n"
      "recv ok(s) when s.v == 1 { goto D }\n"
      "recv bad(s) { goto E }\n"
      "invariant never_bad expect hold: B.state != E\n";
  auto r = run_case({"", spec}, EngineKind::Kind, 3);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->properties[0].basis, Basis::NotInductive);
  ASSERT_TRUE(r->properties[0].cti.has_value());
  const Trace& t = *r->properties[0].cti;
  // The counterexample to induction starts with a segment whose v is not 1 in flight from A.
  const StateLayout& L = r->system->layout();
  const int v = L.seg_base(0, 0) + r->system->model().seg_field("v");
  bool bad_in_flight = false;
  for (int p = 0; p < L.capacity(); ++p)
    if (t.initial[L.chan_count(0)] > p && t.initial[L.seg_base(0, p) + (v - L.seg_base(0, 0))] != 1) bad_in_flight = true;
  EXPECT_TRUE(bad_in_flight);
  EXPECT_TRUE(validate_steps(*r->system, t));

  auto with = run_case({"", spec + "lemma only_ones: forall s in flight(A): s.v == 1\n"}, EngineKind::Kind, 3);
  ASSERT_TRUE(with);
  EXPECT_EQ(with->properties[0].basis, Basis::Proved);
  EXPECT_EQ(with->properties[0].bound, 1u);
  EXPECT_TRUE(has_note(*with, "lemmas proved and assumed: only_ones (k=1)"));
  // A false lemma over the segments in flight is refuted by its base case and never assumed.
  auto wrong = run_case({"", spec + "lemma twos: forall s in flight(A): s.v == 2\n"}, EngineKind::Kind, 3);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->properties[0].basis, Basis::NotInductive);
  EXPECT_TRUE(has_note(*wrong, "lemma 'twos' is false: violated by a run of 1 steps, so it was not assumed"));
}

TEST(KInduction, ViolationsAreFoundByTheBaseCase) {
  auto r = run_case({"", kHandshake}, EngineKind::Kind, 6);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->properties[0].verdict, Verdict::Violated);  // both_open
  ASSERT_TRUE(r->properties[0].counterexample);
  EXPECT_EQ(r->properties[0].counterexample->steps.size(), 4u);
  EXPECT_EQ(r->properties[2].counterexample->steps.size(), 3u);  // never_open
}

}  // namespace
}  // namespace tcpmc

namespace tcpmc {
namespace {

// A value out of its range is a model error for both engines: the same run to the state whose
// step fails, the same source location.
TEST(SymbolicModelError, ReportedLikeTheExplicitEngine) {
  const std::string spec =
      "enum S { C, D }\n"
      "endpoint { state: S = C\n  n: 0..2 }\n"
      "segment { flags SYN }\n"
      "network { capacity = 1, msl = 1 }\n"
      "faults { loss = 0, dup = 0, reorder = false }\n"
      "call inc in C when self == A { n := n + 1 }\n"
      "invariant fine expect hold: A.n <= 2\n";
  auto ex = run_case({"", spec}, EngineKind::Explicit, 0);
  auto bmc = run_case({"", spec}, EngineKind::Bmc, 5);
  ASSERT_TRUE(ex && bmc);
  ASSERT_TRUE(ex->exploration.model_error && bmc->exploration.model_error);
  EXPECT_FALSE(bmc->replay_failed);
  EXPECT_EQ(bmc->exploration.model_error->status, ExecStatus::RangeError);
  EXPECT_EQ(bmc->exploration.model_error->value, 3);
  EXPECT_EQ(bmc->exploration.model_error->where.begin, ex->exploration.model_error->where.begin);
  ASSERT_TRUE(ex->model_error_trace && bmc->model_error_trace);
  EXPECT_EQ(bmc->model_error_trace->steps.size(), 2u);
  EXPECT_EQ(bmc->model_error_trace->steps.size(), ex->model_error_trace->steps.size());
}

TEST(SymbolicModelError, NoneFoundIsSaidWithTheDepth) {
  auto r = run_case({"", kCounter}, EngineKind::Bmc, 4);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->exploration.model_error);
  ASSERT_FALSE(r->exploration.notes.empty());
  EXPECT_EQ(r->exploration.notes.back(),
            "no model error (value out of range, overflow, division by zero) in runs of up to 4 steps");
}

}  // namespace
}  // namespace tcpmc
