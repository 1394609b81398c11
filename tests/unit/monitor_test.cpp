// Monitors (model/LANGUAGE.md, Monitors): `monitor NAME on EVENT [in STATES] [when COND] { BODY }`
// runs after every matching rule firing and writes ghost variables that properties read.
// Covered: counting recv firings (an invariant violated at an exact depth), no monitor on ticks,
// loss, duplication or an arrival no rule takes; old() against the post-state; `in STATES` over
// the pre-state; old() of a timeout's expired timer; peer and A/B reads; `rule == / != / in`
// filtering (and the instances a filtered monitor costs nothing); send monitors once per sent
// segment, a segment dropped by a full channel included, and none for a firing the capacity
// blocks; declaration order across send and non-send monitors; a range error inside a monitor
// as a model error at the monitor's statement; the front end's errors with file:line:col;
// include (a rule added by the including spec is observed, override monitor, remove); mutation
// never targets monitors and swap-recv keeps `rule == NAME` naming its rule; the JSON listing.
#include <gtest/gtest.h>

#include <string>

#include "json_report.hpp"
#include "mutate.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::covered;
using test::diagnose;
using test::find_diag;
using test::pos_in;
using test::prop;
using test::where;

CheckOptions opts(int loss = 0, int dup = 0, bool reorder = false) { return test::faults(loss, dup, reorder); }

std::string event(const SpecResult& r, const TraceStep& s) { return describe_event(*r.system, s.label); }

// A sends SYNs (at most 3); B takes each with `take`. The monitor counts B's recv firings.
const std::string kCounting =
    "enum S { CLOSED, OPEN }\n"
    "endpoint { state: S = CLOSED\n"
    "  sent: 0..3\n"
    "  ghost got: 0..3 }\n"
    "segment { flags SYN, ACK }\n"
    "network { capacity = 3, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call send_syn when self == A && sent < 3 { send SYN () sent := sent + 1 }\n"
    "recv take(s) when s.SYN { }\n";

TEST(Monitor, CountsRecvFiringsAndTheInvariantFailsAtTheExactDepth) {
  const std::string spec = kCounting +
                           "monitor count on recv(s) { got := got + 1 }\n"
                           "invariant few expect violation: B.got < 2\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  const auto& p = prop(*r, "few");
  ASSERT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  // Two sends and two arrivals: the shortest run that takes two segments has 4 steps.
  ASSERT_EQ(p.counterexample->steps.size(), 4u);
  EXPECT_EQ(event(*r, p.counterexample->steps[3]), "B recv [S]");
  // Without the monitor nothing counts: the same invariant holds.
  auto plain = check_text(kCounting + "invariant few expect hold: B.got < 2\n", opts());
  ASSERT_TRUE(plain);
  EXPECT_EQ(prop(*plain, "few").verdict, Verdict::Holds);
}

TEST(Monitor, NoMonitorRunsOnTicksLossDuplicationOrUnhandledArrivals) {
  // One SYN, which no recv rule takes (B takes only ACKs); loss, duplication and ticks happen.
  const std::string spec =
      "enum S { CLOSED, OPEN }\n"
      "endpoint { state: S = CLOSED }\n"
      "ghost { fired: 0..9 }\n"
      "segment { flags SYN, ACK }\n"
      "network { capacity = 2, msl = 1 }\n"
      "call open in CLOSED when self == A { send SYN () goto OPEN }\n"
      "recv take_ack(s) when s.ACK { }\n"
      "monitor every on any { fired := fired + 1 }\n"
      "invariant once expect hold: fired <= 1\n"
      "reachable counted expect hold: fired == 1\n";
  auto r = check_text(spec, opts(1, 1, true));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->exploration.complete);
  EXPECT_EQ(prop(*r, "once").verdict, Verdict::Holds);
  EXPECT_EQ(prop(*r, "counted").verdict, Verdict::Holds);
  EXPECT_GT(r->exploration.coverage.unhandled[1], 0u);  // the SYN did arrive, unhandled
}

