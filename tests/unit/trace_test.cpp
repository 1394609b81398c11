// Counterexamples: the trace of a violated property has the exact expected length, passes the
// expected TCP states of A and B, names its events with the shared wording (including a loss step
// `network loses A→B [S] seq=0`); validate_trace accepts it and rejects tampered versions;
// replay_path rebuilds it from packed states and refuses non-transitions; the rendered table and
// sequence chart show it; and exploration is deterministic.
#include <gtest/gtest.h>

#include <string>

#include "svg_sequence.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::prop;

// A three-way handshake without timers: A connects, B answers in CLOSED, A acknowledges. One loss.
//  both_open: dead ends where not both are ESTABLISHED. Shortest: A connect, the SYN is lost (2 steps);
//             without a loss every segment arrives (bounded delay), and B always takes the SYN.
//  no_half_open: a dead end with A ESTABLISHED and B SYN_RECEIVED needs the final ACK lost: 4 steps.
const std::string kHandshake =
    "enum TcpState { CLOSED, SYN_SENT, SYN_RECEIVED, ESTABLISHED }\n"
    "endpoint { state: TcpState = CLOSED }\n"
    "segment { flags SYN, ACK\n  seq: 0..3\n  ack: 0..3 }\n"
    "network { capacity = 1, msl = 2 }\n"
    "faults { loss = 1, dup = 0, reorder = false }\n"
    "call connect in CLOSED when self == A { send SYN (seq = 0) goto SYN_SENT }\n"
    "recv syn(s) in CLOSED when s.SYN && !s.ACK { send SYN|ACK (seq = 2, ack = s.seq + 1) goto SYN_RECEIVED }\n"
    "recv synack(s) in SYN_SENT when s.SYN && s.ACK { send ACK (seq = 1, ack = s.seq + 1) goto ESTABLISHED }\n"
    "recv ack(s) in SYN_RECEIVED when s.ACK && !s.SYN { goto ESTABLISHED }\n"
    "stuck both_open expect violation: A.state == ESTABLISHED && B.state == ESTABLISHED\n"
    "stuck no_half_open expect violation: !(A.state == ESTABLISHED && B.state == SYN_RECEIVED)\n"
    "invariant agree expect hold: A.state == ESTABLISHED -> B.state in {SYN_RECEIVED, ESTABLISHED}\n";

struct StepWant {
  std::string event, rule, a, b;
};

void expect_steps(const CompiledSystem& sys, const Trace& t, const std::vector<StepWant>& want) {
  ASSERT_EQ(t.steps.size(), want.size());
  EXPECT_EQ(state_name(sys, t.initial, 0), "CLOSED");
  EXPECT_EQ(state_name(sys, t.initial, 1), "CLOSED");
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i + 1));
    EXPECT_EQ(describe_event(sys, t.steps[i].label), want[i].event);
    EXPECT_EQ(rule_name(sys, t.steps[i].label), want[i].rule);
    EXPECT_EQ(state_name(sys, t.steps[i].state, 0), want[i].a);
    EXPECT_EQ(state_name(sys, t.steps[i].state, 1), want[i].b);
  }
}

TEST(Trace, LossCounterexampleIsShortestAndNamedLikeACapture) {
  auto r = check_text(kHandshake);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->replay_failed);
  const PropertyReport& p = prop(*r, "both_open");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  EXPECT_TRUE(p.as_expected());
  EXPECT_EQ(p.depth, 2u);
  ASSERT_TRUE(p.counterexample);
  expect_steps(*r->system, *p.counterexample,
               {{"A connect; sends A→B [S] seq=0", "connect", "SYN_SENT", "CLOSED"},
                {"network loses A→B [S] seq=0", "", "SYN_SENT", "CLOSED"}});
  const Label& loss = p.counterexample->steps[1].label;
  EXPECT_EQ(loss.kind, Label::Kind::Loss);
  EXPECT_EQ(loss.ep, 0);  // the channel's sender
  EXPECT_EQ(p.counterexample->steps[1].state[r->system->layout().loss_slot()], 1);
  EXPECT_EQ(prop(*r, "agree").verdict, Verdict::Holds);
}

