// Successor generation and the explicit engine on tiny specs whose reachable states, transitions
// and depth are worked out by hand (derivations in the comments): independent counters, a
// one-segment exchange, a parameterised call, modular sequence-number comparisons, the
// first-matching recv rule, unhandled segments, and sends into a full channel (dropped).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "explicit_engine.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::prop;

// Two endpoint counters 0..2, each incremented by its own endpoint.
// States: every (A.n, B.n) in {0,1,2}^2 = 9. Transitions: from (a, b) A increments iff a < 2 and
// B iff b < 2: 6 + 6 = 12. Depth: BFS level of (a, b) is a + b, the deepest is (2, 2) = 4.
// Nothing is in flight and there are no timers, so a tick would change nothing: no tick steps.
const std::string kCounters =
    "enum S { CLOSED }\n"
    "endpoint { state: S = CLOSED\n  n: 0..2 }\n"
    "call inc when n < 2 { n := n + 1 }\n"
    "invariant sum expect hold: A.n + B.n <= 4\n"
    "stuck done expect hold: A.n == 2 && B.n == 2\n";

TEST(Successors, TwoCountersByHand) {
  auto r = check_text(kCounters);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 9u);
  EXPECT_EQ(r->exploration.transitions, 12u);
  EXPECT_EQ(r->exploration.depth, 4u);
  EXPECT_TRUE(r->exploration.complete);
  EXPECT_EQ(prop(*r, "sum").verdict, Verdict::Holds);
  EXPECT_EQ(prop(*r, "done").verdict, Verdict::Holds);  // the only state without successors is (2, 2)
  // Coverage: each instance fires in the 6 states where its counter is below 2.
  ASSERT_EQ(r->exploration.coverage.fired.size(), 2u);
  EXPECT_EQ(r->exploration.coverage.fired[0], 6u);
  EXPECT_EQ(r->exploration.coverage.fired[1], 6u);
  ASSERT_EQ(r->exploration.coverage.endpoint_transitions.size(), 2u);
  EXPECT_EQ(r->exploration.coverage.endpoint_transitions[0].ep, 0);
  EXPECT_EQ(r->exploration.coverage.endpoint_transitions[0].count, 6u);
  EXPECT_EQ(r->exploration.coverage.endpoint_transitions[1].ep, 1);
}

TEST(Successors, EngineDirectlyAndInitialState) {
  auto l = test::load(kCounters);
  ASSERT_TRUE(l->ok());
  CompiledSystem sys(l->spec->model, {0, 0, false});
  std::vector<int32_t> init(sys.layout().num_slots(), -1);
  sys.initial_state(init.data());
  for (int32_t v : init) EXPECT_EQ(v, 0);
  // The initial state has exactly two successors, A's increment then B's (calls interleave A, B).
  Scratch sc = sys.make_scratch();
  std::vector<std::pair<int, int32_t>> seen;
  sys.successors(init.data(), sc, [&](const Label& lab, const int32_t* next) {
    EXPECT_EQ(lab.kind, Label::Kind::Call);
    seen.push_back({lab.ep, next[sys.layout().ep_var(lab.ep, 1)]});
  });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(0, 1));
  EXPECT_EQ(seen[1], std::make_pair(1, 1));
  ExplicitEngine engine(sys);
  EngineLimits lim;
  lim.progress = false;
  EngineResult x = engine.check(lim);
  EXPECT_EQ(x.states, 9u);
  EXPECT_EQ(x.transitions, 12u);
  EXPECT_EQ(x.depth, 4u);
}

// A sends one SYN (capacity 1, msl 1, no faults); B takes it in CLOSED. Delay is bounded: no tick
// while a segment has age msl, so without loss the SYN always arrives.
//   s0 (CLOSED, CLOSED, {})        -A ping->  s1 (SENT, CLOSED, {S@0})             1 transition
//   s1  -B got-> s2 (SENT, GOT, {})   -tick-> s3 (SENT, CLOSED, {S@1})            2
//   s2  nothing enabled (no timers, nothing in flight)                              0
//   s3  -B got-> s2;  no tick: the SYN has reached msl                              1
// 4 states, 4 transitions; levels s0:0 s1:1 s2,s3:2 -> depth 2.
const std::string kPing =
    "enum S { CLOSED, SENT, GOT }\n"
    "endpoint { state: S = CLOSED }\n"
    "segment { flags SYN }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call ping in CLOSED when self == A { send SYN () goto SENT }\n"
    "recv got(s) in CLOSED when s.SYN { goto GOT }\n"
    "stuck delivered expect hold: B.state == GOT\n"
    "invariant never_got expect violation: B.state != GOT\n";