// A: `stay` keeps CLOSED (sets n), `move` goes CLOSED -> OPEN once, `back` goes OPEN -> CLOSED.
const std::string kMoves =
    "enum S { CLOSED, OPEN }\n"
    "endpoint { state: S = CLOSED\n"
    "  n: 0..1\n"
    "  moved: bool\n"
    "  ghost changed: bool\n"
    "  ghost same: bool\n"
    "  ghost saw_open: bool }\n"
    "segment { flags SYN }\n"
    "call stay in CLOSED when self == A { n := 1 }\n"
    "call move in CLOSED when self == A && !moved { moved := true goto OPEN }\n"
    "call back in OPEN { goto CLOSED }\n";

TEST(Monitor, OldReadsThePreStateAndPlainNamesThePostState) {
  const std::string spec = kMoves +
                           "monitor chg on call when state != old(state) { changed := true }\n"
                           "monitor unchanged on call when state == old(state) && n == 1 && old(n) == 0 { same := true }\n"
                           "invariant flagged_only_by_a_move expect hold: A.changed -> A.moved\n"
                           "reachable a_move_flags expect hold: A.changed\n"
                           "reachable stay_flags_same expect hold: A.same && !A.changed\n"
                           "invariant move_does_not_flag_same expect hold: A.same -> A.n == 1\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "flagged_only_by_a_move").verdict, Verdict::Holds);
  const auto& w = prop(*r, "a_move_flags");
  ASSERT_EQ(w.verdict, Verdict::Holds);
  ASSERT_TRUE(w.counterexample);
  ASSERT_EQ(w.counterexample->steps.size(), 1u);
  EXPECT_EQ(event(*r, w.counterexample->steps[0]), "A move");
  const auto& s = prop(*r, "stay_flags_same");
  ASSERT_EQ(s.verdict, Verdict::Holds);
  ASSERT_EQ(s.counterexample->steps.size(), 1u);
  EXPECT_EQ(event(*r, s.counterexample->steps[0]), "A stay");
  EXPECT_EQ(prop(*r, "move_does_not_flag_same").verdict, Verdict::Holds);
}

TEST(Monitor, InStatesTestsThePreState) {
  // After `move` the post-state is OPEN but the pre-state CLOSED: `in OPEN` must not match; after
  // `back` (pre-state OPEN, post-state CLOSED) it must.
  const std::string spec = kMoves +
                           "monitor pre_open on call in OPEN { saw_open := true }\n"
                           "invariant only_after_back expect hold: A.saw_open -> A.state == CLOSED && A.moved\n"
                           "reachable seen expect hold: A.saw_open\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "only_after_back").verdict, Verdict::Holds);
  const auto& w = prop(*r, "seen");
  ASSERT_EQ(w.verdict, Verdict::Holds);
  ASSERT_EQ(w.counterexample->steps.size(), 2u);
  EXPECT_EQ(event(*r, w.counterexample->steps[1]), "A back");
}

TEST(Monitor, OldSeesTheExpiredTimerOfATimeout) {
  // successors() stops the timer before the timeout's body runs: old() must read the real
  // pre-state, where it had expired.
  const std::string spec =
      "enum S { CLOSED, OPEN }\n"
      "endpoint { state: S = CLOSED\n"
      "  timer t\n"
      "  ghost hit: bool\n"
      "  ghost wrong: bool }\n"
      "segment { flags SYN }\n"
      "network { msl = 0 }\n"
      "call open in CLOSED when self == A { timer t := 0 goto OPEN }\n"
      "timeout expire on t in OPEN { goto CLOSED }\n"
      "monitor to on timeout when old(expired(t)) && !running(t) && !expired(t) && old(state) == OPEN { hit := true }\n"
      "monitor not_old on timeout when expired(t) { wrong := true }\n"
      "reachable fired expect hold: A.hit\n"
      "invariant post_state_stopped expect hold: !A.wrong\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  const auto& w = prop(*r, "fired");
  ASSERT_EQ(w.verdict, Verdict::Holds);
  ASSERT_EQ(w.counterexample->steps.size(), 3u);  // open, tick, expire
  EXPECT_EQ(event(*r, w.counterexample->steps[2]), "A timeout expire");
  EXPECT_EQ(prop(*r, "post_state_stopped").verdict, Verdict::Holds);
}

