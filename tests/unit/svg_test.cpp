// Pictures: the Graphviz state diagram.
//  - states.dot: the RFC 9293 spec reaches no edge the RFC forbids (nothing red), RST and ABORT
//    edges are calm with their section, and an edge the RFC does not allow is red.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "state_diagram.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::check_text;

std::unique_ptr<SpecResult> check_file(const std::string& spec, CheckOptions o) {
  o.limits.progress = false;
  Diagnostics diags;
  auto r = check_spec_file(TCPMC_SOURCE_DIR "/specs/" + spec, o, diags);
  EXPECT_TRUE(r) << format_diagnostics(diags);
  return r;
}

// --- the state diagram ------------------------------------------------------------------------

// The DOT lines of reached edges (not the legend).
std::vector<std::string> edge_lines(const std::string& dot) {
  std::vector<std::string> out;
  std::istringstream in(dot);
  for (std::string line; std::getline(in, line);)
    if (line.find(" -> ") != std::string::npos && line.find("legend") == std::string::npos) out.push_back(line);
  return out;
}

std::string edge_line(const std::string& dot, const std::string& from_to, const std::string& event) {
  for (const auto& l : edge_lines(dot))
    if (l.rfind("  " + from_to + " [", 0) == 0 && l.find(event) != std::string::npos) return l;
  return "";
}

const char* kRed = "#d00000";

TEST(StateDiagram, Rfc9293SpecReachesNoEdgeTheRfcForbids) {
  auto r = check_file("rfc9293.tcp", test::faults(1, 0, false));
  ASSERT_TRUE(r);
  const std::string dot = state_diagram_dot(*r);
  ASSERT_GT(edge_lines(dot).size(), 20u);
  for (const auto& l : edge_lines(dot)) {
    EXPECT_EQ(l.find(kRed), std::string::npos) << l;
    EXPECT_EQ(l.find("NOT IN RFC"), std::string::npos) << l;
  }
  // Figure 5's edges plain; RST processing and ABORT calm, with their sections.
  EXPECT_EQ(edge_line(dot, "CLOSED -> LISTEN", "call listen"), "  CLOSED -> LISTEN [label=\"call listen (AB)\\n\"];");
  const std::string rst = edge_line(dot, "ESTABLISHED -> CLOSED", "recv rst");
  EXPECT_NE(rst.find("style=dashed"), std::string::npos) << rst;
  EXPECT_NE(rst.find("call abort (AB)"), std::string::npos) << rst;
  EXPECT_NE(rst.find("(§3.10.5, §3.10.7.4)"), std::string::npos) << rst;
  EXPECT_NE(edge_line(dot, "SYN_RECEIVED -> LISTEN", "recv rst").find("style=dashed"), std::string::npos);
  // SYN_SENT -> CLOSED is Figure 5's CLOSE; its RST is §3.10.7.3, drawn apart.
  EXPECT_EQ(edge_line(dot, "SYN_SENT -> CLOSED", "call close"), "  SYN_SENT -> CLOSED [label=\"call close (AB)\\n\"];");
  EXPECT_NE(edge_line(dot, "SYN_SENT -> CLOSED", "recv syn_sent_rst").find("§3.10.7.3"), std::string::npos);
  // The legend explains the three styles.
  EXPECT_NE(dot.find("edge of RFC 9293 Figure 5"), std::string::npos);
  EXPECT_NE(dot.find("not allowed by RFC 9293"), std::string::npos);
  EXPECT_EQ(dot, state_diagram_dot(*r));
}

TEST(StateDiagram, AnEdgeTheRfcDoesNotAllowIsRed) {
  // B answers a SYN in LISTEN straight into ESTABLISHED (a two-way handshake) and leaves
  // ESTABLISHED on a plain ACK; A answers the SYN,ACK with an ACK, or with a RST and goes back to
  // CLOSED on that arrival. Outside RFC 9293: B's two-way handshake, B's close on an ACK, and A's
  // SYN_SENT -> CLOSED by a recv rule that does not require RST (Figure 5's SYN_SENT -> CLOSED is a
  // CLOSE call). B's reset by the RST is §3.10.7.4.
  const std::string text =
      "enum TcpState { CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2,\n"
      "  CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT }\n"
      "endpoint { state: TcpState = CLOSED }\n"
      "segment { flags SYN, ACK, RST\n  seq: 0..1 }\n"
      "network { capacity = 1, msl = 1 }\n"
      "faults { loss = 0, dup = 0, reorder = false }\n"
      "call listen in CLOSED when self == B { goto LISTEN }\n"
      "call connect(v: 0..1) in CLOSED when self == A { send SYN (seq = v) goto SYN_SENT }\n"
      "recv listen_syn(s) in LISTEN when s.SYN { send SYN|ACK (seq = s.seq) goto ESTABLISHED }\n"
      "recv syn_ack(s) in SYN_SENT when s.SYN && s.ACK && s.seq == 0 { send ACK () goto ESTABLISHED }\n"
      "recv syn_ack_rst(s) in SYN_SENT when s.SYN && s.ACK && s.seq == 1 { send RST () goto CLOSED }\n"
      "recv rst(s) in ESTABLISHED when s.RST { goto CLOSED }\n"
      "recv ack_closes(s) in ESTABLISHED when s.ACK && !s.RST { goto CLOSED }\n"
      "recv other(s) in CLOSED, LISTEN, SYN_SENT { }\n"
      "invariant fine expect hold: true\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  const std::string dot = state_diagram_dot(*r);
  const std::string two_way = edge_line(dot, "LISTEN -> ESTABLISHED", "recv listen_syn");
  EXPECT_NE(two_way.find(kRed), std::string::npos) << dot;
  EXPECT_NE(two_way.find("NOT IN RFC 9293"), std::string::npos) << two_way;
  EXPECT_NE(edge_line(dot, "ESTABLISHED -> CLOSED", "recv ack_closes").find(kRed), std::string::npos) << dot;
  const std::string rst = edge_line(dot, "ESTABLISHED -> CLOSED", "recv rst (B)");
  EXPECT_EQ(rst.find(kRed), std::string::npos) << rst;
  EXPECT_NE(rst.find("style=dashed"), std::string::npos) << rst;
  EXPECT_EQ(edge_line(dot, "SYN_SENT -> ESTABLISHED", "recv syn_ack"),
            "  SYN_SENT -> ESTABLISHED [label=\"recv syn_ack (A)\\n\"];");
  // The classification itself.
  const ir::Model& m = r->spec->model;
  int red = 0, calm = 0, fig5 = 0;
  for (const auto& t : r->exploration.coverage.endpoint_transitions) {
    if (t.from == t.to) continue;
    switch (classify_endpoint_transition(m, t).kind) {
      case EdgeKind::NotInRfc:
        ++red;
        break;
      case EdgeKind::Rfc9293:
        ++calm;
        break;
      case EdgeKind::Figure5:
        ++fig5;
        break;
    }
  }
  EXPECT_EQ(red, 3);   // listen_syn, ack_closes, syn_ack_rst
  EXPECT_EQ(calm, 1);  // rst
  EXPECT_EQ(fig5, 3);  // listen, connect, syn_ack
  EXPECT_NE(edge_line(dot, "SYN_SENT -> CLOSED", "recv syn_ack_rst").find(kRed), std::string::npos) << dot;
}

}  // namespace
}  // namespace tcpmc
