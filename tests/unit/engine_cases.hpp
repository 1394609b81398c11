// Specs that several engine tests run: hand-checked unit specs, each exercising one part of the
// semantics (faults, first-match order, capacity blocking, ticks and timer urgency, monitors,
// modular sequence numbers), and every shipped spec at bounds a test chooses. A Case is a spec
// (text or file) with its run's bounds.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace tcpmc::test {

struct Case {
  std::string name;
  std::string text;  // a spec text, or empty to read `path`
  std::string path;
  ConstOverrides defines;
  static constexpr int kSpecs = -2;        // the spec's budget or reordering
  int loss = kSpecs, dup = kSpecs, reorder = kSpecs;  // loss may be ir::FaultBudget::kUnboundedLoss
  uint32_t depth = 0;                     // BMC depth; 0: the explicit run's depth
};

inline std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

namespace specs {

inline const std::string kHandshake = kHandshakeSpec + "reachable b_open expect hold: B.state == ESTABLISHED\n";

// The first recv rule whose guard holds takes the segment; a segment no rule takes is consumed.
inline const std::string kFirstMatch =
    "enum S { C, D, E }\n"
    "endpoint { state: S = C\n  x: 0..2\n  y: 0..3 }\n"
    "segment { flags SYN\n  v: 0..3 }\n"
    "network { capacity = 2, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call go(v: 0..3) in C when self == A { send SYN (v = v) goto D }\n"
    "recv first(s) in C when s.v >= 2 { x := 1 y := s.v goto E }\n"
    "recv second(s) in C when s.v >= 1 { x := 2 y := s.v goto E }\n"
    "invariant first_wins expect hold: B.x == 2 -> B.y == 1\n"
    "invariant second_never expect violation: B.x != 2\n"
    "stuck ends_in_e expect violation: B.state == E\n";

// Capacity 1: a burst of two segments loses the second (charged to the loss budget); with the
// budget spent, a second burst is blocked.
inline const std::string kCapacity =
    "enum S { C, D }\n"
    "endpoint { state: S = C\n  bursts: 0..2\n  n: 0..4 }\n"
    "segment { flags SYN }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 1, dup = 0, reorder = false }\n"
    "call burst in C, D when self == A && bursts < 2 { bursts := bursts + 1 send SYN () send SYN () goto D }\n"
    "recv got(s) { n := n + 1 }\n"
    "invariant at_most_one expect hold: B.n <= 1\n"
    "reachable one expect hold: B.n == 1\n"
    "reachable two expect violation: B.n == 2\n";

// Time: segments age and are delivered at ages 0..MSL; a timer of N covers N ticks and its
// timeout is urgent; a monitor sees the peer's state when a segment arrives.
inline const std::string kTime =
    "enum S { C, W, D }\n"
    "endpoint { state: S = C\n  timer t }\n"
    "ghost { late: bool }\n"
    "segment { flags SYN }\n"
    "network { capacity = 2, msl = 2 }\n"
    "faults { loss = 0, dup = 1, reorder = true }\n"
    "call start in C when self == A { send SYN () timer t := 1 goto W }\n"
    "timeout fired on t in W { send SYN () goto D }\n"
    "recv got(s) in C { goto W }\n"
    "recv again(s) in W { goto D }\n"
    "monitor arrival on recv(s) { if peer.state == D { late := true } }\n"
    "reachable timed_out expect hold: A.state == D\n"
    "reachable arrived_late expect hold: late\n"
    "invariant b_not_done expect violation: B.state != D\n";

// Timeouts are urgent: no tick while a timer has expired, so t (1 tick) fires before u (2 ticks)
// can expire; without urgency a second tick would let u's timeout win.
inline const std::string kUrgent =
    "enum S { C, W, X, Y }\n"
    "endpoint { state: S = C\n  timer t\n  timer u }\n"
    "segment { flags SYN }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call start in C when self == A { timer t := 0 timer u := 1 goto W }\n"
    "timeout t_fired on t in W { goto X }\n"
    "timeout u_fired on u in W { goto Y }\n"
    "invariant t_first expect hold: A.state != Y\n"
    "reachable x expect hold: A.state == X\n";

// Sequence numbers modulo 2^SEQ_BITS: RFC 9293's comparison and the distance `seq - seq`.
inline const std::string kSeq =
    "const SEQ_BITS = 3\n"
    "enum S { C, D }\n"
    "endpoint { state: S = C\n  iss: seq\n  nxt: seq\n  base: seq }\n"
    "segment { flags SYN\n  seq: seq }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call go(isn: seq) in C when self == A { iss := isn nxt := isn + 1 send SYN (seq = isn) goto D }\n"
    "call step in D when self == A && nxt - iss < 5 { nxt := nxt + 1 }\n"
    "recv got(s) in C { iss := s.seq + 7 goto D }\n"
    "invariant ahead expect violation: A.state == D -> A.iss < A.nxt\n"
    "invariant no_wrap expect violation: A.nxt - A.base >= A.iss - A.base\n"
    "invariant b_knows expect hold: B.state == D -> B.iss == A.iss + 7\n";

// Properties over the segments in flight (`forall s in flight(X)`, `age(s)`): vacuous with nothing
// in flight, violated by one segment among two, and a reachable state that needs two in flight.
inline const std::string kFlight =
    "enum S { C, W, D }\n"
    "endpoint { state: S = C\n  timer t }\n"
    "segment { flags SYN, ACK\n  v: 0..3 }\n"
    "network { capacity = 2, msl = 2 }\n"
    "faults { loss = 0, dup = 1, reorder = true }\n"
    "call start(v: 0..3) in C when self == A { send SYN (v = v) timer t := 1 goto W }\n"
    "timeout fired on t in W { send SYN (v = 1) goto D }\n"
    "recv got(s) in C { send ACK (v = s.v) goto W }\n"
    "invariant small expect violation: forall s in flight(A): s.v <= 1 || A.state == W\n"
    "invariant young expect violation: forall s in flight(A): age(s) <= 1\n"
    "invariant a_sends_syn expect hold: forall s in flight(A): s.SYN && !s.ACK\n"
    "invariant b_echoes expect violation: forall s in flight(B): s.v == 1\n"
    "invariant a_none expect violation: forall s in flight(A): false\n"
    "reachable one_old_one_new expect hold: !(forall s in flight(A): s.v != 1 || age(s) == 0)\n";

// Timer values and fault budgets in rules and properties: `ticks_left(T)` counts down from the
// duration a timer is started with (0 unless running), `loss_left()`/`dup_left()` count the budget
// down. Hand-checked: A's timer reaches 0 ticks left in W after 5 steps (start, tick, the SYN
// arrives, tick, tick: no tick while the SYN of age msl is in flight); a dup and a loss spend both
// budgets in 3 steps.
inline const std::string kTimeLeft =
    "enum S { C, W, D }\n"
    "endpoint { state: S = C\n  timer t }\n"
    "segment { flags SYN }\n"
    "network { capacity = 2, msl = 1 }\n"
    "faults { loss = 1, dup = 1, reorder = false }\n"
    "call start in C when self == A { send SYN () timer t := 3 goto W }\n"
    "call hurry in W when ticks_left(t) >= 2 { stop t goto D }\n"
    "timeout fired on t in W { goto D }\n"
    "recv got(s) in C { goto D }\n"
    "invariant at_most_three expect hold: ticks_left(A.t) <= 3 && ticks_left(B.t) == 0\n"
    "invariant zero_unless_running expect hold: !running(A.t) -> ticks_left(A.t) == 0\n"
    "invariant never_down_to_zero expect violation: A.state == W -> ticks_left(A.t) >= 1\n"
    "invariant syn_accounted expect hold: A.state != C && B.state == C -> loss_left() == 0 || "
    "!(forall s in flight(A): false)\n"
    "invariant not_both expect violation: loss_left() + dup_left() >= 1\n"
    "reachable two_left expect hold: A.state == W && ticks_left(A.t) == 2\n"
    "reachable dup_spent expect hold: dup_left() == 0 && B.state == C\n";

}  // namespace specs