TEST(Monitor, PeerAndEndpointReads) {
  // Both endpoints can open. A's monitor flags a call of A's while B is OPEN (peer), and B's
  // ghost records A's state through A.x and old(peer.x).
  const std::string spec =
      "enum S { CLOSED, OPEN }\n"
      "endpoint { state: S = CLOSED\n"
      "  ghost peer_open: bool\n"
      "  ghost a_was_closed: bool }\n"
      "segment { flags SYN }\n"
      "call open in CLOSED { goto OPEN }\n"
      "call noop in OPEN { }\n"
      "monitor p on call when peer.state == OPEN { peer_open := true }\n"
      "monitor q on call when self == B && old(peer.state) == CLOSED && A.state == CLOSED { a_was_closed := true }\n"
      "invariant peer_is_the_other expect hold: (A.peer_open -> B.state == OPEN) && (B.peer_open -> A.state == OPEN)\n"
      "reachable a_saw_b expect hold: A.peer_open\n"
      "invariant q_only_b expect hold: !A.a_was_closed\n"
      "reachable q_b expect hold: B.a_was_closed\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "peer_is_the_other").verdict, Verdict::Holds);
  const auto& w = prop(*r, "a_saw_b");
  ASSERT_EQ(w.verdict, Verdict::Holds);
  ASSERT_EQ(w.counterexample->steps.size(), 2u);  // B opens, then A calls with B OPEN
  EXPECT_EQ(event(*r, w.counterexample->steps[0]), "B open");
  EXPECT_EQ(prop(*r, "q_only_b").verdict, Verdict::Holds);
  EXPECT_EQ(prop(*r, "q_b").verdict, Verdict::Holds);
}

TEST(Monitor, RuleFilters) {
  // The rules count their own firings in protocol variables; the monitors count by rule name.
  const std::string spec =
      "enum S { CLOSED }\n"
      "endpoint { state: S = CLOSED\n"
      "  n1: 0..2\n"
      "  n2: 0..2\n"
      "  ghost c1: 0..4\n"
      "  ghost c2: 0..4\n"
      "  ghost other: 0..4 }\n"
      "segment { flags SYN }\n"
      "call a1 when n1 < 2 { n1 := n1 + 1 }\n"
      "call a2 when n2 < 2 { n2 := n2 + 1 }\n"
      "monitor m1 on call when rule == a1 { c1 := c1 + 1 }\n"
      "monitor m2 on any when rule in {a2} { c2 := c2 + 1 }\n"
      "monitor m3 on call when a1 != rule { other := other + 1 }\n"
      "invariant counts expect hold: A.c1 == A.n1 && A.c2 == A.n2 && A.other == A.n2 && B.c1 == B.n1\n"
      "reachable both expect hold: A.c1 == 2 && A.c2 == 2\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "counts").verdict, Verdict::Holds);
  const auto& w = prop(*r, "both");
  ASSERT_EQ(w.verdict, Verdict::Holds);
  EXPECT_EQ(w.counterexample->steps.size(), 4u);
  // m1 never observes a2, and m2 never a1: a2's instances run m2 and m3 only (one chunk).
  const auto& inst = r->system->instances();
  for (const auto& ri : inst) {
    ASSERT_EQ(ri.monitors.size(), 1u);
    EXPECT_FALSE(ri.monitors[0].per_segment);
  }
}

TEST(Monitor, RulesThatNoMonitorObservesRunNone) {
  auto r = check_text(kCounting + "monitor count on recv(s) { got := got + 1 }\n", opts());
  ASSERT_TRUE(r);
  for (const auto& ri : r->system->instances())
    EXPECT_EQ(ri.monitors.empty(), ri.kind != ir::Rule::Kind::Recv) << ri.rule;
}

