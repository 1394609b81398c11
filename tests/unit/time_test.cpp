// Time: a tick ages segments and counts timers down; delay is bounded (no tick while a segment
// has age msl, so a segment sent at age 0 can be received after exactly msl ticks, never after
// msl + 1); `timer t := N` expires at the (N+1)-th tick; timeouts are urgent (no tick while a timer
// has expired); a tick that changes nothing is not a transition; and the consequence of urgency
// when an expired timer's timeout is disabled.
#include <gtest/gtest.h>

#include <string>

#include "engine_cases.hpp"
#include "test_util.hpp"
#include "text_report.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::prop;

bool any_expired(const CompiledSystem& sys, const std::vector<int32_t>& s) {
  for (int ep = 0; ep < 2; ++ep)
    for (int t = 0; t < sys.layout().num_timers(); ++t)
      if (s[sys.layout().timer(ep, t)] == kTimerExpired) return true;
  return false;
}
bool anything_to_age(const CompiledSystem& sys, const std::vector<int32_t>& s) {
  for (int ep = 0; ep < 2; ++ep)
    for (int t = 0; t < sys.layout().num_timers(); ++t)
      if (s[sys.layout().timer(ep, t)] >= kTimerBias) return true;
  return s[sys.layout().chan_count(0)] > 0 || s[sys.layout().chan_count(1)] > 0;
}
int count_ticks(const std::vector<test::Succ>& succ) {
  int n = 0;
  for (const auto& x : succ) n += x.kind == Label::Kind::Tick;
  return n;
}

// A sends S and starts its clock timer t := T; the clock's timeout sets the ghost `late`; B records
// `late` when the segment arrives. With T = MSL - 1 the clock expires at tick MSL, so B can see
// late = true only if the segment is received after exactly MSL ticks. With T = MSL the clock
// would expire at tick MSL + 1, which cannot happen while the segment (then of age MSL) is in
// flight: it must be received first, so B never sees late = true.
const std::string kLifetime =
    "const MSL = 2\n"
    "const T = 1\n"
    "enum S { CLOSED, SENT, GOT }\n"
    "endpoint { state: S = CLOSED\n  timer t\n  ghost late_recv: bool = false }\n"
    "ghost { late: bool = false }\n"
    "segment { flags SYN }\n"
    "network { capacity = 1, msl = MSL }\n"
    "call send in CLOSED when self == A { send SYN () timer t := T goto SENT }\n"
    "timeout clock on t { late := true }\n"
    "recv got(s) in CLOSED { late_recv := late goto GOT }\n"
    "invariant never_late expect hold: !B.late_recv\n";

TEST(Time, SegmentCanBeReceivedAfterExactlyMslTicks) {
  for (int msl : {1, 2, 3}) {
    SCOPED_TRACE("msl " + std::to_string(msl));
    auto r = check_text(kLifetime, {}, {{"MSL", msl}, {"T", msl - 1}});
    ASSERT_TRUE(r);
    const PropertyReport& p = prop(*r, "never_late");
    EXPECT_EQ(p.verdict, Verdict::Violated);
    ASSERT_TRUE(p.counterexample);
    const Trace& t = *p.counterexample;
    // send, msl ticks, the clock's timeout, B receives: msl + 3 steps.
    ASSERT_EQ(t.steps.size(), static_cast<size_t>(msl + 3));
    const CompiledSystem& sys = *r->system;
    for (int i = 1; i <= msl; ++i) EXPECT_EQ(describe_event(sys, t.steps[i].label), "tick");
    EXPECT_EQ(describe_event(sys, t.steps[msl + 1].label), "A timeout clock");
    EXPECT_EQ(format_channel(sys, t.steps[msl + 1].state, 0), "{[S] @" + std::to_string(msl) + "}");
    EXPECT_EQ(describe_event(sys, t.steps[msl + 2].label), "B recv [S]");
  }
}

TEST(Time, SegmentCannotBeReceivedAfterMslPlusOneTicks) {
  for (int msl : {0, 1, 2, 3}) {
    SCOPED_TRACE("msl " + std::to_string(msl));
    auto r = check_text(kLifetime, {}, {{"MSL", msl}, {"T", msl}});
    ASSERT_TRUE(r);
    EXPECT_EQ(prop(*r, "never_late").verdict, Verdict::Holds);
  }
}

