// tcpmc conform: the committed real captures (tests/conform/captures, made by
// tests/conform/make_captures.sh) are admitted, each at the bounds stated here; mutated copies made
// here from them are rejected at the expected segment and for the expected reason; bad inputs give
// exit 2 with a diagnostic naming the file. The decoder is fed link types the captures do not use.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "capture_file.hpp"
#include "capture_reader.hpp"
#include "commands.hpp"
#include "json_report.hpp"
#include "packet_decode.hpp"
#include "test_util.hpp"

using namespace tcpmc;

namespace {

const std::string kCaptures = std::string(TCPMC_SOURCE_DIR) + "/tests/conform/captures/";
const std::string kSpecs = std::string(TCPMC_SOURCE_DIR) + "/specs/";

struct Outcome {
  int code = -1;
  std::string out, err;
  Json json;
};

// A tick is 20 s of capture time (--tick-ms 20000): rfc9293.tcp's TIME_WAIT of 3 ticks is then
// Linux's 60 s, and no capture here leaves time for a retransmission timeout or a TIME_WAIT to end.
struct Bounds {
  std::string spec = "rfc9293.tcp";
  ConstOverrides defines;
  int capacity = 0;
  double tick_ms = 20000;
};

Outcome run_case(const std::string& capture, const Bounds& b, const std::string& json_path) {
  ConformCommand cmd;
  cmd.spec = kSpecs + b.spec;
  cmd.capture = capture;
  cmd.options.defines = b.defines;
  cmd.options.loss = 0;
  cmd.options.dup = 0;
  cmd.options.reorder = false;
  cmd.capacity = b.capacity;
  cmd.tick_ms = b.tick_ms;
  cmd.json_path = json_path;
  std::ostringstream out, err;
  Outcome o;
  o.code = run_conform(cmd, out, err);
  o.out = out.str();
  o.err = err.str();
  if (!json_path.empty() && std::filesystem::exists(json_path)) {
    std::ifstream in(json_path);
    o.json = Json::parse(in);
  }
  return o;
}

// Ethernet + IPv4: where the TCP header of a captured packet starts.
size_t tcp_offset(const conform::RawPacket& p) { return 14 + size_t{p.bytes.at(14) & 0x0fu} * 4; }
void set32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(off + i) = static_cast<uint8_t>(v >> (24 - 8 * i));
}
uint32_t get32(const std::vector<uint8_t>& b, size_t off) {
  return uint32_t{b.at(off)} << 24 | uint32_t{b.at(off + 1)} << 16 | uint32_t{b.at(off + 2)} << 8 | b.at(off + 3);
}

}  // namespace

class Conform : public test::TempDirTest {
 protected:
  Outcome check(const std::string& capture, const Bounds& b = {}) { return run_case(capture, b, path("out.json")); }
  // A copy of a committed capture, edited by `edit`, written into the test's directory.
  std::string mutant(const std::string& name, const std::function<void(conform::RawCapture&)>& edit) {
    conform::RawCapture c = conform::read_raw_capture(kCaptures + name);
    EXPECT_EQ(c.error, "");
    edit(c);
    const std::string p = path("mutant-" + name);
    EXPECT_EQ(conform::write_raw_capture(p, c), std::nullopt);
    return p;
  }
  void expect_rejected(const Outcome& o, int segment, const std::string& reason, const std::string& allowed = "") {
    EXPECT_EQ(o.code, 10) << o.out << o.err;
    ASSERT_EQ(o.json["connections"].size(), 1u) << o.out;
    const Json& c = o.json["connections"][0];
    EXPECT_EQ(c["verdict"], "rejected") << o.out;
    ASSERT_TRUE(c.contains("rejected_at")) << o.out;
    EXPECT_EQ(c["rejected_at"]["segment"], segment) << o.out;
    EXPECT_NE(c["rejected_at"]["reason"].get<std::string>().find(reason), std::string::npos) << o.out;
    if (!allowed.empty()) {
      bool found = false;
      for (const auto& a : c["rejected_at"]["allowed"]) found |= a.get<std::string>() == allowed;
      EXPECT_TRUE(found) << "expected '" << allowed << "' among the allowed segments:\n" << o.out;
    }
    EXPECT_NE(o.out.find("REJECTED at segment " + std::to_string(segment) + " "), std::string::npos) << o.out;
  }
};

// Every committed capture, with the spec and bounds that admit it.
struct AdmittedCase {
  const char* capture;
  Bounds bounds;
  int segments;
};