TEST(Successors, SegmentExchangeByHand) {
  auto r = check_text(kPing);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 4u);
  EXPECT_EQ(r->exploration.transitions, 4u);
  EXPECT_EQ(r->exploration.depth, 2u);
  EXPECT_EQ(prop(*r, "delivered").verdict, Verdict::Holds);  // s2 is the only dead end
  const PropertyReport& p = prop(*r, "never_got");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  ASSERT_EQ(p.counterexample->steps.size(), 2u);
  const CompiledSystem& sys = *r->system;
  EXPECT_EQ(describe_event(sys, p.counterexample->steps[0].label), "A ping; sends A→B [S]");
  EXPECT_EQ(describe_event(sys, p.counterexample->steps[1].label), "B recv [S]");
  EXPECT_EQ(p.depth, 2u);
  // Coverage: B's got fired twice (from s1 and s3); A's never (nothing flows B->A).
  const auto& inst = sys.instances();
  for (size_t i = 0; i < inst.size(); ++i)
    if (sys.model().rules[inst[i].rule].name == "got") {
      EXPECT_EQ(r->exploration.coverage.fired[i], inst[i].ep == 1 ? 2u : 0u);
    }
}

// What a property reads: exactly the slots its predicate loads. The successor refuter skips a
// candidate in a successor that changed none of them, so a slot missing here would hide a refutation.
TEST(Successors, PropertyReadsAreTheSlotsItsPredicateLoads) {
  auto l = test::load(kCounters);
  ASSERT_TRUE(l->ok());
  CompiledSystem sys(l->spec->model, {0, 0, false});
  const StateLayout& L = sys.layout();
  EXPECT_EQ(sys.property_reads(0), (std::vector<int>{L.ep_var(0, 1), L.ep_var(1, 1)}));  // A.n + B.n <= 4

  std::string text = kPing;
  text += "invariant a_quiet expect violation: forall s in flight(A): !s.SYN\n";
  text += "invariant a_closed expect violation: A.state == CLOSED\n";
  auto p = test::load(text);
  ASSERT_TRUE(p->ok());
  CompiledSystem ping(p->spec->model, {0, 0, false});
  const StateLayout& P = ping.layout();
  const int a_quiet = 2, a_closed = 3;
  const std::vector<int> quiet = ping.property_reads(a_quiet);
  EXPECT_NE(std::find(quiet.begin(), quiet.end(), P.chan_count(0)), quiet.end());
  EXPECT_NE(std::find(quiet.begin(), quiet.end(), P.seg_base(0, 0)), quiet.end());  // the SYN flag
  EXPECT_EQ(std::find(quiet.begin(), quiet.end(), P.ep_var(0, 0)), quiet.end());
  EXPECT_TRUE(std::is_sorted(quiet.begin(), quiet.end()));
  EXPECT_EQ(ping.property_reads(a_closed), std::vector<int>{P.ep_var(0, 0)});
  // The predicate's value follows its slots: changing any other slot keeps it.
  std::vector<int32_t> st(P.num_slots(), 0);
  ping.initial_state(st.data());
  st[P.chan_count(0)] = 1;
  st[P.seg_base(0, 0)] = 1;
  EXPECT_FALSE(ping.property_holds(a_quiet, st.data()));
  st[P.ep_var(0, 0)] = 1;
  EXPECT_FALSE(ping.property_holds(a_quiet, st.data()));
  st[P.seg_base(0, 0)] = 0;
  EXPECT_TRUE(ping.property_holds(a_quiet, st.data()));
}

// The same with msl 3: the SYN waits at ages 0..3 (s1..s4), receivable at each, ticking until it
// reaches 3: s0, s1..s4, GOT = 6 states; 1 + 4 receipts + 3 ticks = 8 transitions; depth 4 (s4).
TEST(Successors, SegmentExchangeWithLongerLifetimeByHand) {
  std::string text = kPing;
  text.replace(text.find("msl = 1"), 7, "msl = 3");
  auto r = check_text(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 6u);
  EXPECT_EQ(r->exploration.transitions, 8u);
  EXPECT_EQ(r->exploration.depth, 4u);
  EXPECT_EQ(prop(*r, "delivered").verdict, Verdict::Holds);
}

