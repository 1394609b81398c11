// specs/rfc9293.tcp states its properties through monitors (issue 7, section 2): the definitions
// (a segment is accepted when it changes the TCB, an octet is delivered when RCV.NXT advances over
// it, a RST comes from an endpoint that keeps its synchronized connection) are written once, so a
// rule that an including spec adds is judged by them without any edit of the property. Before
// monitors each rule carried its own ghost lines, and a rule without them escaped.
// Also the new properties of section 4 on small bounds: the half-open discovery after a crash
// (a witness), and the stale handshake of a reopened passive closer (expect violation).
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "trace_format.hpp"

namespace tcpmc {
namespace {

using test::prop;

// A bug an edit could introduce: a data segment already received (SEG.SEQ = RCV.NXT - 1: a
// retransmission whose ACK was slow) is taken again, advancing RCV.NXT once more. No ghost line.
const std::string kAcceptsDuplicateData =
    "include \"rfc9293.tcp\"\n"
    "spec dup_data \"takes a retransmitted octet again\"\n"
    "recv duplicate_data(s) before unacceptable in ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2\n"
    "    when s.len > 0 && s.seq + 1 == rcv_nxt {\n"
    "  rcv_nxt := rcv_nxt + 1\n"
    "  send ACK (seq = snd_nxt, ack = rcv_nxt, inc = gen)\n"
    "}\n";

// Another: a retransmitted octet is answered with a RST, and the connection carries on.
const std::string kResetsOnDuplicateData =
    "include \"rfc9293.tcp\"\n"
    "spec rst_dup \"answers a retransmitted octet with RST\"\n"
    "recv rst_for_duplicate(s) before unacceptable in ESTABLISHED\n"
    "    when s.len > 0 && s.seq + 1 == rcv_nxt {\n"
    "  send RST (seq = snd_nxt, inc = gen)\n"
    "}\n";

class MonitorRfc9293 : public test::Rfc9293Test {
 protected:
  static int field(const SpecResult& r, const char* name) { return r.system->model().seg_field(name); }
};

TEST_F(MonitorRfc9293, ARuleAddedByAnIncludingSpecIsJudgedByTheDeliveryMonitor) {
  auto base = run(path("rfc9293.tcp"), {}, {"in_order_exactly_once"});
  ASSERT_TRUE(base);
  EXPECT_EQ(prop(*base, "in_order_exactly_once").verdict, Verdict::Holds);

  auto r = run(write("dup_data.tcp", kAcceptsDuplicateData), {}, {"in_order_exactly_once"});
  ASSERT_TRUE(r);
  const PropertyReport& p = prop(*r, "in_order_exactly_once");
  ASSERT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  // The last step is the new rule taking the octet a second time.
  const TraceStep& last = t.steps.back();
  EXPECT_EQ(last.label.kind, Label::Kind::Recv);
  EXPECT_EQ(rule_name(*r->system, last.label), "duplicate_data");
  EXPECT_EQ(last.label.seg[field(*r, "len")], 1);
  EXPECT_EQ(last.label.seg[field(*r, "data")], 1);
  // Earlier, the same endpoint took the same octet once, by one of rfc9293's own rules (here
  // ack_of_syn: the octet came with the ACK that completed the handshake).
  int taken_before = 0;
  for (size_t i = 0; i + 1 < t.steps.size(); ++i) {
    const Label& l = t.steps[i].label;
    if (l.kind == Label::Kind::Recv && l.ep == last.label.ep && l.seg[field(*r, "data")] == 1) {
      ++taken_before;
      EXPECT_EQ(rule_name(*r->system, l), "ack_of_syn");
    }
  }
  EXPECT_EQ(taken_before, 1);
  EXPECT_EQ(t.steps.size(), 9u);
}

TEST_F(MonitorRfc9293, ARstFromALiveConnectionIsCaughtWhicheverRuleSendsIt) {
  auto base = run(path("rfc9293.tcp"), {}, {"no_reset_of_live_connection"});
  ASSERT_TRUE(base);
  EXPECT_EQ(prop(*base, "no_reset_of_live_connection").verdict, Verdict::Holds);

  auto r = run(write("rst_dup.tcp", kResetsOnDuplicateData), {}, {"no_reset_of_live_connection"});
  ASSERT_TRUE(r);
  const PropertyReport& p = prop(*r, "no_reset_of_live_connection");
  ASSERT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  const TraceStep& last = t.steps.back();
  EXPECT_EQ(rule_name(*r->system, last.label), "rst_for_duplicate");
  ASSERT_EQ(last.label.nsent, 1);
  EXPECT_EQ(last.label.sent[0][field(*r, "RST")], 1);
  // The sender stays ESTABLISHED: it reset a connection it still holds.
  EXPECT_EQ(state_name(*r->system, last.state, last.label.ep), "ESTABLISHED");
}

TEST_F(MonitorRfc9293, ACrashedPeersRstResetsTheHalfOpenConnection) {
  auto r = run(path("rfc9293.tcp"), {}, {"half_open_detected", "half_open_not_closed"});
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "half_open_not_closed").verdict, Verdict::Holds);
  const PropertyReport& p = prop(*r, "half_open_detected");
  ASSERT_EQ(p.verdict, Verdict::Holds);
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  ASSERT_EQ(t.steps.size(), 9u);
  // A crashes in ESTABLISHED (step 6), answers B's next segment from CLOSED with a RST (step 8),
  // and that RST resets B (step 9).
  const CompiledSystem& sys = *r->system;
  EXPECT_EQ(rule_name(sys, t.steps[5].label), "crash");
  EXPECT_EQ(t.steps[5].label.nsent, 0);
  EXPECT_EQ(state_name(sys, t.steps[4].state, t.steps[5].label.ep), "ESTABLISHED");
  EXPECT_EQ(rule_name(sys, t.steps[7].label), "closed");
  EXPECT_EQ(t.steps[7].label.sent[0][field(*r, "RST")], 1);
  const TraceStep& last = t.steps.back();
  EXPECT_EQ(rule_name(sys, last.label), "rst");
  EXPECT_EQ(state_name(sys, t.steps[7].state, last.label.ep), "ESTABLISHED");
  EXPECT_EQ(state_name(sys, last.state, last.label.ep), "CLOSED");