// `burst` sends two segments (SYN seq=3, then ACK seq=5) once.
const std::string kBurst =
    "const SEQ_BITS = 3\n"
    "enum S { CLOSED, OPEN }\n"
    "endpoint { state: S = CLOSED\n"
    "  ghost segs: 0..4\n"
    "  ghost syns: 0..4\n"
    "  ghost last_seq: seq\n"
    "  ghost snapshot: 0..4 }\n"
    "segment { flags SYN, ACK\n"
    "  seq: seq }\n"
    "call burst in CLOSED when self == A { send SYN (seq = 3) send ACK (seq = 5) goto OPEN }\n"
    "monitor each on send(o) { segs := segs + 1 last_seq := o.seq }\n"
    "monitor syn on send(o) when o.SYN && !o.ACK { syns := syns + 1 }\n"
    "monitor after on call { snapshot := segs }\n"
    "invariant at_most expect hold: A.segs <= 2 && A.syns <= 1\n"
    "reachable both_seen expect hold: A.segs == 2 && A.syns == 1 && A.last_seq == 5 && A.snapshot == 2\n";

TEST(Monitor, SendMonitorsSeeEverySegmentInOrder) {
  auto r = check_text(kBurst + "network { capacity = 2, msl = 0 }\n", opts());
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "at_most").verdict, Verdict::Holds);
  const auto& w = prop(*r, "both_seen");
  ASSERT_EQ(w.verdict, Verdict::Holds);
  ASSERT_EQ(w.counterexample->steps.size(), 1u);
  EXPECT_EQ(event(*r, w.counterexample->steps[0]), "A burst; sends A→B [S] seq=3; sends A→B [.] seq=5");
  // Declaration order: `each` and `syn` run per segment, then `after` (which sees both counts).
  const auto& ri = r->system->instances()[0];
  ASSERT_EQ(ri.monitors.size(), 3u);
  EXPECT_TRUE(ri.monitors[0].per_segment);
  EXPECT_TRUE(ri.monitors[1].per_segment);
  EXPECT_FALSE(ri.monitors[2].per_segment);
}

TEST(Monitor, ASegmentDroppedByAFullChannelIsStillObserved) {
  // Capacity 1: the ACK finds the channel full and is lost (charged to the loss budget).
  auto r = check_text(kBurst + "network { capacity = 1, msl = 0 }\n", opts(1, 0, false));
  ASSERT_TRUE(r);
  const auto& w = prop(*r, "both_seen");
  ASSERT_EQ(w.verdict, Verdict::Holds);
  ASSERT_EQ(w.counterexample->steps.size(), 1u);
  EXPECT_NE(event(*r, w.counterexample->steps[0]).find("lost: network full"), std::string::npos)
      << event(*r, w.counterexample->steps[0]);
  // With the loss budget spent the firing is blocked: it does not happen, and no monitor runs.
  auto blocked = check_text(kBurst + "network { capacity = 1, msl = 0 }\n", opts(0, 0, false));
  ASSERT_TRUE(blocked);
  EXPECT_EQ(prop(*blocked, "both_seen").verdict, Verdict::Violated);
  EXPECT_GT(blocked->exploration.coverage.capacity_blocked, 0u);
}

TEST(Monitor, RecvAndSendMonitorsOfOneFiring) {
  // B answers a SYN with seq s.seq + 1: the recv monitor sees the segment taken, the send monitor
  // the reply, both in the same firing.
  const std::string spec =
      "const SEQ_BITS = 3\n"
      "enum S { CLOSED, OPEN }\n"
      "endpoint { state: S = CLOSED\n"
      "  ghost in_seq: seq\n"
      "  ghost out_seq: seq\n"
      "  ghost replied: bool }\n"
      "segment { flags SYN, ACK\n"
      "  seq: seq }\n"
      "network { capacity = 1, msl = 0 }\n"
      "call open(isn: 0..7) in CLOSED when self == A { send SYN (seq = isn) goto OPEN }\n"
      "recv reply(s) when s.SYN { send ACK (seq = s.seq + 1) }\n"
      "recv drop(s) { }\n"
      "monitor rin on recv(s) when rule == reply { in_seq := s.seq }\n"
      "monitor rout on send(o) when rule == reply && o.ACK { out_seq := o.seq replied := true }\n"
      "invariant one_more expect hold: B.replied -> B.out_seq == B.in_seq + 1\n"
      "reachable wraps expect hold: B.replied && B.in_seq == 7 && B.out_seq == 0\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "one_more").verdict, Verdict::Holds);
  EXPECT_EQ(prop(*r, "wraps").verdict, Verdict::Holds);
}