TEST(Trace, HandshakeWithLostAckPassesTheExpectedStates) {
  auto r = check_text(kHandshake);
  ASSERT_TRUE(r);
  const PropertyReport& p = prop(*r, "no_half_open");
  ASSERT_TRUE(p.counterexample);
  expect_steps(*r->system, *p.counterexample,
               {{"A connect; sends A→B [S] seq=0", "connect", "SYN_SENT", "CLOSED"},
                {"B recv [S] seq=0; sends B→A [S.] seq=2 ack=1", "syn", "SYN_SENT", "SYN_RECEIVED"},
                {"A recv [S.] seq=2 ack=1; sends A→B [.] seq=1 ack=3", "synack", "ESTABLISHED", "SYN_RECEIVED"},
                {"network loses A→B [.] seq=1 ack=3", "", "ESTABLISHED", "SYN_RECEIVED"}});
  EXPECT_TRUE(validate_trace(*r->system, *p.counterexample));
}

TEST(Trace, ValidateAcceptsTheRealTraceAndRejectsTamperedOnes) {
  auto r = check_text(kHandshake);
  ASSERT_TRUE(r);
  const CompiledSystem& sys = *r->system;
  const Trace& real = *prop(*r, "no_half_open").counterexample;
  ASSERT_EQ(real.steps.size(), 4u);
  ASSERT_TRUE(validate_trace(sys, real));

  {  // A state that is not what the step produces: B jumps to ESTABLISHED.
    Trace t = real;
    t.steps[1].state[sys.state_slot(1)] = 3;
    EXPECT_FALSE(validate_trace(sys, t));
  }
  {  // The right state under the wrong kind of event: the loss relabelled as a duplication.
    Trace t = real;
    t.steps[3].label.kind = Label::Kind::Dup;
    EXPECT_FALSE(validate_trace(sys, t));
  }
  {  // The right kind of event but another rule instance (B's connect instead of A's).
    Trace t = real;
    t.steps[0].label.inst += static_cast<int>(sys.model().rules.size());
    ASSERT_EQ(sys.instances()[t.steps[0].label.inst].ep, 1);
    EXPECT_FALSE(validate_trace(sys, t));
  }
  {  // A skipped step.
    Trace t = real;
    t.steps.erase(t.steps.begin() + 1);
    EXPECT_FALSE(validate_trace(sys, t));
  }
  {  // Steps out of order.
    Trace t = real;
    std::swap(t.steps[1], t.steps[2]);
    EXPECT_FALSE(validate_trace(sys, t));
  }
  {  // A different initial state.
    Trace t = real;
    t.initial[sys.state_slot(0)] = 1;
    EXPECT_FALSE(validate_trace(sys, t));
  }
  {  // The loss budget not charged.
    Trace t = real;
    t.steps[3].state[sys.layout().loss_slot()] = 0;
    EXPECT_FALSE(validate_trace(sys, t));
  }
  // A prefix of a real run is itself a real run.
  Trace prefix = real;
  prefix.steps.resize(2);
  EXPECT_TRUE(validate_trace(sys, prefix));
}

TEST(Trace, ReplayPathRebuildsTheRunFromPackedStates) {
  auto r = check_text(kHandshake);
  ASSERT_TRUE(r);
  const CompiledSystem& sys = *r->system;
  const StateLayout& L = sys.layout();
  const Trace& real = *prop(*r, "no_half_open").counterexample;
  auto pack = [&](const std::vector<int32_t>& s) {
    std::vector<uint64_t> w(L.num_words());
    L.pack(s.data(), w.data());
    return w;
  };
  std::vector<std::vector<uint64_t>> path = {pack(real.initial)};
  for (const auto& s : real.steps) path.push_back(pack(s.state));
  auto t = replay_path(sys, path);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->steps.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(describe_event(sys, t->steps[i].label), describe_event(sys, real.steps[i].label));
    EXPECT_EQ(t->steps[i].state, real.steps[i].state);
  }
  // Not a transition: from the initial state straight to the last.
  EXPECT_FALSE(replay_path(sys, {path[0], path[4]}));
  // Not starting at the initial state.
  EXPECT_FALSE(replay_path(sys, {path[1], path[2]}));
  EXPECT_FALSE(replay_path(sys, {}));
  // Just the initial state: an empty run.
  auto empty = replay_path(sys, {path[0]});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->steps.empty());
}