TEST_F(Conform, RealCapturesAreAdmitted) {
  const std::vector<AdmittedCase> cases = {
      {"open_close.pcap", {}, 11},
      {"three_segment_close.pcap", {}, 10},
      {"half_close.pcap", {}, 11},
      {"abort_rst.pcap", {}, 4},
      {"refused.pcap", {}, 2},
      {"simultaneous_close.pcap", {}, 7},
      // Linux answers a CLOSE with unread data by RST (RFC 1122 4.2.2.13, RFC 2525 2.17): on the
      // wire that is RFC 9293's ABORT (<SEQ=SND.NXT><CTL=RST>), which rfc9293.tcp admits.
      {"unread_close.pcap", {}, 6},
      {"syn_rst_race.pcap", {}, 4},
      {"ipv6_open_close.pcap", {}, 9},   // over ::1
      {"sll2_half_close.pcap", {}, 11},  // recorded on the "any" device: Linux cooked headers (SLL2)
      // Linux's TIME_WAIT accepts a new SYN whose number lies above the old ones (RFC 1122 4.2.2.13,
      // tcp_timewait_state_process); RFC 9293 answers it with a challenge ACK. The variant with that
      // check admits it, with a second incarnation that closes too (FULL_GENS=2) and ISNs up to 3.
      {"time_wait_reuse.pcap", {"time_wait_reuse_checked_isn.tcp", {{"FULL_GENS", 2}, {"ISN_MAX", 3}}}, 14},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.capture);
    const Outcome o = check(kCaptures + c.capture, c.bounds);
    EXPECT_EQ(o.code, 0) << o.out << o.err;
    ASSERT_EQ(o.json["connections"].size(), 1u);
    EXPECT_EQ(o.json["connections"][0]["verdict"], "admitted");
    EXPECT_EQ(o.json["connections"][0]["segments"], c.segments);
    EXPECT_NE(o.out.find("ADMITTED"), std::string::npos);
  }
}

// The 1 MB transfer (741 data segments of at most 1436 octets, up to 27 unacknowledged): one
// abstract SEND per segment (MAX_DATA), a window and a channel of 40 units, sequence numbers of 7
// bits (twice the window fits). Its time is measured by tests/bench/conform.sh, not asserted here.
TEST_F(Conform, BulkTransferIsAdmitted) {
  Bounds b{"rfc9293.tcp", {{"SEQ_BITS", 7}, {"RCV_WND", 40}, {"MAX_DATA", 800}}, 40};
  const Outcome o = check(kCaptures + "bulk.pcap", b);
  EXPECT_EQ(o.code, 0) << o.out.substr(0, 3000) << o.err;
  EXPECT_EQ(o.json["connections"][0]["verdict"], "admitted");
}

// The same transfer with the spec's own window of one unit (RCV_WND = 1) is rejected at the first
// data segment sent while another is unacknowledged: segment 27, the 13th data unit (B's ACK of the
// 12th is still to come, and delayed ACKs only postpone what B sends).
TEST_F(Conform, BulkTransferNeedsAWindow) {
  Bounds b{"rfc9293.tcp", {{"SEQ_BITS", 7}, {"MAX_DATA", 800}, {"CRASHES", 0}}, 40};
  expect_rejected(check(kCaptures + "bulk.pcap", b), 27, "no run of the spec sends this segment here",
                  "A→B [.] seq=12 ack=1 len=1 (data=12)");
}

// RFC 9293 itself answers the new SYN in TIME_WAIT with a challenge ACK (RFC 5961 §4), and its
// TIME_WAIT cannot have ended in the 0.2 s before the SYN: rejected at the SYN,ACK.
TEST_F(Conform, TimeWaitReuseIsNotRfc9293) {
  Bounds b{"rfc9293.tcp", {{"FULL_GENS", 2}, {"ISN_MAX", 3}}};
  const Outcome o = check(kCaptures + "time_wait_reuse.pcap", b);
  expect_rejected(o, 9, "no run of the spec sends this segment here", "B→A [.] seq=2 ack=2");
  EXPECT_NE(o.out.find("from B while B was in TIME_WAIT"), std::string::npos) << o.out;
  // With time free (no --tick-ms), TIME_WAIT may end between two segments and B reopen: admitted.
  b.tick_ms = 0;
  EXPECT_EQ(check(kCaptures + "time_wait_reuse.pcap", b).code, 0);
}