TEST(Monitor, LaterMonitorsSeeEarlierWrites) {
  const std::string spec =
      "enum S { CLOSED, OPEN }\n"
      "endpoint { state: S = CLOSED }\n"
      "ghost { x: 0..3\n"
      "  y: 0..3 }\n"
      "segment { flags SYN }\n"
      "call open in CLOSED when self == A { goto OPEN }\n"
      "monitor first on any { x := x + 1 }\n"
      "monitor second on call { y := x }\n"
      "invariant same expect hold: x == y\n"
      "reachable one expect hold: y == 1\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "same").verdict, Verdict::Holds);
  EXPECT_EQ(prop(*r, "one").verdict, Verdict::Holds);
}

TEST(Monitor, ARangeErrorInAMonitorIsAModelErrorAtItsStatement) {
  const std::string spec = kCounting + "monitor count on recv(s) {\n  got := got + 2\n}\n";
  auto r = check_text(spec, opts());
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->exploration.model_error.has_value());
  const ModelError& e = *r->exploration.model_error;
  EXPECT_EQ(e.status, ExecStatus::RangeError);
  EXPECT_EQ(e.value, 4);
  EXPECT_EQ(describe_model_error(e),
            "test.tcp:" + pos_in(spec, "got := got + 2") + ": model error: value 4 is outside the declared range");
  EXPECT_EQ(e.label.kind, Label::Kind::Recv);
  EXPECT_EQ(describe_error_site(*r->system, e).find("B recv"), 0u) << describe_error_site(*r->system, e);
}

// ---- front end ----

const std::string kHead =
    "enum S { CLOSED, OPEN }\n"                 // 1
    "endpoint { state: S = CLOSED\n"            // 2
    "  n: 0..3\n"                               // 3
    "  timer t\n"                               // 4
    "  ghost g: 0..3 }\n"                       // 5
    "ghost { h: bool }\n"                       // 6
    "segment { flags SYN }\n"                   // 7
    "call open in CLOSED { goto OPEN }\n"       // 8
    "recv take(s) { }\n";                       // 9

// Exactly one error, with this message, at the position of `at` (its nth occurrence) in the text.
void expect_error(const std::string& body, const std::string& message, const std::string& at, int nth = 0) {
  const std::string text = kHead + body;
  auto d = diagnose(text);
  EXPECT_EQ(d->diags.error_count(), 1u) << d->formatted();
  const Diagnostic* diag = find_diag(d->diags, message);
  ASSERT_NE(diag, nullptr) << d->formatted();
  EXPECT_EQ(diag->message, message);
  EXPECT_EQ(where(*diag), pos_in(text, at, nth)) << d->formatted();
  // The load path (with include resolution) reports the same, with the file name.
  auto l = test::load(text);
  EXPECT_FALSE(l->ok());
  EXPECT_NE(test::all_messages(l->diags).find("test.tcp:" + pos_in(text, at, nth) + ": error: " + message),
            std::string::npos)
      << test::all_messages(l->diags);
}