  // Without the crash event nothing is ever half-open.
  auto no_crash = run(path("rfc9293.tcp"), {{"CRASHES", 0}}, {"half_open_detected"});
  ASSERT_TRUE(no_crash);
  EXPECT_EQ(prop(*no_crash, "half_open_detected").verdict, Verdict::Violated);
}

TEST_F(MonitorRfc9293, AReopenedPassiveCloserCompletesItsHandshakeWithAnOldSynAck) {
  auto r = run(path("rfc9293.tcp"), {}, {"handshake_with_current_incarnation"}, /*reorder=*/true);
  ASSERT_TRUE(r);
  const PropertyReport& p = prop(*r, "handshake_with_current_incarnation");
  EXPECT_FALSE(p.expect_hold);
  ASSERT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  ASSERT_EQ(t.steps.size(), 13u);
  const CompiledSystem& sys = *r->system;
  const TraceStep& last = t.steps.back();
  const int ep = last.label.ep;
  // The passive closer reopened (connect, incarnation 1) ...
  EXPECT_EQ(rule_name(sys, t.steps[10].label), "connect");
  EXPECT_EQ(t.steps[10].label.ep, ep);
  // ... and its SYN_SENT takes a SYN,ACK of incarnation 0 into ESTABLISHED.
  EXPECT_EQ(rule_name(sys, last.label), "syn_sent_syn_ack");
  EXPECT_EQ(last.label.seg[field(*r, "SYN")], 1);
  EXPECT_EQ(last.label.seg[field(*r, "inc")], 0);
  EXPECT_EQ(state_name(sys, t.steps[11].state, ep), "SYN_SENT");
  EXPECT_EQ(state_name(sys, last.state, ep), "ESTABLISHED");
  // Its peer is still in TIME_WAIT of incarnation 0.
  EXPECT_EQ(state_name(sys, last.state, 1 - ep), "TIME_WAIT");
}

}  // namespace
}  // namespace tcpmc
