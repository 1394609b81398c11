// Pictures: the SVG sequence charts and the Graphviz state diagram.
//  - Read back from the SVG text alone, no segment label of a real counterexample is crossed by
//    any arrow but its own, and no two labels overlap (text boxes estimated independently of the
//    renderer: 7px a character, 10px above and 3px below the baseline at 12px).
//  - A segment still in flight when the trace ends is an arrow that stops between the lifelines,
//    below the last row, with the note "in flight".
//  - A counterexample's last step is marked; a plain trace is not. Output is deterministic and
//    self-contained.
//  - states.dot: the RFC 9293 spec reaches no edge the RFC forbids (nothing red), RST and ABORT
//    edges are calm with their section, and an edge the RFC does not allow is red.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "state_diagram.hpp"
#include "svg_sequence.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::prop;

std::unique_ptr<SpecResult> check_file(const std::string& spec, CheckOptions o) {
  o.limits.progress = false;
  Diagnostics diags;
  auto r = check_spec_file(TCPMC_SOURCE_DIR "/specs/" + spec, o, diags);
  EXPECT_TRUE(r) << format_diagnostics(diags);
  return r;
}

// --- reading the SVG back ---------------------------------------------------------------------

struct P {
  double x, y;
};

std::string attr(const std::string& tag, const std::string& name) {
  std::smatch m;
  if (std::regex_search(tag, m, std::regex("\\s" + name + "=\"([^\"]*)\""))) return m[1];
  return "";
}

double num_attr(const std::string& tag, const std::string& name) {
  const std::string v = attr(tag, name);
  EXPECT_FALSE(v.empty()) << name << " missing in " << tag;
  return v.empty() ? 0 : std::stod(v);
}

// Characters of an SVG text's content (entities and UTF-8 sequences count one).
size_t text_chars(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '&') i = s.find(';', i);
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

struct Arrow {
  P a, b;
  std::string cls;
};

struct Label {
  std::array<P, 4> box;  // corners, in order
  std::string text;
  int arrow;  // index of the arrow it labels
};

struct Picture {
  std::vector<Arrow> arrows;
  std::vector<Label> labels;
};

// Every <g class="segment"> group: its arrow (a line of class msg...) and its label (a text of
// class seg, possibly rotated about its anchor point).
Picture read_chart(const std::string& svg) {
  Picture pic;
  const std::string open = "<g class=\"segment\">";
  for (size_t at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
    const size_t end = svg.find("</g>", at);
    const std::string g = svg.substr(at, end - at);
    std::smatch m;
    std::string rest = g;
    bool have_line = false;
    while (std::regex_search(rest, m, std::regex("<line[^>]*>"))) {
      const std::string tag = m[0];
      rest = m.suffix();
      if (attr(tag, "class").rfind("msg", 0) != 0) continue;
      pic.arrows.push_back(
          {{num_attr(tag, "x1"), num_attr(tag, "y1")}, {num_attr(tag, "x2"), num_attr(tag, "y2")}, attr(tag, "class")});
      have_line = true;
      break;
    }
    EXPECT_TRUE(have_line) << g;
    if (!std::regex_search(g, m, std::regex("<text([^>]*)>([^<]*)</text>"))) continue;
    const std::string tag = m[1], content = m[2];
    EXPECT_EQ(attr(tag, "class"), "seg");
    EXPECT_EQ(attr(tag, "text-anchor"), "middle");
    const double x = num_attr(tag, "x"), y = num_attr(tag, "y");
    double deg = 0, cx = x, cy = y;
    std::smatch r;
    const std::string tr = attr(tag, "transform");
    if (std::regex_match(tr, r, std::regex("rotate\\(([-0-9.]+) ([-0-9.]+) ([-0-9.]+)\\)")))
      deg = std::stod(r[1]), cx = std::stod(r[2]), cy = std::stod(r[3]);
    const double w = 7.0 * static_cast<double>(text_chars(content));
    const double c = std::cos(deg * std::numbers::pi / 180), s = std::sin(deg * std::numbers::pi / 180);
    auto rot = [&](double px, double py) {
      return P{cx + (px - cx) * c - (py - cy) * s, cy + (px - cx) * s + (py - cy) * c};
    };
    pic.labels.push_back(
        {{rot(x - w / 2, y - 10), rot(x + w / 2, y - 10), rot(x + w / 2, y + 3), rot(x - w / 2, y + 3)},
         content,
         static_cast<int>(pic.arrows.size()) - 1});
  }
  return pic;
}

double cross(P o, P a, P b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

bool segments_meet(P a, P b, P c, P d) {
  const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
  return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0));
}