TEST(Time, TickAgesSegmentsUntilTheyReachMsl) {
  auto l = test::load(kLifetime);  // msl 2
  ASSERT_TRUE(l->ok());
  CompiledSystem sys(l->spec->model, {0, 0, false});
  const StateLayout& L = sys.layout();
  const int age = L.seg_base(0, 0) + L.seg_stride() - 1;
  for (int a = 0; a <= 2; ++a) {
    SCOPED_TRACE("age " + std::to_string(a));
    std::vector<int32_t> s(L.num_slots());
    sys.initial_state(s.data());
    s[L.ep_var(0, 0)] = 1;  // A SENT
    s[L.chan_count(0)] = 1;
    s[L.seg_base(0, 0)] = 1;  // SYN
    s[age] = a;
    Scratch sc = sys.make_scratch();
    int ticks = 0, recvs = 0;
    sys.successors(s.data(), sc, [&](const Label& lab, const int32_t* next) {
      if (lab.kind == Label::Kind::Recv) ++recvs;
      if (lab.kind != Label::Kind::Tick) return;
      ++ticks;
      EXPECT_EQ(next[L.chan_count(0)], 1);
      EXPECT_EQ(next[age], a + 1);
    });
    EXPECT_EQ(ticks, a < 2 ? 1 : 0);  // at age msl the segment must arrive (or be lost) first
    EXPECT_EQ(recvs, 1);              // deliverable at every age 0..msl
  }
}

// timer t := N. The slot holds N + 2 after the start and counts down one per tick; after N ticks it
// is at kTimerBias (running, 0 ticks left), the (N+1)-th tick expires it.
const std::string kTimer =
    "const N = 2\n"
    "enum S { CLOSED, WAIT, DONE }\n"
    "endpoint { state: S = CLOSED\n  timer t }\n"
    "call start in CLOSED when self == A { timer t := N goto WAIT }\n"
    "timeout fire on t in WAIT { goto DONE }\n"
    "invariant not_expired expect violation: !expired(A.t)\n"
    "invariant not_done expect violation: A.state != DONE\n";

// By hand for N = 2: s0 -start-> s1 (t=4) -tick-> s2 (3) -tick-> s3 (2) -tick-> s4 (expired)
// -fire-> s5 (DONE, stopped). s0 has no tick (nothing to age), s4 none (urgent), s5 none.
// 6 states, 5 transitions, depth 5.
TEST(Time, TimerSpecByHand) {
  auto r = check_text(kTimer);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 6u);
  EXPECT_EQ(r->exploration.transitions, 5u);
  EXPECT_EQ(r->exploration.depth, 5u);
}

TEST(Time, TimerExpiresAtTheTickAfterItsDuration) {
  for (int n : {0, 1, 2, 5}) {
    SCOPED_TRACE("N = " + std::to_string(n));
    auto r = check_text(kTimer, {}, {{"N", n}});
    ASSERT_TRUE(r);
    const CompiledSystem& sys = *r->system;
    const int slot = sys.layout().timer(0, 0);
    const PropertyReport& p = prop(*r, "not_expired");
    ASSERT_TRUE(p.counterexample);
    const Trace& t = *p.counterexample;
    ASSERT_EQ(t.steps.size(), static_cast<size_t>(n + 2));  // start, then N + 1 ticks
    EXPECT_EQ(t.steps[0].state[slot], n + kTimerBias);
    for (int k = 1; k <= n + 1; ++k) {
      EXPECT_EQ(t.steps[k].label.kind, Label::Kind::Tick);
      EXPECT_EQ(t.steps[k].state[slot], n + kTimerBias - k);
    }
    EXPECT_EQ(t.steps[n].state[slot], kTimerBias);  // after N ticks: running, not expired
    EXPECT_EQ(t.steps[n + 1].state[slot], kTimerExpired);
    ASSERT_TRUE(prop(*r, "not_done").counterexample);
    EXPECT_EQ(prop(*r, "not_done").counterexample->steps.size(), static_cast<size_t>(n + 3));
    // Firing the timeout stopped the timer.
    EXPECT_EQ(prop(*r, "not_done").counterexample->steps.back().state[slot], kTimerStopped);
  }
}

