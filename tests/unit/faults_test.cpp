// Fault switches: loss (a segment can disappear; the per-run budget is respected), duplication
// (a copy is delivered twice; budget respected), reordering versus FIFO delivery (an in-order
// property holds under FIFO and fails with reordering, with a counterexample of the expected
// length), identical segments giving one transition, and command-line budgets overriding the
// spec's `faults` block. State counts are derived by hand in the comments.
#include <gtest/gtest.h>

#include <string>

#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::faults;
using test::prop;

// A sends S(seq=0) and S(seq=1) in one call; B counts arrivals in a ghost. msl = 0: no tick while
// anything is in flight (bounded delay), so only arrivals and faults move. Channel contents are
// written [..], L = losses used.
// loss = 0:
//   s0 -go-> s1 [S0 S1] -recv-> s2 [S1] got1 -recv-> s3 [] got2
//   4 states, 3 transitions, depth 3.
// loss = 1 adds:
//   s1 -lose S0-> s4 [S1] L1     -lose S1-> s5 [S0] L1                     (s1 now has 3 successors)
//   s2 -lose S1-> s6 [] got1 L1                                            (s2 now has 2)
//   s4 -recv-> s6;  s5 -recv-> s6                                          (no second loss: budget spent)
//   7 states, 1 + 3 + 2 + 1 + 1 = 8 transitions, depth 3.
// loss = 2 adds s4 -lose-> s7 [] got0 L2 and s5 -lose-> s7: 8 states, 10 transitions.
const std::string kLoss =
    "enum S { CLOSED, SENT }\n"
    "endpoint { state: S = CLOSED\n  ghost got: 0..2 }\n"
    "segment { flags SYN\n  seq: 0..1 }\n"
    "network { capacity = 2, msl = 0 }\n"
    "faults { loss = 1, dup = 0, reorder = false }\n"
    "call go in CLOSED when self == A { send SYN (seq = 0) send SYN (seq = 1) goto SENT }\n"
    "recv r(s) { got := got + 1 }\n";

TEST(Faults, LossByHandForBudgetsZeroOneTwo) {
  struct Case {
    int loss;
    uint64_t states, transitions;
  };
  for (Case c : {Case{0, 4, 3}, Case{1, 7, 8}, Case{2, 8, 10}}) {
    SCOPED_TRACE("loss " + std::to_string(c.loss));
    auto r = check_text(kLoss, faults(c.loss, 0, false));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->faults.loss, c.loss);
    EXPECT_EQ(r->exploration.states, c.states);
    EXPECT_EQ(r->exploration.transitions, c.transitions);
    EXPECT_EQ(r->exploration.depth, 3u);
  }
}

TEST(Faults, LossBudgetOfOneIsNeverExceeded) {
  auto l = test::load(kLoss);
  ASSERT_TRUE(l->ok());
  CompiledSystem sys(l->spec->model, {1, 0, false});
  const int ls = sys.layout().loss_slot();
  int with_loss = 0, loss_steps = 0;
  uint64_t n = test::walk(sys, [&](const std::vector<int32_t>& s, const std::vector<test::Succ>& succ) {
    EXPECT_LE(s[ls], 1);
    with_loss += s[ls] == 1;
    for (const auto& x : succ) {
      if (x.kind != Label::Kind::Loss) continue;
      ++loss_steps;
      EXPECT_EQ(s[ls], 0) << "a second loss in one run";
      EXPECT_EQ(x.next[ls], 1);
      // The lost segment is gone and nothing else changed for the endpoints.
      EXPECT_EQ(x.next[sys.layout().chan_count(0)], s[sys.layout().chan_count(0)] - 1);
    }
  });
  EXPECT_EQ(n, 7u);
  EXPECT_EQ(with_loss, 3);   // s4 [S1] L1, s5 [S0] L1, s6 [] got1 L1
  EXPECT_EQ(loss_steps, 3);  // s1 (two segments) and s2 (one)
}

// A sends one S; B counts arrivals. dup = 1, capacity 2, msl 0 (no ticks while anything is in
// flight), FIFO (D = duplications used):
//   s0 -go-> s1 [S]
//   s1 -recv-> s2 [] got1     -dup-> s3 [S S] D1
//   s3 -recv (oldest only)-> s4 [S] got1 D1          (no second dup: budget spent)
//   s4 -recv-> s5 [] got2 D1
//   6 states, 1 + 2 + 1 + 1 = 5 transitions, depth 4 (s5).
// With reordering the counts are the same: the two copies in s3 are identical, so "receive the
// first" and "receive the second" are one transition. With dup = 0: s0, s1, s2: 3 states, 2, depth 2.
const std::string kDup =
    "enum S { CLOSED, SENT }\n"
    "endpoint { state: S = CLOSED\n  ghost got: 0..3 }\n"
    "segment { flags SYN\n  seq: 0..1 }\n"
    "network { capacity = 2, msl = 0 }\n"
    "faults { loss = 0, dup = 1, reorder = false }\n"
    "call go in CLOSED when self == A { send SYN (seq = 0) goto SENT }\n"
    "recv r(s) { got := got + 1 }\n"
    "invariant at_most_once expect violation: B.got <= 1\n";

TEST(Faults, DuplicationByHand) {
  for (bool reorder : {false, true}) {
    SCOPED_TRACE(reorder ? "reorder" : "fifo");
    auto r = check_text(kDup, faults(0, 1, reorder));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->exploration.states, 6u);
    EXPECT_EQ(r->exploration.transitions, 5u);
    EXPECT_EQ(r->exploration.depth, 4u);
  }
  auto none = check_text(kDup, faults(0, 0, false));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->exploration.states, 3u);
  EXPECT_EQ(none->exploration.transitions, 2u);
  EXPECT_EQ(none->exploration.depth, 2u);
  EXPECT_EQ(prop(*none, "at_most_once").verdict, Verdict::Holds);
}