TEST_F(Conform, FlagFlippedIsRejected) {
  // The SYN,ACK loses its SYN bit: the spec's B can only answer the SYN with a SYN,ACK.
  const std::string p = mutant("open_close.pcap", [](conform::RawCapture& c) {
    auto& pk = c.packets.at(1);
    pk.bytes.at(tcp_offset(pk) + 13) &= static_cast<uint8_t>(~0x02);
  });
  expect_rejected(check(p), 2, "no run of the spec sends this segment here", "B→A [S.] seq=0 ack=1");
}

TEST_F(Conform, AckOffByOneIsRejected) {
  // The handshake's last ACK acknowledges one more than the SYN,ACK.
  const std::string p = mutant("open_close.pcap", [](conform::RawCapture& c) {
    auto& pk = c.packets.at(2);
    const size_t t = tcp_offset(pk);
    set32(pk.bytes, t + 8, get32(pk.bytes, t + 8) + 1);
  });
  expect_rejected(check(p), 3, "no run of the spec sends this segment here", "A→B [.] seq=1 ack=1");
}

TEST_F(Conform, SwappedSegmentsAreRejected) {
  // B's ACK of the request comes before the request.
  const std::string p = mutant("open_close.pcap", [](conform::RawCapture& c) { std::swap(c.packets.at(3), c.packets.at(4)); });
  expect_rejected(check(p), 4, "no run of the spec sends this segment here");
}

TEST_F(Conform, SegmentDroppedFromTheHandshakeIsRejected) {
  // Without the SYN,ACK, A's ACK acknowledges a SYN never sent.
  const std::string p = mutant("open_close.pcap", [](conform::RawCapture& c) { c.packets.erase(c.packets.begin() + 1); });
  expect_rejected(check(p), 2, "no run of the spec sends this segment here");
}

TEST_F(Conform, RejectionNamesStatesAndPrefix) {
  const std::string p = mutant("open_close.pcap", [](conform::RawCapture& c) {
    auto& pk = c.packets.at(2);
    const size_t t = tcp_offset(pk);
    set32(pk.bytes, t + 8, get32(pk.bytes, t + 8) + 1);
  });
  const Outcome o = check(p);
  const Json& r = o.json["connections"][0]["rejected_at"];
  EXPECT_EQ(r["observation"], 2);  // two segments admitted before it
  bool seen = false;
  for (const auto& s : r["possible_states"]) seen |= s["A"] == "SYN_SENT" && s["B"] == "SYN_RECEIVED";
  EXPECT_TRUE(seen) << o.out;
  EXPECT_NE(o.out.find("admitted prefix: the 2 segments before it"), std::string::npos) << o.out;
  const size_t at = o.out.find("while A was in ");
  ASSERT_NE(at, std::string::npos) << o.out;
  EXPECT_NE(o.out.substr(at, o.out.find('\n', at) - at).find("SYN_SENT"), std::string::npos) << o.out;
}

TEST_F(Conform, DataAfterAGapIsNotMappable) {
  // The request's segment is dropped: B's ACK and A's later numbers refer to octets never seen.
  const std::string p = mutant("half_close.pcap", [](conform::RawCapture& c) { c.packets.erase(c.packets.begin() + 3); });
  const Outcome o = check(p);
  EXPECT_EQ(o.code, 10) << o.out;
}

// ---- bad inputs: exit 2, a diagnostic naming the file, no crash ----

TEST_F(Conform, NotAPcapFile) {
  const std::string p = write("notes.txt", "this is not a capture\n");
  const Outcome o = check(p);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(p + ": not a capture libpcap can read"), std::string::npos) << o.err;
}

TEST_F(Conform, EmptyFile) {
  const std::string p = write("empty.pcap", "");
  const Outcome o = check(p);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(p + ":"), std::string::npos) << o.err;
}

TEST_F(Conform, Directory) {
  std::filesystem::create_directories(path("captures.d"));
  const Outcome o = check(path("captures.d"));
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(path("captures.d") + ": is a directory"), std::string::npos) << o.err;
}

TEST_F(Conform, MissingFile) {
  const Outcome o = check(path("absent.pcap"));
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(path("absent.pcap") + ": cannot open"), std::string::npos) << o.err;
}