TEST(Time, RunningAndExpiredAreDistinct) {
  auto r = check_text(kTimer +
                      "invariant exclusive expect hold: !(running(A.t) && expired(A.t))\n"
                      "invariant wait_has_timer expect hold: A.state == WAIT -> running(A.t) || expired(A.t)\n"
                      "invariant done_stopped expect hold: A.state == DONE -> !running(A.t) && !expired(A.t)\n");
  ASSERT_TRUE(r);
  for (const auto& p : r->properties) EXPECT_TRUE(p.as_expected()) << p.name;
}

// A starts t := 0 and sends S (msl 3); B takes segments without changing anything.
const std::string kUrgent =
    "enum S { CLOSED, WAIT, DONE }\n"
    "endpoint { state: S = CLOSED\n  timer t }\n"
    "segment { flags SYN }\n"
    "network { capacity = 1, msl = 3 }\n"
    "call start in CLOSED when self == A { send SYN () timer t := 0 goto WAIT }\n"
    "timeout fire on t in WAIT { goto DONE }\n"
    "recv got(s) { }\n";

TEST(Time, TimeoutsAreUrgentAndNoOpTicksAreNotSteps) {
  auto l = test::load(kUrgent);
  ASSERT_TRUE(l->ok());
  CompiledSystem sys(l->spec->model, {0, 0, false});
  int expired_with_segment = 0, idle = 0, busy = 0, at_msl = 0;
  test::walk(sys, [&](const std::vector<int32_t>& s, const std::vector<test::Succ>& succ) {
    if (any_expired(sys, s)) {
      EXPECT_EQ(count_ticks(succ), 0) << "a tick while a timer has expired";
      if (s[sys.layout().chan_count(0)] > 0) ++expired_with_segment;  // a tick would have aged it
    } else if (s[sys.layout().chan_count(0)] > 0 &&
               s[sys.layout().seg_base(0, 0) + sys.layout().seg_stride() - 1] == 3) {
      EXPECT_EQ(count_ticks(succ), 0) << "a tick while a segment has age msl";
      ++at_msl;
    } else if (anything_to_age(sys, s)) {
      EXPECT_EQ(count_ticks(succ), 1);
      ++busy;
    } else {
      EXPECT_EQ(count_ticks(succ), 0) << "a tick that changes nothing";
      ++idle;
    }
  });
  EXPECT_GT(expired_with_segment, 0);
  EXPECT_GT(at_msl, 0);
  EXPECT_GT(idle, 0);
  EXPECT_GT(busy, 0);
  // The initial state (nothing running, nothing in flight) has exactly one successor: A's start.
  std::vector<int32_t> s(sys.layout().num_slots());
  sys.initial_state(s.data());
  Scratch sc = sys.make_scratch();
  int n = 0;
  sys.successors(s.data(), sc, [&](const Label& lab, const int32_t*) {
    ++n;
    EXPECT_EQ(lab.kind, Label::Kind::Call);
  });
  EXPECT_EQ(n, 1);
}

// Semantic consequence worth knowing (documented urgency, possibly surprising): an expired timer
// whose timeout rule is not enabled stops time for the whole system. Here only B's timeout is ever
// enabled; once A's timer expires, B's running timer never counts down again, and the run ends in
// a state with a running timer and no successors.
TEST(Time, ExpiredTimerWithDisabledTimeoutStopsTimeForEveryone) {
  const std::string text =
      "enum S { CLOSED, WAIT, DONE }\n"
      "endpoint { state: S = CLOSED\n  timer t }\n"
      "call start in CLOSED { timer t := 1 goto WAIT }\n"
      "timeout fire on t in WAIT when self == B { goto DONE }\n"
      "stuck b_done expect hold: B.state == DONE\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  const PropertyReport& p = prop(*r, "b_done");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  ASSERT_EQ(t.steps.size(), 4u);  // A start, tick, B start, tick
  const CompiledSystem& sys = *r->system;
  const auto& end = t.final_state();
  EXPECT_EQ(end[sys.layout().timer(0, 0)], kTimerExpired);
  EXPECT_EQ(end[sys.layout().timer(1, 0)], kTimerBias);  // B's timer is still running
  EXPECT_EQ(state_name(sys, end, 1), "WAIT");
}