// One call with a parameter: set(v) for v in 0..2 from the initial state only.
// s0 has 3 successors (OPEN with x = 0, 1, 2), all distinct and all dead ends: 4 states, 3 transitions, depth 1.
TEST(Successors, ParameterisedCallFiresOncePerValue) {
  const std::string text =
      "enum S { CLOSED, OPEN }\n"
      "endpoint { state: S = CLOSED\n  x: 0..2 }\n"
      "call set(v: 0..2) in CLOSED when self == A { x := v goto OPEN }\n"
      "invariant small expect violation: A.x < 2\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 4u);
  EXPECT_EQ(r->exploration.transitions, 3u);
  EXPECT_EQ(r->exploration.depth, 1u);
  const PropertyReport& p = prop(*r, "small");
  ASSERT_TRUE(p.counterexample);
  ASSERT_EQ(p.counterexample->steps.size(), 1u);
  EXPECT_EQ(describe_event(*r->system, p.counterexample->steps[0].label), "A set(v=2)");
  EXPECT_EQ(p.counterexample->steps[0].label.params[0], 2);
}

// Sequence numbers with SEQ_BITS = 3 (mod 8). a ranges over all 8 values (8 successors of s0).
// a < a + k holds iff k mod 8 is in 1..3 (so not for k = 0: strict; nor for k = 4 in either
// direction: the antipodal point); seq - seq is the distance mod 8; seq + int wraps.
TEST(Successors, SequenceNumbersWrapAndCompareModularly) {
  const std::string text =
      "const SEQ_BITS = 3\n"
      "enum S { CLOSED, OPEN }\n"
      "endpoint { state: S = CLOSED\n  a: seq }\n"
      "call set(v: seq) in CLOSED when self == A { a := v goto OPEN }\n"
      "invariant lt3 expect hold: A.a < A.a + 3\n"
      "invariant lt4 expect violation: A.a < A.a + 4\n"
      "invariant le3 expect hold: A.a <= A.a + 3 && A.a <= A.a\n"
      "invariant gt expect hold: A.a + 1 > A.a && A.a >= A.a + 5\n"
      "invariant wrap expect hold: A.a + 7 == A.a - 1 && A.a + 8 == A.a\n"
      "invariant dist expect hold: A.a - (A.a + 5) == 3 && (A.a + 5) - A.a == 5\n"
      "invariant strict expect hold: !(A.a < A.a) && !(A.a > A.a) && A.a <= A.a && A.a >= A.a\n"
      "invariant antipodal expect hold: !(A.a < A.a + 4) && !(A.a + 4 < A.a)\n"
      "invariant not_six expect violation: A.a != 6\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 9u);
  EXPECT_EQ(r->exploration.transitions, 8u);
  for (const auto& p : r->properties) EXPECT_TRUE(p.as_expected()) << p.name << " " << verdict_name(p.verdict);
  // lt4 fails in every state, including the initial one (a = 0): a counterexample of 0 steps.
  ASSERT_TRUE(prop(*r, "lt4").counterexample);
  EXPECT_EQ(prop(*r, "lt4").counterexample->steps.size(), 0u);
  ASSERT_TRUE(prop(*r, "not_six").counterexample);
  EXPECT_EQ(describe_event(*r->system, prop(*r, "not_six").counterexample->steps[0].label), "A set(v=6)");
}