bool inside(const std::array<P, 4>& q, P p) {
  bool pos = false, neg = false;
  for (int i = 0; i < 4; ++i) {
    const double c = cross(q[i], q[(i + 1) % 4], p);
    pos |= c > 0;
    neg |= c < 0;
  }
  return !(pos && neg);
}

bool segment_meets_box(P a, P b, const std::array<P, 4>& q) {
  if (inside(q, a) || inside(q, b)) return true;
  for (int i = 0; i < 4; ++i)
    if (segments_meet(a, b, q[i], q[(i + 1) % 4])) return true;
  return false;
}

bool boxes_meet(const std::array<P, 4>& p, const std::array<P, 4>& q) {
  for (int i = 0; i < 4; ++i)
    if (segment_meets_box(p[i], p[(i + 1) % 4], q)) return true;
  return inside(p, q[0]);
}

// Every label clear of every other arrow and of every other label.
void expect_labels_clear(const std::string& svg, const std::string& what) {
  SCOPED_TRACE(what);
  const Picture pic = read_chart(svg);
  ASSERT_FALSE(pic.labels.empty());
  for (const Label& l : pic.labels) {
    for (size_t i = 0; i < pic.arrows.size(); ++i) {
      if (static_cast<int>(i) == l.arrow) continue;
      const Arrow& a = pic.arrows[i];
      EXPECT_FALSE(segment_meets_box(a.a, a.b, l.box)) << "label '" << l.text << "' is crossed by the arrow (" << a.a.x
                                                       << "," << a.a.y << ")-(" << a.b.x << "," << a.b.y << ")";
    }
    for (const Label& o : pic.labels) {
      if (&o == &l) continue;
      EXPECT_FALSE(boxes_meet(l.box, o.box)) << "labels '" << l.text << "' and '" << o.text << "' overlap";
    }
  }
}

// --- sequence charts --------------------------------------------------------------------------

// no_time_wait.tcp without duplication or reordering (431843 states): B skips TIME_WAIT and a
// retransmitted FIN draws a RST (13 steps, crossing arrows, two segments still in flight).
TEST(SvgChart, NoLabelOfACounterexampleIsCrossedByAnotherArrow) {
  auto r = check_file("no_time_wait.tcp", test::faults(1, 0, false));
  ASSERT_TRUE(r);
  int charts = 0;
  for (const auto& p : r->properties) {
    if (!p.counterexample) continue;
    ++charts;
    const std::string svg = trace_to_svg(*r->system, *p.counterexample, p.name, {p.name});
    expect_labels_clear(svg, p.name);
    const Picture pic = read_chart(svg);
    // Every arrow that carries a segment has its label (duplicates are labelled where they appear).
    EXPECT_EQ(pic.labels.size(), pic.arrows.size());
  }
  EXPECT_GE(charts, 1);
}

// A three-way handshake where both ends open at once and segments cross: many arrows start in
// the same rows; labels of arrows starting together must not overlap.
TEST(SvgChart, LabelsOfArrowsStartingInTheSameRowDoNotOverlap) {
  const std::string text =
      "enum TcpState { CLOSED, SYN_SENT, SYN_RECEIVED, ESTABLISHED }\n"
      "endpoint { state: TcpState = CLOSED }\n"
      "segment { flags SYN, ACK\n  seq: 0..3\n  ack: 0..3 }\n"
      "network { capacity = 3, msl = 2 }\n"
      "faults { loss = 0, dup = 0, reorder = false }\n"
      "call connect in CLOSED { send SYN (seq = 0)\n send SYN (seq = 1)\n send SYN (seq = 2)\n goto SYN_SENT }\n"
      "recv syn(s) in SYN_SENT when s.SYN && s.seq == 2 { send SYN|ACK (seq = 0, ack = 1)\n"
      "  send ACK (seq = 1, ack = 3) goto ESTABLISHED }\n"
      "recv other(s) in SYN_SENT, ESTABLISHED { }\n"
      "invariant never_both expect violation: !(A.state == ESTABLISHED && B.state == ESTABLISHED)\n";
  auto r = check_text(text);
  ASSERT_TRUE(r);
  const auto& p = prop(*r, "never_both");
  ASSERT_TRUE(p.counterexample);
  const std::string svg = trace_to_svg(*r->system, *p.counterexample, "t", {p.name});
  expect_labels_clear(svg, "crossing handshake");
  EXPECT_GE(read_chart(svg).labels.size(), 6u);
}