// An expired timer that no timeout rule takes stops time (timeouts are urgent); the run counts
// such states so that a timeout rule whose state list misses a state does not go unnoticed.
//   s0 (C0, t stopped) -A arm-> s1 (t running, 0 ticks left) -tick-> s2 (t expired).
//   s2: no tick (t expired), and `fire` is only for C1: time stands still. 3 states, 2 transitions.
TEST(Time, ExpiredTimerThatNoTimeoutTakesIsReported) {
  const std::string text =
      "enum S { C0, C1 }\n"
      "endpoint { state: S = C0\n  armed: bool\n  timer t }\n"
      "call arm in C0 when self == A && !armed { armed := true\n timer t := 0 }\n"
      "timeout fire on t in C1 { goto C0 }\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 3u);
  EXPECT_EQ(r->exploration.transitions, 2u);
  EXPECT_EQ(r->exploration.coverage.time_frozen_states, 1u);
  TextOptions opt;
  EXPECT_NE(format_spec_result(*r, opt).find("warning: in 1 states a timer had expired but no timeout rule could take it"),
            std::string::npos);
  // With the timeout enabled in C0 as well, time goes on: no warning.
  auto ok = check_text(
      "enum S { C0, C1 }\n"
      "endpoint { state: S = C0\n  armed: bool\n  timer t }\n"
      "call arm in C0 when self == A && !armed { armed := true\n timer t := 0 }\n"
      "timeout fire on t in C0, C1 { goto C0 }\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->exploration.coverage.time_frozen_states, 0u);
}

// ticks_left(T) and the fault budgets left (engine_cases.hpp, kTimeLeft), checked against runs
// worked out by hand.
TEST(Time, TicksLeftCountsDownAndBudgetsLeftCountDown) {
  auto r = check_text(test::specs::kTimeLeft);
  ASSERT_TRUE(r);
  for (const auto& p : r->properties) EXPECT_TRUE(p.as_expected()) << p.name;
  const CompiledSystem& sys = *r->system;
  const int slot = sys.layout().timer(0, 0);
  // A's timer reaches 0 ticks left in W: start (3 left), the SYN arrives (arrivals come before the
  // tick in the order of exploration), tick (2), tick (1), tick (0).
  const Trace& down = *prop(*r, "never_down_to_zero").counterexample;
  ASSERT_EQ(down.steps.size(), 5u);
  const Label::Kind kinds[] = {Label::Kind::Call, Label::Kind::Recv, Label::Kind::Tick, Label::Kind::Tick,
                               Label::Kind::Tick};
  const int left[] = {3, 3, 2, 1, 0};
  for (size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(down.steps[k].label.kind, kinds[k]) << k;
    EXPECT_EQ(down.steps[k].state[slot], left[k] + kTimerBias) << k;
  }
  // `hurry` (ticks_left(t) >= 2) is enabled right after start and after one tick, not after two.
  const Trace& two = *prop(*r, "two_left").counterexample;
  ASSERT_EQ(two.steps.size(), 2u);
  EXPECT_EQ(two.steps[1].label.kind, Label::Kind::Tick);
  // Both budgets spent: the SYN duplicated, then one copy lost.
  const Trace& both = *prop(*r, "not_both").counterexample;
  ASSERT_EQ(both.steps.size(), 3u);
  EXPECT_EQ(both.steps[1].label.kind, Label::Kind::Dup);
  EXPECT_EQ(both.steps[2].label.kind, Label::Kind::Loss);
  EXPECT_EQ(both.steps[2].state[sys.layout().loss_slot()], 1);
  // Under unbounded loss, loss_left() stays at its cap: a lost SYN leaves nothing to account for it.
  CheckOptions unbounded;
  unbounded.loss = ir::FaultBudget::kUnboundedLoss;
  auto u = check_text(test::specs::kTimeLeft, unbounded);
  ASSERT_TRUE(u);
  const PropertyReport& acc = prop(*u, "syn_accounted");
  EXPECT_EQ(acc.verdict, Verdict::Violated);
  ASSERT_TRUE(acc.counterexample);
  ASSERT_EQ(acc.counterexample->steps.size(), 2u);  // start, the SYN lost
  EXPECT_EQ(acc.counterexample->steps[1].label.kind, Label::Kind::Loss);
  EXPECT_EQ(prop(*u, "not_both").verdict, Verdict::Holds);  // a dup and a loss leave 15 + 0
}

}  // namespace
}  // namespace tcpmc