TEST(MonitorErrors, StatementsOtherThanGhostAssignmentsAndIf) {
  expect_error("monitor m on any { send SYN () }\n", "a monitor cannot use 'send': its body only assigns ghost "
               "variables (and may use 'if')", "send SYN");
  expect_error("monitor m on any { if g == 0 { goto OPEN } }\n", "a monitor cannot use 'goto': its body only "
               "assigns ghost variables (and may use 'if')", "goto OPEN", 1);
  expect_error("monitor m on any { timer t := 1 }\n", "a monitor cannot use 'timer': its body only assigns ghost "
               "variables (and may use 'if')", "timer t :=");
  expect_error("monitor m on any { stop t }\n", "a monitor cannot use 'stop': its body only assigns ghost "
               "variables (and may use 'if')", "stop t");
  expect_error("monitor m on any { n := 1 }\n",
               "a monitor can only assign ghost variables; 'n' is a protocol variable", "n := 1");
  expect_error("monitor m on any { self.state := CLOSED }\n",
               "a monitor can only assign ghost variables; 'state' is a protocol variable", "state := CLOSED");
  expect_error("monitor m on any { peer.g := 1 }\n",
               "only self's variables and global ghost variables can be assigned; write 'g := ...' or 'self.g := ...'",
               "peer.g");
  // What is allowed: self's ghosts, plain or through self., and global ghosts, under if.
  auto ok = diagnose(kHead + "monitor m on any { if n == 1 { self.g := n h := true } else { g := 0 } }\n");
  EXPECT_FALSE(ok->diags.has_errors()) << ok->formatted();
  ASSERT_EQ(ok->model.monitors.size(), 1u);
  EXPECT_EQ(ok->model.monitors[0].body.size(), 1u);
}

TEST(MonitorErrors, OldAndSegments) {
  expect_error("monitor m on any when old(old(n)) == 1 { }\n",
               "old() cannot be nested: everything inside old() already reads the state before", "old(n)");
  expect_error("monitor m on any when old(n, g) == 1 { }\n", "old() takes one expression", "old(n, g)");
  expect_error("call c when old(n) == 1 { }\n", "unknown function 'old' (old() exists only in a monitor)", "old(n)");
  expect_error("monitor m on call when s.SYN { }\n",
               "'s' is not a segment: only a recv(s) or send(o) monitor names one", "s.SYN");
  expect_error("monitor m on send(o) when s.SYN { }\n", "'s' has no fields (the segment is 'o')", "s.SYN");
  expect_error("monitor m on recv(s) when s.FIN { }\n", "a segment has no field 'FIN'; did you mean 'SYN'?", "FIN");
  expect_error("call c when peer.n == 1 { }\n",
               "a rule cannot read the peer's variables (only what arrives in segments)", "peer.n");
  // A monitor may read old(...) of either endpoint, segments and timers.
  auto ok = diagnose(kHead + "monitor m on recv(s) when old(peer.n + A.n) == B.n && s.SYN && !old(expired(t)) { }\n");
  EXPECT_FALSE(ok->diags.has_errors()) << ok->formatted();
}

TEST(MonitorErrors, RuleNames) {
  expect_error("monitor m on any when rule == opn { }\n", "unknown rule 'opn'; did you mean 'open'?", "opn {");
  expect_error("monitor m on any when rule in {take, tke} { }\n", "unknown rule 'tke'; did you mean 'take'?", "tke");
  expect_error("monitor m on any when rule { }\n",
               "'rule' (the firing rule) is only compared: rule == NAME, rule != NAME or rule in {NAME, ...}", "rule {");
  expect_error("monitor m on any when rule == 3 { }\n", "'rule' is compared with a rule's name, as in 'rule == NAME'",
               "3 {");
}

TEST(MonitorErrors, HeaderNamesAndEdits) {
  expect_error("monitor m on recev(s) { }\n",
               "unknown event 'recev' (any, call, recv(s), timeout or send(o)); did you mean 'recv'?", "recev");
  expect_error("monitor m on recv { g := 1 }\n", "expected '(' and the segment's name, as in 'recv(s)', found '{'",
               "{ g :=");
  expect_error("monitor open on any { }\n", "'open' is already declared", "open on");
  expect_error("monitor m on any { }\nmonitor m on call { }\n", "'m' is already declared", "m on call");
  expect_error("monitor m on any in CLOSD { }\n", "unknown state 'CLOSD'; did you mean 'CLOSED'?", "CLOSD");
  // (The loader, not the parser, reports edits without an include.)
  const std::string text = kHead + "override monitor m on any { }\n";
  auto l = test::load(text);
  EXPECT_FALSE(l->ok());
  const Diagnostic* d = find_diag(l->diags, "'override' and 'remove' edit an included spec, and this spec includes none");
  ASSERT_NE(d, nullptr) << test::all_messages(l->diags);
  EXPECT_EQ(where(*d), pos_in(text, "m on any"));
}