// recv rules are tried in the order written; the first match takes the segment; a segment no rule
// takes is discarded and counted as unhandled. msl 0: no tick while anything is in flight.
//   s0 -A go-> s1 {S, F}:  B takes S with `first` (not `second`) -> s2 {F}
//   s2: B discards F (no rule) -> s3 {}
// 4 states, 3 transitions, depth 3. `second` never fires; 1 unhandled arrival at B.
TEST(Successors, FirstMatchingRecvRuleTakesTheSegmentOthersAreDiscarded) {
  const std::string text =
      "enum S { CLOSED, ONE, TWO }\n"
      "endpoint { state: S = CLOSED }\n"
      "segment { flags SYN, FIN }\n"
      "network { capacity = 2, msl = 0 }\n"
      "call go in CLOSED when self == A { send SYN () send FIN () goto ONE }\n"
      "recv first(s) in CLOSED when s.SYN { goto ONE }\n"
      "recv second(s) in CLOSED when s.SYN { goto TWO }\n"
      "invariant never_two expect hold: B.state != TWO\n"
      "invariant no_discard expect violation: !(B.state == ONE && A.state == ONE)\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 4u);
  EXPECT_EQ(r->exploration.transitions, 3u);
  EXPECT_EQ(r->exploration.depth, 3u);
  EXPECT_EQ(prop(*r, "never_two").verdict, Verdict::Holds);
  const CompiledSystem& sys = *r->system;
  for (size_t i = 0; i < sys.instances().size(); ++i)
    if (sys.model().rules[sys.instances()[i].rule].name == "second") {
      EXPECT_EQ(r->exploration.coverage.fired[i], 0u);
    }
  EXPECT_EQ(r->exploration.coverage.unhandled[0], 0u);
  EXPECT_EQ(r->exploration.coverage.unhandled[1], 1u);
  // The discard is a real step with its own wording.
  Scratch sc = sys.make_scratch();
  std::vector<int32_t> s(sys.layout().num_slots());
  sys.initial_state(s.data());
  std::vector<std::string> events;
  std::vector<int32_t> s1, s2;
  sys.successors(s.data(), sc, [&](const Label& l, const int32_t* n) { s1.assign(n, n + s.size()); });
  sys.successors(s1.data(), sc, [&](const Label& l, const int32_t* n) {
    if (l.kind == Label::Kind::Recv) s2.assign(n, n + s.size());
  });
  ASSERT_EQ(s2.size(), s.size());
  sys.successors(s2.data(), sc, [&](const Label& l, const int32_t*) { events.push_back(describe_event(sys, l)); });
  EXPECT_EQ(events, (std::vector<std::string>{"B discards [F] (no rule takes it)"}));
}