TEST(Faults, DuplicateIsDeliveredTwice) {
  auto r = check_text(kDup);  // the spec's own faults: dup 1
  ASSERT_TRUE(r);
  const PropertyReport& p = prop(*r, "at_most_once");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  ASSERT_EQ(t.steps.size(), 4u);
  const CompiledSystem& sys = *r->system;
  EXPECT_EQ(describe_event(sys, t.steps[0].label), "A go; sends A→B [S] seq=0");
  EXPECT_EQ(describe_event(sys, t.steps[1].label), "network duplicates A→B [S] seq=0");
  EXPECT_EQ(format_channel(sys, t.steps[1].state, 0), "{[S] seq=0 @0, [S] seq=0 @0}");  // the copy has the same age
  EXPECT_EQ(describe_event(sys, t.steps[2].label), "B recv [S] seq=0");
  EXPECT_EQ(describe_event(sys, t.steps[3].label), "B recv [S] seq=0");
  EXPECT_EQ(t.steps[3].state[sys.layout().ep_var(1, 1)], 2);  // B.got
  EXPECT_EQ(t.steps[3].state[sys.layout().dup_slot()], 1);
}

TEST(Faults, IdenticalSegmentsGiveOneLossAndOneArrival) {
  auto l = test::load(kDup);
  ASSERT_TRUE(l->ok());
  for (bool reorder : {false, true}) {
    CompiledSystem sys(l->spec->model, {1, 1, reorder});
    int checked = 0;
    test::walk(sys, [&](const std::vector<int32_t>& s, const std::vector<test::Succ>& succ) {
      if (s[sys.layout().chan_count(0)] != 2) return;
      int losses = 0, recvs = 0;
      for (const auto& x : succ) {
        losses += x.kind == Label::Kind::Loss;
        recvs += x.kind == Label::Kind::Recv;
      }
      EXPECT_EQ(losses, 1);
      EXPECT_EQ(recvs, 1);
      ++checked;
    });
    EXPECT_GT(checked, 0);
  }
}

// A sends S(seq=0) then S(seq=1); B notes (ghost) a seq=1 arriving before seq=0. msl 0 (no ticks).
// FIFO:    s0 -go-> s1 [S0 S1] -recv S0-> s2 [S1] got0 -recv-> s3 [] got0
//                                                                     4 states, 3 transitions, depth 3.
// Reorder: s1 also -recv S1-> s4 [S0] ooo;  s4 -recv-> s5 [] got0 ooo
//                                                                     6 states, 5 transitions, depth 3.
const std::string kOrder =
    "enum S { CLOSED, SENT }\n"
    "endpoint { state: S = CLOSED\n  got0: bool = false\n  ghost ooo: bool = false }\n"
    "segment { flags SYN\n  seq: 0..1 }\n"
    "network { capacity = 2, msl = 0 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call go in CLOSED when self == A { send SYN (seq = 0) send SYN (seq = 1) goto SENT }\n"
    "recv r(s) { if s.seq == 0 { got0 := true } else { if !got0 { ooo := true } } }\n"
    "invariant in_order expect hold: !B.ooo\n";

TEST(Faults, FifoKeepsOrderReorderBreaksIt) {
  auto fifo = check_text(kOrder, faults(0, 0, false));
  ASSERT_TRUE(fifo);
  EXPECT_EQ(fifo->exploration.states, 4u);
  EXPECT_EQ(fifo->exploration.transitions, 3u);
  EXPECT_EQ(fifo->exploration.depth, 3u);
  EXPECT_EQ(prop(*fifo, "in_order").verdict, Verdict::Holds);

  auto re = check_text(kOrder, faults(0, 0, true));
  ASSERT_TRUE(re);
  EXPECT_TRUE(re->faults.reorder);
  EXPECT_EQ(re->exploration.states, 6u);
  EXPECT_EQ(re->exploration.transitions, 5u);
  EXPECT_EQ(re->exploration.depth, 3u);
  const PropertyReport& p = prop(*re, "in_order");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  EXPECT_FALSE(p.as_expected());
  ASSERT_TRUE(p.counterexample);
  ASSERT_EQ(p.counterexample->steps.size(), 2u);
  EXPECT_EQ(describe_event(*re->system, p.counterexample->steps[1].label), "B recv [S] seq=1");
  EXPECT_EQ(format_channel(*re->system, p.counterexample->steps[1].state, 0), "{[S] seq=0 @0}");
}

TEST(Faults, CommandLineBudgetsOverrideTheSpec) {
  // kLoss says loss = 1; options say 0 (and turn on dup and reorder).
  auto r = check_text(kLoss, faults(0, 2, true));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->faults.loss, 0);
  EXPECT_EQ(r->faults.dup, 2);
  EXPECT_TRUE(r->faults.reorder);
  EXPECT_EQ(r->spec->model.default_faults.loss, 1);
  // Unset options keep the spec's defaults.
  CheckOptions o;
  o.limits.progress = false;
  auto d = check_text(kLoss, o);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->faults.loss, 1);
  EXPECT_EQ(d->faults.dup, 0);
  EXPECT_FALSE(d->faults.reorder);
  EXPECT_EQ(d->exploration.states, 7u);
}

}  // namespace
}  // namespace tcpmc