TEST_F(Conform, CaptureWithoutTcp) {
  // One UDP datagram over Ethernet/IPv4.
  conform::RawCapture c;
  conform::RawPacket pk;
  pk.bytes = std::vector<uint8_t>(14 + 20 + 8, 0);
  pk.bytes[12] = 0x08;                      // IPv4
  pk.bytes[14] = 0x45;                      // version 4, 20 octets
  pk.bytes[17] = 28;                        // total length
  pk.bytes[23] = 17;                        // UDP
  pk.wirelen = static_cast<uint32_t>(pk.bytes.size());
  c.packets.push_back(pk);
  const std::string p = path("udp.pcap");
  ASSERT_EQ(conform::write_raw_capture(p, c), std::nullopt);
  const Outcome o = check(p);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(p + ": no TCP segment in 1 packet"), std::string::npos) << o.err;
}

TEST_F(Conform, TruncatedFile) {
  // The last record is cut short in the file itself.
  const std::string p = mutant("open_close.pcap", [](conform::RawCapture&) {});
  std::filesystem::resize_file(p, std::filesystem::file_size(p) - 10);
  const Outcome o = check(p);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(p + ": after packet 10: truncated"), std::string::npos) << o.err;
}

TEST_F(Conform, TruncatedTcpHeader) {
  // A record that holds only 10 octets of the TCP header (a snap length too small).
  const std::string p = mutant("open_close.pcap", [](conform::RawCapture& c) {
    auto& pk = c.packets.at(4);
    pk.bytes.resize(tcp_offset(pk) + 10);
  });
  const Outcome o = check(p);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(p + ": packet 5: TCP header cut short"), std::string::npos) << o.err;
}

TEST_F(Conform, BadSpecIsExit2) {
  const std::string spec = write("bad.tcp", "spec bad\nconst X = \n");
  ConformCommand cmd;
  cmd.spec = spec;
  cmd.capture = kCaptures + "open_close.pcap";
  std::ostringstream out, err;
  EXPECT_EQ(run_conform(cmd, out, err), 2);
  EXPECT_NE(err.str().find(spec), std::string::npos) << err.str();
}

TEST_F(Conform, ConnectionOutOfRangeIsUsage) {
  ConformCommand cmd;
  cmd.spec = kSpecs + "rfc9293.tcp";
  cmd.capture = kCaptures + "open_close.pcap";
  cmd.connection = 2;
  std::ostringstream out, err;
  EXPECT_EQ(run_conform(cmd, out, err), 1);
  EXPECT_NE(err.str().find("holds 1 connection"), std::string::npos) << err.str();
}

TEST_F(Conform, SearchBoundIsExit5) {
  ConformCommand cmd;
  cmd.spec = kSpecs + "rfc9293.tcp";
  cmd.capture = kCaptures + "open_close.pcap";
  cmd.max_states = 20;
  std::ostringstream out, err;
  EXPECT_EQ(run_conform(cmd, out, err), 5);
  EXPECT_NE(out.str().find("INCONCLUSIVE: the search reached --max-states 20"), std::string::npos) << out.str();
}

TEST_F(Conform, ConnectionsAndIncarnations) {
  // Two captures in one file: two 4-tuples, in order of first appearance.
  conform::RawCapture a = conform::read_raw_capture(kCaptures + "open_close.pcap");
  const conform::RawCapture b = conform::read_raw_capture(kCaptures + "refused.pcap");
  a.packets.insert(a.packets.end(), b.packets.begin(), b.packets.end());
  const std::string both = path("both.pcap");
  ASSERT_EQ(conform::write_raw_capture(both, a), std::nullopt);
  Outcome o = check(both);
  EXPECT_EQ(o.code, 0) << o.out;
  ASSERT_EQ(o.json["connections"].size(), 2u);
  EXPECT_EQ(o.json["connections"][0]["segments"], 11);
  EXPECT_EQ(o.json["connections"][1]["segments"], 2);
  // --connection 2 checks only the refused one; --svg DIR writes one chart per connection.
  ConformCommand cmd;
  cmd.spec = kSpecs + "rfc9293.tcp";
  cmd.capture = both;
  cmd.svg_path = path("charts") + "/";
  std::ostringstream out, err;
  ASSERT_EQ(run_conform(cmd, out, err), 0) << err.str();
  EXPECT_TRUE(std::filesystem::exists(path("charts/connection-1.svg")));
  EXPECT_TRUE(std::filesystem::exists(path("charts/connection-2.svg")));
  cmd.svg_path = path("one.svg");
  EXPECT_EQ(run_conform(cmd, out, err), 1);  // two connections, one file
  cmd.connection = 2;
  ASSERT_EQ(run_conform(cmd, out, err), 0) << err.str();
  EXPECT_TRUE(std::filesystem::exists(path("one.svg")));
  // The reused 4-tuple is one connection of two incarnations.
  o = check(kCaptures + "time_wait_reuse.pcap", {"time_wait_reuse_checked_isn.tcp", {{"FULL_GENS", 2}, {"ISN_MAX", 3}}});
  EXPECT_EQ(o.json["connections"][0]["incarnations"], 2);
  EXPECT_EQ(o.json["connections"][0]["observations"][7]["incarnation"], 1);
}