// The hand-checked unit specs, each at its own bounds.
inline std::vector<Case> unit_cases() {
  using namespace specs;
  std::vector<Case> v = {
      {"handshake", kHandshake},
      {"handshake_no_faults", kHandshake, "", {}, 0, 0, 0},
      {"handshake_loss_only", kHandshake, "", {}, 1, 0, 0},
      {"handshake_dup_only", kHandshake, "", {}, 0, 1, 0},
      {"first_match", kFirstMatch},
      {"capacity", kCapacity},
      {"capacity_loss2", kCapacity, "", {}, 2},
      {"time", kTime},
      {"time_fifo", kTime, "", {}, Case::kSpecs, Case::kSpecs, 0},
      {"urgent", kUrgent},
      {"seq3", kSeq},
      {"seq4", kSeq, "", {{"SEQ_BITS", 4}}},
      {"flight", kFlight},
      {"flight_fifo", kFlight, "", {}, 1, 0, 0},
      {"time_left", kTimeLeft},
      {"time_left_unbounded_loss", kTimeLeft, "", {}, ir::FaultBudget::kUnboundedLoss, 0, 1},
  };
  return v;
}

// Bounds under which every shipped spec checks in seconds: no data, no crash, the given faults.
inline Case reduced_bounds(int loss, int dup, int reorder, uint32_t depth = 0) {
  Case c;
  c.defines = {{"CRASHES", 0}, {"MAX_DATA", 0}};
  c.loss = loss;
  c.dup = dup;
  c.reorder = reorder;
  c.depth = depth;
  return c;
}

// Every shipped spec (specs/*.tcp, in name order) as a case with the bounds of `bounds`
// (defines, faults, depth) and the name "spec_<stem><suffix>".
inline std::vector<Case> shipped_cases(const Case& bounds, const std::string& suffix = "") {
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(std::string(TCPMC_SOURCE_DIR) + "/specs"))
    if (e.path().extension() == ".tcp") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<Case> v;
  for (const auto& p : paths) {
    Case c = bounds;
    c.name = "spec_" + p.stem().string() + suffix;
    c.path = p.string();
    v.push_back(c);
  }
  return v;
}

// Runs one case through the verifier with `engine` (one thread unless told, no progress line;
// with `native`, the spec compiled to machine code).
inline std::unique_ptr<SpecResult> run_case(const Case& c, CheckOptions o);
inline std::unique_ptr<SpecResult> run_case(const Case& c, EngineKind engine, uint32_t depth = 20, bool native = false,
                                            int threads = 1) {
  CheckOptions o;
  o.engine = engine;
  o.native = native;
  o.limits.threads = threads;
  o.limits.max_depth = depth;
  o.limits.progress = false;
  return run_case(c, o);
}

// Runs one case through the verifier with the options `o`, the case's faults and constants applied.
inline std::unique_ptr<SpecResult> run_case(const Case& c, CheckOptions o) {
  if (c.loss != Case::kSpecs) o.loss = c.loss;
  if (c.dup != Case::kSpecs) o.dup = c.dup;
  if (c.reorder != Case::kSpecs) o.reorder = c.reorder == 1;
  if (!c.text.empty()) return check_text(c.text, o, c.defines);
  o.defines = c.defines;
  Diagnostics d;
  auto r = check_spec_file(c.path, o, d);
  EXPECT_TRUE(r) << format_diagnostics(d);
  return r;
}

}  // namespace tcpmc::test