TEST(Trace, RenderedTableAndChart) {
  auto r = check_text(kHandshake);
  ASSERT_TRUE(r);
  const CompiledSystem& sys = *r->system;
  const Trace& t = *prop(*r, "both_open").counterexample;
  const std::string table = format_trace_table(sys, t);
  EXPECT_NE(table.find("step  event"), std::string::npos) << table;
  EXPECT_NE(table.find("0     initial state"), std::string::npos) << table;
  EXPECT_NE(table.find("2     network loses A→B [S] seq=0"), std::string::npos) << table;
  EXPECT_NE(table.find("{[S] seq=0 @0} / {}"), std::string::npos) << table;  // in flight after step 1
  const std::string chart = format_sequence_chart(sys, t);
  EXPECT_NE(chart.find("[S] seq=0 lost"), std::string::npos) << chart;
  EXPECT_NE(chart.find("A: connect"), std::string::npos) << chart;
}

TEST(Trace, ExplorationAndCounterexamplesAreDeterministic) {
  auto a = check_text(kHandshake);
  auto b = check_text(kHandshake);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->exploration.states, b->exploration.states);
  EXPECT_EQ(a->exploration.transitions, b->exploration.transitions);
  for (size_t p = 0; p < a->properties.size(); ++p) {
    ASSERT_EQ(a->properties[p].counterexample.has_value(), b->properties[p].counterexample.has_value());
    if (!a->properties[p].counterexample) continue;
    const Trace& x = *a->properties[p].counterexample;
    const Trace& y = *b->properties[p].counterexample;
    ASSERT_EQ(x.steps.size(), y.steps.size());
    for (size_t i = 0; i < x.steps.size(); ++i) EXPECT_EQ(x.steps[i].state, y.steps[i].state);
  }
}

// Consecutive ticks are one row in the table, one line in the chart and one row in the SVG: A's
// timer of 2 ticks expires at the third tick after it was set, and nothing else can happen then.
TEST(Trace, ConsecutiveTicksFoldIntoOneRowEverywhere) {
  const std::string text =
      "enum S { C0, C1, C2 }\n"
      "endpoint { state: S = C0\n  timer t }\n"
      "segment { flags SYN }\n"
      "network { capacity = 1, msl = 3 }\n"
      "call go in C0 when self == A { send SYN ()\n timer t := 2\n goto C1 }\n"
      "timeout done on t in C1 { goto C2 }\n"
      "recv r(s) in C0 { goto C2 }\n"
      "invariant never expect violation: !(A.state == C2 && B.state == C2)\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  const auto& p = prop(*r, "never");
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  ASSERT_EQ(t.steps.size(), 6u);  // go, B recv, tick, tick, tick, timeout
  for (int k = 2; k <= 4; ++k) EXPECT_EQ(t.steps[k].label.kind, Label::Kind::Tick);
  const std::string table = format_trace_table(*r->system, t);
  EXPECT_NE(table.find("\n3-5   3 ticks"), std::string::npos) << table;
  EXPECT_EQ(table.find("\n4 "), std::string::npos) << table;
  const std::string chart = format_sequence_chart(*r->system, t);
  EXPECT_NE(chart.find("[3-5]"), std::string::npos) << chart;
  EXPECT_NE(chart.find("(3 ticks)"), std::string::npos) << chart;
  EXPECT_NE(chart.find("[6] C2"), std::string::npos) << chart;
  const std::string svg = trace_to_svg(*r->system, t, "never");
  EXPECT_NE(svg.find(">3-5</text>"), std::string::npos);
  EXPECT_NE(svg.find(">3 ticks</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">4</text>"), std::string::npos);
}

}  // namespace
}  // namespace tcpmc
