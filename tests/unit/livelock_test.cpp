// The livelocks of issue 7 ("Why", item 4) in specs/rfc9293.tcp, reproduced through constants that
// restore the behaviour the spec had before it was fixed, so that these tests keep showing the
// violation (and its shortest counterexample's length) after the fix. Runs at reduced bounds
// (no loss, no duplication, FIFO channels: about a second each; (d) needs reordering and takes
// longer).
//   (a) No retransmission limit (-D R2_LIMIT=0): a segment is retransmitted for ever, so
//       bounded_retransmission (no segment retransmitted more than R2 times in a row without
//       SND.UNA advancing) fails; with the R2 limit (the default) it holds.
//   (b) TIME_WAIT restarted by the answer to a reconnecting peer's ACK-less SYN (TW_REARM = 1, the
//       spec's default): a test spec adds a ghost flag to the two rules that restart the 2 MSL
//       timer and an invariant that no ACK-less SYN does; it fails with TW_REARM = 1 and holds with
//       TW_REARM = 2 (Linux: tcp_timewait_state_process restarts the timer for an ACK-bearing
//       segment only). With R2, and since ACK_LIMIT with one answered SYN, the restarts are
//       bounded.
//   (c) Why TW_REARM = 2 is not the default: TIME_WAIT then expires while the RST that its last
//       ACK drew from the peer is in flight, and the next incarnation accepts that RST.
//   (d) No limit on ACKs to unacceptable segments (-D OOW_LIMIT=0): two TCBs answer each other's
//       ACKs without end (RFC 5961 §7); with ACK_LIMIT they stop.
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "trace_format.hpp"