// ---- include ----

// The base: A opens (one SYN); B takes it. The monitor flags any recv of B's that leaves it OPEN,
// whatever the rule; base B never opens, so the invariant holds.
const std::string kBase =
    "enum S { CLOSED, OPEN }\n"
    "endpoint { state: S = CLOSED\n"
    "  ghost opened_by_recv: bool }\n"
    "ghost { recvs: 0..3 }\n"
    "segment { flags SYN, ACK }\n"
    "network { capacity = 1, msl = 0 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call open in CLOSED when self == A { send SYN () goto OPEN }\n"
    "recv take(s) when s.SYN { }\n"
    "monitor opening on recv(s) in CLOSED when state == OPEN { opened_by_recv := true }\n"
    "monitor counting on recv(s) { recvs := recvs + 1 }\n"
    "invariant no_passive_open expect hold: !B.opened_by_recv\n"
    "invariant one_recv expect hold: recvs <= 1\n";

class MonitorInclude : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write("base.tcp", kBase);
  }
  std::unique_ptr<SpecResult> run(const std::string& text) {
    write("derived.tcp", text);
    CheckOptions o = opts();
    Diagnostics diags;
    auto r = check_spec_file(path("derived.tcp"), o, diags);
    EXPECT_TRUE(r) << format_diagnostics(diags);
    return r;
  }
};

