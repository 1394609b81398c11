// The livelocks of issue 7 ("Why", item 4) in specs/rfc9293.tcp, reproduced through constants that
// restore the behaviour the spec had before it was fixed, so that these tests keep showing the
// violation (and its shortest counterexample's length) after the fix. Runs at reduced bounds
// (no loss, no duplication, FIFO channels: about a second each).
//   (a) No retransmission limit (-D R2_LIMIT=0): a segment is retransmitted for ever, so
//       bounded_retransmission (no segment retransmitted more than R2 times in a row without
//       SND.UNA advancing) fails; with the R2 limit (the default) it holds.
//   (b) TIME_WAIT restarted by the answer to a reconnecting peer's ACK-less SYN (TW_REARM = 1, the
//       spec's default): a test spec adds a ghost flag to the two rules that restart the 2 MSL
//       timer and an invariant that no ACK-less SYN does; it fails with TW_REARM = 1 and holds with
//       TW_REARM = 2 (Linux: tcp_timewait_state_process restarts the timer for an ACK-bearing
//       segment only). With R2 the peer's SYN retransmissions, hence the restarts, are bounded.
//   (c) Why TW_REARM = 2 is not the default: TIME_WAIT then expires while the RST that its last
//       ACK drew from the peer is in flight, and the next incarnation accepts that RST.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::prop;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kTimeWaitSynRearm =
    "include \"rfc9293.tcp\"\n"
    "spec tw_syn_rearm \"TIME_WAIT restarted by an ACK-less SYN\"\n"
    "ghost {\n"
    "  tw_syn_rearm: bool\n"
    "}\n"
    "override recv unacceptable(s) in SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT,\n"
    "    CLOSING, LAST_ACK, TIME_WAIT when !(s.seq - rcv_nxt < RCV_WND) {\n"
    "  if !s.RST {\n"
    "    send ACK (seq = snd_nxt, ack = rcv_nxt, inc = gen)\n"
    "    if state == TIME_WAIT && (TW_REARM == 1 || (TW_REARM == 2 && s.ACK)) {\n"
    "      timer time_wait := TIME_WAIT_TICKS\n"
    "      if !s.ACK { tw_syn_rearm := true }\n"
    "    }\n"
    "  }\n"
    "}\n"
    "override recv syn_challenge(s) in SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT,\n"
    "    CLOSING, LAST_ACK, TIME_WAIT when s.SYN {\n"
    "  send ACK (seq = snd_nxt, ack = rcv_nxt, inc = gen)\n"
    "  if state == TIME_WAIT && (TW_REARM == 1 || (TW_REARM == 2 && s.ACK)) {\n"
    "    timer time_wait := TIME_WAIT_TICKS\n"
    "    if !s.ACK { tw_syn_rearm := true }\n"
    "  }\n"
    "}\n"
    "invariant time_wait_not_rearmed_by_syn expect hold: !tw_syn_rearm\n";

class Livelock : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write("rfc9293.tcp", read(std::string(TCPMC_SOURCE_DIR) + "/specs/rfc9293.tcp"));
  }
  std::unique_ptr<SpecResult> run(const std::string& spec, const ConstOverrides& defines,
                                  std::vector<std::string> props) {
    CheckOptions o = test::faults(0, 0, false);
    o.defines = defines;
    o.properties = std::move(props);
    Diagnostics d;
    auto r = check_spec_file(spec, o, d);
    EXPECT_TRUE(r) << format_diagnostics(d);
    return r;
  }
};

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

}  // namespace
}  // namespace tcpmc