namespace tcpmc {
namespace {

using test::prop;

// The spec's own rules with one ghost line each: TIME_WAIT restarted by its answer to an
// ACK-less segment (a SYN).
const std::string kTimeWaitSynRearm =
    "include \"rfc9293.tcp\"\n"
    "spec tw_syn_rearm \"TIME_WAIT restarted by an ACK-less SYN\"\n"
    "ghost {\n"
    "  tw_syn_rearm: bool\n"
    "}\n"
    "override recv unacceptable(s) in SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT,\n"
    "    CLOSING, LAST_ACK, TIME_WAIT when !(s.seq - rcv_nxt < RCV_WND) {\n"
    "  if !s.RST && (OOW_LIMIT == 0 || oow_acks < ACK_LIMIT) {\n"
    "    send ACK (seq = snd_nxt, ack = rcv_nxt, inc = gen)\n"
    "    if OOW_LIMIT == 1 { oow_acks := oow_acks + 1 }\n"
    "    if state == TIME_WAIT && (TW_REARM == 1 || (TW_REARM == 2 && s.ACK)) {\n"
    "      timer time_wait := TIME_WAIT_TICKS\n"
    "      if !s.ACK { tw_syn_rearm := true }\n"
    "    }\n"
    "  }\n"
    "}\n"
    "override recv syn_challenge(s) in SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT,\n"
    "    CLOSING, LAST_ACK, TIME_WAIT when s.SYN {\n"
    "  if OOW_LIMIT == 0 || oow_acks < ACK_LIMIT {\n"
    "    send ACK (seq = snd_nxt, ack = rcv_nxt, inc = gen)\n"
    "    if OOW_LIMIT == 1 { oow_acks := oow_acks + 1 }\n"
    "    if state == TIME_WAIT && (TW_REARM == 1 || (TW_REARM == 2 && s.ACK)) {\n"
    "      timer time_wait := TIME_WAIT_TICKS\n"
    "      if !s.ACK { tw_syn_rearm := true }\n"
    "    }\n"
    "  }\n"
    "}\n"
    "invariant time_wait_not_rearmed_by_syn expect hold: !tw_syn_rearm\n";

// Each ACK sent to an unacceptable segment carries, as a ghost tag, the length of the exchange it
// continues: 1 + the tag of the segment it answers. A send monitor raises a flag when an exchange
// reaches ECHO_MAX ACKs (A answers B answers A ...).
const std::string kAckExchange =
    "include \"rfc9293.tcp\"\n"
    "spec ack_exchange \"how long two TCBs answer each other's unacceptable ACKs\"\n"
    "const ECHO_MAX = 6\n"
    "segment {\n"
    "  ghost echo: 0..ECHO_MAX\n"
    "}\n"
    "ghost {\n"
    "  long_exchange: bool\n"
    "}\n"
    "override recv unacceptable(s) in SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT,\n"
    "    CLOSING, LAST_ACK, TIME_WAIT when !(s.seq - rcv_nxt < RCV_WND) {\n"
    "  if !s.RST && (OOW_LIMIT == 0 || oow_acks < ACK_LIMIT) {\n"
    "    send ACK (seq = snd_nxt, ack = rcv_nxt, inc = gen,\n"
    "              echo = if s.echo < ECHO_MAX then s.echo + 1 else ECHO_MAX)\n"
    "    if OOW_LIMIT == 1 { oow_acks := oow_acks + 1 }\n"
    "    if state == TIME_WAIT && (TW_REARM == 1 || (TW_REARM == 2 && s.ACK)) {\n"
    "      timer time_wait := TIME_WAIT_TICKS\n"
    "    }\n"
    "  }\n"
    "}\n"
    "monitor exchange_length on send(o) when o.echo == ECHO_MAX { long_exchange := true }\n"
    "invariant short_ack_exchanges expect hold: !long_exchange\n";

using Livelock = test::Rfc9293Test;

TEST_F(Livelock, NoRetransmissionLimitRetransmitsForEver) {
  auto unfixed = run(path("rfc9293.tcp"), {{"R2_LIMIT", 0}}, {"bounded_retransmission"});
  ASSERT_TRUE(unfixed);
  const PropertyReport& p = prop(*unfixed, "bounded_retransmission");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  EXPECT_EQ(p.depth, 18u);
  ASSERT_TRUE(p.counterexample);
  EXPECT_EQ(p.counterexample->steps.size(), 18u);

  auto fixed = run(path("rfc9293.tcp"), {}, {"bounded_retransmission"});
  ASSERT_TRUE(fixed);
  EXPECT_EQ(prop(*fixed, "bounded_retransmission").verdict, Verdict::Holds);
}

TEST_F(Livelock, AckLessSynRestartsTimeWait) {
  const std::string spec = write("tw.tcp", kTimeWaitSynRearm);
  auto every_ack = run(spec, {{"TW_REARM", 1}}, {"time_wait_not_rearmed_by_syn"});
  ASSERT_TRUE(every_ack);
  const PropertyReport& p = prop(*every_ack, "time_wait_not_rearmed_by_syn");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  EXPECT_EQ(p.depth, 13u);

  auto linux_rule = run(spec, {{"TW_REARM", 2}}, {"time_wait_not_rearmed_by_syn"});
  ASSERT_TRUE(linux_rule);
  EXPECT_EQ(prop(*linux_rule, "time_wait_not_rearmed_by_syn").verdict, Verdict::Holds);
}

TEST_F(Livelock, LinuxTimeWaitRuleLetsAnOldRstReachTheNextIncarnation) {
  auto r = run(path("rfc9293.tcp"), {{"TW_REARM", 2}}, {"no_old_segment_accepted"});
  ASSERT_TRUE(r);
  const PropertyReport& p = prop(*r, "no_old_segment_accepted");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  EXPECT_EQ(p.depth, 24u);
}

// (d) Without a limit on the ACKs sent to unacceptable segments (-D OOW_LIMIT=0), two TCBs that
// each see the other's next segment before the one they miss (reordering alone does it) answer
// each other's ACKs without end: an exchange of 6 ACKs, alternating A and B, in 12 steps. With
// ACK_LIMIT (RFC 5961 §7) no exchange reaches 6.
TEST_F(Livelock, UnacceptableAcksAreAnsweredForEverWithoutTheAckLimit) {
  const std::string spec = write("ack_exchange.tcp", kAckExchange);
  auto unlimited = run(spec, {{"OOW_LIMIT", 0}}, {"short_ack_exchanges"}, /*reorder=*/true);
  ASSERT_TRUE(unlimited);
  const PropertyReport& p = prop(*unlimited, "short_ack_exchanges");
  EXPECT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  ASSERT_EQ(t.steps.size(), 12u);
  // The last six steps are the exchange: each a recv by the other endpoint than the step before,
  // each answering with one ACK.
  const CompiledSystem& sys = *unlimited->system;
  for (size_t i = t.steps.size() - 6; i < t.steps.size(); ++i) {
    const Label& l = t.steps[i].label;
    EXPECT_EQ(l.kind, Label::Kind::Recv) << i;
    const std::string rule = rule_name(sys, l);
    if (i == t.steps.size() - 6)
      EXPECT_TRUE(rule == "unacceptable" || rule == "syn_challenge") << rule;  // the exchange starts
    else
      EXPECT_EQ(rule, "unacceptable") << i;
    EXPECT_EQ(l.nsent, 1) << i;
    if (i > t.steps.size() - 6) {
      EXPECT_NE(l.ep, t.steps[i - 1].label.ep) << i;
    }
  }

  auto limited = run(spec, {}, {"short_ack_exchanges"}, /*reorder=*/true);
  ASSERT_TRUE(limited);
  EXPECT_EQ(prop(*limited, "short_ack_exchanges").verdict, Verdict::Holds);
}

}  // namespace
}  // namespace tcpmc