TEST_F(Conform, SvgChartIsWritten) {
  ConformCommand cmd;
  cmd.spec = kSpecs + "rfc9293.tcp";
  cmd.capture = kCaptures + "three_segment_close.pcap";
  cmd.svg_path = path("chart.svg");
  std::ostringstream out, err;
  ASSERT_EQ(run_conform(cmd, out, err), 0) << err.str();
  std::ifstream in(cmd.svg_path);
  std::stringstream svg;
  svg << in.rdbuf();
  EXPECT_NE(svg.str().find("<svg"), std::string::npos);
  EXPECT_NE(svg.str().find("TIME_WAIT"), std::string::npos);
}

// ---- the decoder, on link types the committed captures do not use ----

namespace {
// A bare TCP SYN from 10.0.0.1:1000 to 10.0.0.2:80 in IPv4, seq 7.
std::vector<uint8_t> ipv4_syn() {
  std::vector<uint8_t> b(40, 0);
  b[0] = 0x45;
  b[3] = 40;
  b[9] = 6;
  b[12] = 10, b[15] = 1, b[16] = 10, b[19] = 2;
  b[20] = 0x03, b[21] = 0xe8, b[23] = 80;  // ports
  b[27] = 7;                               // seq
  b[32] = 0x50;                            // data offset 5
  b[33] = 0x02;                            // SYN
  return b;
}
}  // namespace

TEST(ConformDecode, LinkTypes) {
  const std::vector<uint8_t> ip = ipv4_syn();
  auto with = [&](std::vector<uint8_t> head) {
    head.insert(head.end(), ip.begin(), ip.end());
    return head;
  };
  struct Case {
    int dlt;
    std::vector<uint8_t> bytes;
  };
  const std::vector<Case> cases = {
      {1, with({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00})},                          // Ethernet
      {1, with({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x00, 0, 5, 0x08, 0x00})},        // 802.1Q
      {113, with({0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00})},                   // SLL
      {276, with({0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0})},      // SLL2
      {0, with({2, 0, 0, 0})},                                                               // null, little-endian
      {108, with({0, 0, 0, 2})},                                                             // OpenBSD loop
      {12, ip},                                                                              // raw IP
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dlt);
    const auto d = conform::decode_packet(c.dlt, c.bytes.data(), c.bytes.size(), c.bytes.size());
    ASSERT_TRUE(d.segment) << d.error << d.skipped;
    EXPECT_EQ(d.segment->seq, 7u);
    EXPECT_EQ(d.segment->src.port, 1000);
    EXPECT_EQ(d.segment->dst.port, 80);
    EXPECT_TRUE(d.segment->has(conform::kSyn));
    EXPECT_EQ(conform::address_text(d.segment->src), "10.0.0.1:1000");
  }
}

TEST(ConformDecode, Ipv6AndCutShortHeaders) {
  std::vector<uint8_t> b(14 + 40 + 20, 0);
  b[12] = 0x86, b[13] = 0xdd;
  b[14] = 0x60;
  b[14 + 5] = 20;  // payload length
  b[14 + 6] = 6;   // TCP
  b[14 + 8 + 15] = 1, b[14 + 24 + 15] = 1;  // ::1 -> ::1
  b[54 + 1] = 5, b[54 + 3] = 6;
  b[54 + 12] = 0x50, b[54 + 13] = 0x12;  // SYN,ACK
  auto d = conform::decode_packet(1, b.data(), b.size(), b.size());
  ASSERT_TRUE(d.segment) << d.error;
  EXPECT_EQ(conform::address_text(d.segment->src), "[::1]:5");
  EXPECT_EQ(conform::tcp_flags_text(d.segment->flags), "[S.]");
  for (size_t cut = 0; cut < b.size(); ++cut) {  // every prefix: an error, never a read past it
    d = conform::decode_packet(1, b.data(), cut, b.size());
    EXPECT_FALSE(d.segment);
    EXPECT_FALSE(d.error.empty()) << cut;
  }
}