TEST_F(MonitorInclude, TheBaseHolds) {
  auto r = run("include \"base.tcp\"\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "no_passive_open").verdict, Verdict::Holds);
  EXPECT_EQ(prop(*r, "one_recv").verdict, Verdict::Holds);
}

TEST_F(MonitorInclude, ARuleTheIncludingSpecAddsIsObserved) {
  // A new recv rule placed before `take` opens B: the base's monitor observes it, unedited.
  auto r = run("include \"base.tcp\"\nrecv passive_open(s) before take in CLOSED when s.SYN { goto OPEN }\n");
  ASSERT_TRUE(r);
  const auto& p = prop(*r, "no_passive_open");
  ASSERT_EQ(p.verdict, Verdict::Violated);
  ASSERT_EQ(p.counterexample->steps.size(), 2u);
  EXPECT_EQ(event(*r, p.counterexample->steps[1]), "B recv [S]");
  EXPECT_EQ(rule_name(*r->system, p.counterexample->steps[1].label), "passive_open");
}

TEST_F(MonitorInclude, AnOverriddenRuleIsObserved) {
  auto r = run("include \"base.tcp\"\noverride recv take(s) when s.SYN { goto OPEN }\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "no_passive_open").verdict, Verdict::Violated);
}

TEST_F(MonitorInclude, OverrideMonitorReplacesItInItsPlace) {
  // The override counts by 2: the second recv-counting monitor keeps its place (after `opening`).
  auto r = run("include \"base.tcp\"\noverride monitor counting on recv(s) { recvs := recvs + 2 }\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "one_recv").verdict, Verdict::Violated);
  const auto& m = r->spec->model;
  ASSERT_EQ(m.monitors.size(), 2u);
  EXPECT_EQ(m.monitors[0].name, "opening");
  EXPECT_EQ(m.monitors[1].name, "counting");
}

TEST_F(MonitorInclude, RemoveAMonitor) {
  auto r = run("include \"base.tcp\"\nremove opening\n"
               "recv passive_open(s) before take in CLOSED when s.SYN { goto OPEN }\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "no_passive_open").verdict, Verdict::Holds);
  ASSERT_EQ(r->spec->model.monitors.size(), 1u);
  EXPECT_EQ(r->spec->model.monitors[0].name, "counting");
}

TEST_F(MonitorInclude, EditsOfAMissingMonitorAndDuplicates) {
  write("derived.tcp", "include \"base.tcp\"\noverride monitor countng on any { }\n");
  Diagnostics d1;
  EXPECT_FALSE(load_spec_file(path("derived.tcp"), {}, d1));
  const Diagnostic* e1 = find_diag(d1, "'override': the included spec has no monitor 'countng'; did you mean 'counting'?");
  ASSERT_NE(e1, nullptr) << format_diagnostics(d1);
  EXPECT_EQ(where(*e1), "2:18");
  EXPECT_EQ(covered(*e1), "countng");
  write("derived.tcp", "include \"base.tcp\"\nmonitor counting on any { }\n");
  Diagnostics d2;
  EXPECT_FALSE(load_spec_file(path("derived.tcp"), {}, d2));
  const Diagnostic* e2 = find_diag(d2, "'counting' is already declared");
  ASSERT_NE(e2, nullptr) << format_diagnostics(d2);
  EXPECT_EQ(where(*e2), "2:9");
}

// ---- mutation and reports ----

TEST(Monitor, MutationNeverTargetsMonitors) {
  const std::string spec =
      "enum S { CLOSED, OPEN }\n"
      "endpoint { state: S = CLOSED\n"
      "  n: 0..3\n"
      "  ghost g: 0..3 }\n"
      "segment { flags SYN, ACK }\n"
      "network { capacity = 2, msl = 0 }\n"
      "recv r1(s) when s.SYN && n < 2 { n := n + 1 }\n"
      "recv r2(s) when s.ACK { n := 0 }\n"
      "call open in CLOSED when n < 3 { send SYN () goto OPEN }\n"
      "monitor m on recv(s) when s.SYN && n == 1 && rule == r1 {\n"
      "  if n > 0 { g := n + 1 } else { g := 0 }\n"
      "}\n";
  auto l = test::load(spec);
  ASSERT_TRUE(l->ok()) << test::all_messages(l->diags);
  const ir::Model& m = l->spec->model;
  auto mutants = mutate::enumerate_mutants(m);
  ASSERT_FALSE(mutants.empty());
  const uint32_t monitor_begin = static_cast<uint32_t>(spec.find("monitor m"));
  bool swap = false;
  for (const auto& mu : mutants) {
    EXPECT_LT(mu.where.begin, monitor_begin) << mu.description();
    if (mu.op != mutate::Operator::SwapRecv) continue;
    // Swapping r1 and r2 keeps the monitor's `rule == r1` naming r1.
    swap = true;
    ir::Model copy = m;
    mu.apply(copy);
    ASSERT_EQ(copy.rules[1].name, "r1");
    std::function<const ir::Expr*(const ir::Expr&)> find = [&](const ir::Expr& e) -> const ir::Expr* {
      if (e.op == ir::Expr::Op::RuleIs) return &e;
      for (const auto& a : e.args)
        if (const ir::Expr* f = find(a)) return f;
      return nullptr;
    };
    const ir::Expr* is = find(copy.monitors[0].guard);
    ASSERT_NE(is, nullptr);
    EXPECT_EQ(is->index, 1);
  }
  EXPECT_TRUE(swap);
}

TEST(Monitor, TheJsonReportListsMonitors) {
  auto r = check_text(kBurst + "network { capacity = 2, msl = 0 }\n", opts());
  ASSERT_TRUE(r);
  Json j = spec_json(*r, false);
  ASSERT_TRUE(j.contains("monitors"));
  ASSERT_EQ(j["monitors"].size(), 3u);
  EXPECT_EQ(j["monitors"][0]["name"], "each");
  EXPECT_EQ(j["monitors"][0]["event"], "send");
  EXPECT_EQ(j["monitors"][2]["event"], "call");
  // A spec without monitors has no such key (its report is unchanged).
  auto plain = check_text(kCounting, opts());
  ASSERT_TRUE(plain);
  EXPECT_FALSE(spec_json(*plain, false).contains("monitors"));
}

}  // namespace
}  // namespace tcpmc