// A sends a SYN and the trace ends there: the SYN is still in flight.
const std::string kOneSyn =
    "enum TcpState { CLOSED, SYN_SENT }\n"
    "endpoint { state: TcpState = CLOSED }\n"
    "segment { flags SYN\n  seq: 0..3 }\n"
    "network { capacity = 1, msl = 2 }\n"
    "call connect in CLOSED when self == A { send SYN (seq = 3) goto SYN_SENT }\n"
    "recv syn(s) in CLOSED { }\n"
    "invariant never_sent expect violation: A.state == CLOSED\n"
    "stuck all_quiet expect violation: false\n";

TEST(SvgChart, SegmentsInFlightAtTheEndStopInTheAirBelowTheLastRow) {
  auto r = check_text(kOneSyn);
  ASSERT_TRUE(r);
  const auto& p = prop(*r, "never_sent");
  ASSERT_TRUE(p.counterexample);
  ASSERT_EQ(p.counterexample->steps.size(), 1u);
  const std::string svg = trace_to_svg(*r->system, *p.counterexample, "t", {p.name});
  const Picture pic = read_chart(svg);
  ASSERT_EQ(pic.arrows.size(), 1u);
  const Arrow& a = pic.arrows[0];
  EXPECT_EQ(a.cls, "msg inflight");
  EXPECT_EQ(a.a.x, 250);        // from A's lifeline, at the row of step 1
  EXPECT_GT(a.b.x, 250 + 100);  // ends well between the lifelines,
  EXPECT_LT(a.b.x, 700 - 50);   //   short of B's
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      svg, m, std::regex("<text x=\"16\" y=\"([0-9.]+)\" text-anchor=\"start\" class=\"step[^\"]*\">1<")));
  EXPECT_GT(a.b.y, std::stod(m[1]));  // below the last row
  ASSERT_EQ(pic.labels.size(), 1u);
  EXPECT_EQ(pic.labels[0].text, "[S] seq=3");
  EXPECT_NE(svg.find("class=\"inflight\">in flight</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("marker-end=\"url(#headgrey)\""), std::string::npos);
}

TEST(SvgChart, TheViolatingStepIsMarkedOnlyInACounterexample) {
  auto r = check_text(kOneSyn);
  ASSERT_TRUE(r);
  const Trace& t = *prop(*r, "never_sent").counterexample;
  const std::string plain = trace_to_svg(*r->system, t, "t");
  EXPECT_EQ(plain.find("<rect x=\"0\""), std::string::npos);
  EXPECT_EQ(plain.find(">violation<"), std::string::npos);

  const std::string inv = trace_to_svg(*r->system, t, "t", {"never_sent"});
  // A band across the row of step 1 (y = 80 + row), the tag under the step number, a closing line.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      inv, m, std::regex("<rect x=\"0\" y=\"([0-9.]+)\" width=\"900\" height=\"([0-9.]+)\" class=\"violband\"/>")));
  const double band_top = std::stod(m[1]), band_h = std::stod(m[2]);
  ASSERT_TRUE(std::regex_search(
      inv, m, std::regex("<text x=\"16\" y=\"([0-9.]+)\" text-anchor=\"start\" class=\"step viol\">1<")));
  const double step_y = std::stod(m[1]);
  EXPECT_GT(step_y, band_top);
  EXPECT_LT(step_y, band_top + band_h);
  EXPECT_NE(inv.find("class=\"violtag\">violation</text>"), std::string::npos);
  EXPECT_NE(inv.find("violation at step 1: `never_sent` is false in the state it reaches"), std::string::npos) << inv;

  const Trace& d = *prop(*r, "all_quiet").counterexample;
  const std::string stuck = trace_to_svg(*r->system, d, "t", {"all_quiet", true});
  EXPECT_NE(stuck.find("no move is left and `all_quiet` is false in this end state"), std::string::npos) << stuck;
}

TEST(SvgChart, DeterministicAndSelfContained) {
  auto r = check_file("no_time_wait.tcp", test::faults(1, 0, false));
  ASSERT_TRUE(r);
  for (const auto& p : r->properties) {
    if (!p.counterexample) continue;
    const std::string a = trace_to_svg(*r->system, *p.counterexample, p.name, {p.name});
    const std::string b = trace_to_svg(*r->system, *p.counterexample, p.name, {p.name});
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.find("<script"), std::string::npos);
    EXPECT_EQ(a.find("@font-face"), std::string::npos);
    EXPECT_EQ(a.find("href"), std::string::npos);
    EXPECT_EQ(a.find("url(http"), std::string::npos);
  }
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
  EXPECT_NE(rst.find("timeout give_up (AB)"), std::string::npos) << rst;  // R2 reached (§3.8.3)
  EXPECT_NE(rst.find("(§3.10.5, §3.10.7.4, §3.10.8)"), std::string::npos) << rst;
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