// A send into a full channel is a loss charged to the loss budget; with the budget spent the
// transition is blocked. Capacity 1, msl 0 (no tick can ever happen), B has no recv rule.
// Loss 0:  s0 {} -A s-> s1 {S};  s1: A's s is blocked (channel full, no loss left); B discards S -> s0.
//   2 states, 2 transitions; A's instance fired once, nothing lost, one blocked transition.
// Loss 1 (state = channel + losses used):
//   s0 {},0 -A s-> s1 {S},0;  s1: A s (its SYN lost: full) -> s2 {S},1; B discards -> s0; loss -> s3 {},1;
//   s2: A s blocked; B discards -> s3;  s3: A s -> s2.
//   4 states, 6 transitions; A's instance fired 3 times, one segment lost to a full channel.
TEST(Successors, SendIntoAFullChannelIsALossWithinTheBudgetOtherwiseBlocked) {
  const std::string text =
      "enum S { CLOSED }\n"
      "endpoint { state: S = CLOSED }\n"
      "segment { flags SYN }\n"
      "network { capacity = 1, msl = 0 }\n"
      "call s when self == A { send SYN () }\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 2u);
  EXPECT_EQ(r->exploration.transitions, 2u);
  ASSERT_EQ(r->exploration.coverage.overflow.size(), 2u);
  EXPECT_EQ(r->exploration.coverage.fired[0], 1u);
  EXPECT_EQ(r->exploration.coverage.overflow[0], 0u);
  EXPECT_EQ(r->exploration.coverage.capacity_blocked, 1u);
  EXPECT_EQ(r->exploration.coverage.capacity_cut_states, 0u);

  auto l1 = check_text(text, test::faults(1, 0, false));
  ASSERT_TRUE(l1);
  EXPECT_EQ(l1->exploration.states, 4u);
  EXPECT_EQ(l1->exploration.transitions, 6u);
  EXPECT_EQ(l1->exploration.coverage.fired[0], 3u);
  EXPECT_EQ(l1->exploration.coverage.overflow[0], 1u);
  EXPECT_EQ(l1->exploration.coverage.overflow[1], 0u);
  EXPECT_EQ(l1->exploration.coverage.capacity_blocked, 1u);

  // The lost send is visible in the event, and the step charges the loss budget.
  const CompiledSystem& sys = *l1->system;
  std::vector<int32_t> full(sys.layout().num_slots());
  sys.initial_state(full.data());
  full[sys.layout().chan_count(0)] = 1;
  full[sys.layout().seg_base(0, 0)] = 1;
  Scratch sc = sys.make_scratch();
  int calls = 0;
  sys.successors(full.data(), sc, [&](const Label& l, const int32_t* next) {
    if (l.kind != Label::Kind::Call) return;
    ++calls;
    EXPECT_EQ(l.overflow, 1u);
    EXPECT_EQ(describe_event(sys, l), "A s; sends A→B [S] (lost: network full)");
    std::vector<int32_t> want = full;
    want[sys.layout().loss_slot()] = 1;
    EXPECT_EQ(std::vector<int32_t>(next, next + full.size()), want);
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(sc.capacity_blocked, 0u);
  // With the budget spent, the same call is blocked.
  full[sys.layout().loss_slot()] = 1;
  calls = 0;
  sys.successors(full.data(), sc, [&](const Label& l, const int32_t*) { calls += l.kind == Label::Kind::Call; });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(sc.capacity_blocked, 1u);
}

// A state whose only moves a full channel blocks is cut off by the capacity bound: counted, and
// not judged by a stuck property. Capacity 1, msl 0 (no tick), loss 0. Each endpoint may send one
// SYN (C0 -> C1) and answers every arrival with an ACK. Writing (A, B, A->B, B->A):
//   s0 (C0,C0,{},{}): A s -> a (C1,C0,{S},{});  B s -> b (C0,C1,{},{S})
//   a: B s -> c (C1,C1,{S},{S});  B recv S -> d (C1,C0,{},{A})       b: symmetric -> c, e (C0,C1,{A},{})
//   c: both arrivals blocked (each reply meets a full channel): cut
//   d: B s blocked; A recv A -> f (C1,C0,{A},{})     f: B s -> g (C1,C1,{A},{S}); B recv A -> d
//   e: A s blocked; B recv A -> f' (C0,C1,{},{A})    f': A s -> g' (C1,C1,{S},{A}); A recv A -> e
//   g, g': both arrivals blocked: cut
// 10 states, 12 transitions; 8 blocked transitions (c 2, d 1, e 1, g 2, g' 2); 3 cut states.
TEST(Successors, StatesCutOffByTheCapacityAreNotStuck) {
  const std::string text =
      "enum S { C0, C1 }\n"
      "endpoint { state: S = C0 }\n"
      "segment { flags SYN, ACK }\n"
      "network { capacity = 1, msl = 0 }\n"
      "call s in C0 { send SYN ()\n goto C1 }\n"
      "recv r(x) { send ACK () }\n"
      "stuck nothing_is_stuck expect hold: false\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 10u);
  EXPECT_EQ(r->exploration.transitions, 12u);
  EXPECT_EQ(r->exploration.coverage.capacity_blocked, 8u);
  EXPECT_EQ(r->exploration.coverage.capacity_cut_states, 3u);
  EXPECT_EQ(prop(*r, "nothing_is_stuck").verdict, Verdict::Holds);
}

// A value outside a variable's range is a model error: exploration stops, the error is located.
TEST(Successors, OutOfRangeAssignmentIsAModelError) {
  const std::string text =
      "enum S { CLOSED }\n"
      "endpoint { state: S = CLOSED\n  n: 0..1 }\n"
      "call inc when self == A { n := n + 1 }\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->exploration.model_error);
  EXPECT_FALSE(r->exploration.complete);
  EXPECT_EQ(r->exploration.stop_reason, "model error");
  EXPECT_EQ(describe_model_error(*r->exploration.model_error),
            "test.tcp:4:27: model error: value 2 is outside the declared range");
  EXPECT_EQ(describe_event(*r->system, r->exploration.model_error->label), "A inc");
  ASSERT_TRUE(r->model_error_trace);
  EXPECT_EQ(r->model_error_trace->steps.size(), 1u);  // the run to the state whose successor failed
}

TEST(Successors, ModelErrorInAGuardNamesTheRule) {
    const std::string text =
      "enum S { CLOSED }\n"
      "endpoint { state: S = CLOSED\n  n: 0..1 }\n"
      "call c when 1 / n == 0 { n := 1 }\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->exploration.model_error);
  EXPECT_EQ(describe_model_error(*r->exploration.model_error), "test.tcp:4:13: model error: division by zero");
  EXPECT_EQ(r->exploration.model_error->label.kind, Label::Kind::Call);
  EXPECT_EQ(describe_event(*r->system, r->exploration.model_error->label), "A c");
}

TEST(Successors, PropertyThatFailsToEvaluateIsNotSilentlyViolated) {
    const std::string text =
      "enum S { C }\n"
      "endpoint { state: S = C\n  n: 0..1 }\n"
      "invariant p expect hold: 1 / A.n >= 0\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->exploration.model_error.has_value() || prop(*r, "p").verdict != Verdict::Violated);
}

}  // namespace
}  // namespace tcpmc
