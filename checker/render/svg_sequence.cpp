#include "svg_sequence.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <optional>
#include <vector>

#include "trace_format.hpp"

namespace tcpmc {
namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

// A coordinate with at most two decimals ("250", "148.5", "-3.25"): short and deterministic.
std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  std::string s = b;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// Characters (UTF-8 code points) of a string.
size_t chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

struct Pt {
  double x = 0, y = 0;
};
Pt operator+(Pt a, Pt b) {
  return {a.x + b.x, a.y + b.y};
}
Pt operator-(Pt a, Pt b) {
  return {a.x - b.x, a.y - b.y};
}
Pt operator*(Pt a, double k) {
  return {a.x * k, a.y * k};
}
double dot(Pt a, Pt b) {
  return a.x * b.x + a.y * b.y;
}
double norm(Pt a) {
  return std::sqrt(dot(a, a));
}

// An oriented rectangle: centre c, unit axis u, normal n = (u.y, -u.x) (up on the screen when u
// points right), half extents hu along u and hn along n.
struct Box {
  Pt c, u;
  double hu = 0, hn = 0;
  Pt n() const { return {u.y, -u.x}; }
  std::array<Pt, 4> corners() const {
    const Pt a = u * hu, b = n() * hn;
    return {c + a + b, c + a - b, c - a - b, c - a + b};
  }
};

Box axis_box(double x0, double y0, double x1, double y1) {
  return {{(x0 + x1) / 2, (y0 + y1) / 2}, {1, 0}, (x1 - x0) / 2, (y1 - y0) / 2};
}

// Separating-axis test of two oriented rectangles.
bool overlap(const Box& a, const Box& b) {
  const auto ca = a.corners(), cb = b.corners();
  for (Pt axis : {a.u, a.n(), b.u, b.n()}) {
    double lo_a = 1e18, hi_a = -1e18, lo_b = 1e18, hi_b = -1e18;
    for (Pt p : ca) lo_a = std::min(lo_a, dot(p, axis)), hi_a = std::max(hi_a, dot(p, axis));
    for (Pt p : cb) lo_b = std::min(lo_b, dot(p, axis)), hi_b = std::max(hi_b, dot(p, axis));
    if (hi_a < lo_b || hi_b < lo_a) return false;
  }
  return true;
}

// Whether segment pq meets the box (Liang-Barsky clipping in the box's frame).
bool hits(Pt p, Pt q, const Box& b) {
  const Pt n = b.n();
  const double p0[2] = {dot(p - b.c, b.u), dot(p - b.c, n)};
  const double d[2] = {dot(q - p, b.u), dot(q - p, n)};
  const double h[2] = {b.hu, b.hn};
  double t0 = 0, t1 = 1;
  for (int k = 0; k < 2; ++k) {
    for (double sgn : {-1.0, 1.0}) {
      // sgn * (p0 + t d) <= h, i.e. t * den <= lim
      const double lim = h[k] - sgn * p0[k], den = sgn * d[k];
      if (den == 0) {
        if (lim < 0) return false;
      } else if (den > 0) {
        t1 = std::min(t1, lim / den);
      } else {
        t0 = std::max(t0, lim / den);
      }
    }
  }
  return t0 <= t1;
}

struct Arrow {
  Pt a, b;                         // from, to
  std::string cls;                 // "msg", "msg dup", "msg lost", "msg inflight"
  const char* marker = nullptr;    // arrowhead marker id, or none
  std::string label;               // "" = none
  std::vector<std::string> extra;  // more SVG drawn with it (the cross of a lost segment)
  // Placed label: baseline centre and angle (degrees).
  Pt at;
  double angle = 0;
};

struct InFlight {
  std::vector<int32_t> seg;  // fields + age at send
  int sender;
  Pt from;  // where its arrow starts
  bool dup;
};

// Label placement.
constexpr double kGap = 3;                        // between an arrow and its label's text box
constexpr double kMargin = 1;                     // around obstacles
constexpr double kHeadLen = 13, kHeadHalf = 5.2;  // arrowheads (marker 10x8 at stroke width 1.3)

// One layout of the chart at a given row height.
struct Chart {
  double height = 0;
  std::string back, lines, texts;
  std::vector<Arrow> arrows;
  std::vector<std::pair<Pt, Pt>> rules;  // tick lines
  std::vector<Box> boxes;                // texts, crosses, arrowheads, placed labels
  int collisions = 0;                    // labels that found no free place
};

constexpr double kWidth = 900, kXa = 250, kXb = 700, kTop = 80;
constexpr double kGutter = 40;  // a lasso's chart: the margin left of the step numbers that holds its loop

void text_at(std::string& out, double x, double y, const std::string& s, const char* anchor, const char* cls) {
  out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" class=\"" + cls + "\">" +
         esc(s) + "</text>\n";
}

std::string line_svg(Pt a, Pt b, const std::string& cls, const char* marker) {
  return "<line x1=\"" + num(a.x) + "\" y1=\"" + num(a.y) + "\" x2=\"" + num(b.x) + "\" y2=\"" + num(b.y) +
         "\" class=\"" + cls + "\"" + (marker ? std::string(" marker-end=\"url(#") + marker + ")\"" : "") + "/>\n";
}

// The box of a text drawn at (x, y) with the given anchor, font size fs.
Box text_box(double x, double y, const std::string& s, const char* anchor, double fs) {
  const double w = static_cast<double>(chars(s)) * fs * 0.6;
  const double x0 = std::strcmp(anchor, "start") == 0 ? x : std::strcmp(anchor, "end") == 0 ? x - w : x - w / 2;
  return axis_box(x0, y - fs * 0.85, x0 + w, y + fs * 0.25);
}

void place_labels(Chart& ch) {
  for (size_t i = 0; i < ch.arrows.size(); ++i) {
    Arrow& ar = ch.arrows[i];
    if (ar.label.empty()) continue;
    const Pt d = ar.b - ar.a;
    const double len = norm(d);
    const Pt dir = d * (1 / len);
    const Pt u = dir.x >= 0 ? dir : dir * -1;  // reads left to right
    const Pt n{u.y, -u.x};
    const double hu = static_cast<double>(chars(ar.label)) * kSvgLabelCharWidth / 2 + 2, hn = kSvgLabelHeight / 2;
    const double pref = hu + 8;  // the label starts just after the sender
    double best_cost = 1e18;
    Box best;
    int best_hits = 0;
    for (int side : {1, -1}) {
      for (double s = 0; s <= len; s += 2) {
        const Pt on = ar.a + dir * s;
        Box b{on + n * (side * (kGap + hn)), u, hu, hn};
        bool inside = true;
        for (Pt c : b.corners()) inside = inside && c.x >= kXa + 4 && c.x <= kXb - 4 && c.y >= kTop - 10;
        if (!inside) continue;
        Box grown = b;
        grown.hu += kMargin;
        grown.hn += kMargin;
        int h = 0;
        for (size_t j = 0; j < ch.arrows.size(); ++j)
          if (j != i && hits(ch.arrows[j].a, ch.arrows[j].b, grown)) ++h;
        for (const auto& [p, q] : ch.rules)
          if (hits(p, q, grown)) ++h;
        for (const Box& o : ch.boxes)
          if (overlap(grown, o)) ++h;
        const double overhang = std::max(0.0, hu - s) + std::max(0.0, s + hu - len);
        const double cost = 1000.0 * h + 2 * overhang + 0.05 * std::abs(s - pref) + (side < 0 ? 8 : 0);
        if (cost < best_cost) best_cost = cost, best = b, best_hits = h;
      }
    }
    if (best_cost == 1e18) {  // no place between the lifelines at all: centre it on the arrow
      best = Box{ar.a + d * 0.5 + n * (kGap + hn), u, hu, hn};
      best_hits = 1;
    }
    ch.collisions += best_hits > 0;
    ch.boxes.push_back(best);
    ar.at = best.c - best.n() * (hn - 3.5);  // the baseline: 3.5px above the box's lower edge
    ar.angle = std::atan2(u.y, u.x) * 180 / std::numbers::pi;
  }
}

// A lasso's loop, in the gutter left of the step numbers: a bracket from the loop's last row (y1)
// back up to its first (y0), ending in an arrowhead at that row's step number, labelled "repeats
// forever"; for a run that stays in its last state, a curved arrow out of that row's step number
// and back into it, labelled "stays here forever".
std::string loop_svg(const Trace& t, double y0, double y1, double row) {
  const bool stays = stays_forever(t);
  const std::string d = "M12 " + num(y1 + 4) +
                        (stays ? " C-30 " + num(y1 + 18) + " -30 " + num(y1 - 18) + " 12 " + num(y1 - 4)
                               : " H-24 V" + num(y0 - 4) + " H12");
  std::string out = "<g class=\"loop\">\n<path d=\"" + d + "\" class=\"loop\" marker-end=\"url(#loophead)\"/>\n";
  text_at(out, 6 - kGutter, y1 + row / 2 + 12, stays ? "stays here forever" : "repeats forever", "start", "loopnote");
  return out + "</g>\n";
}

// The line under a counterexample or witness that says what it shows.
std::string closing_note(const Trace& t, const SequenceChartOptions& opt, const std::string& last_step) {
  if (opt.witness) return "reached at step " + last_step + ": `" + opt.violated + "` is true in the state it reaches";
  if (t.loop_start) return "violation: a run that never satisfies `" + opt.violated + "`: " + loop_summary(t);
  return "violation at step " + last_step + ": " +
         (opt.stuck ? "no move is left and `" + opt.violated + "` is false in this end state"
                    : "`" + opt.violated + "` is false in the state it reaches");
}

Chart layout(const CompiledSystem& sys, const Trace& t, const SequenceChartOptions& opt, double row, double reach) {
  const ir::Model& m = sys.model();
  const int stride = sys.layout().seg_stride();
  const double xm = (kXa + kXb) / 2;
  Chart ch;
  auto lane_x = [&](int ep) { return ep == 0 ? kXa : kXb; };
  auto text = [&](double x, double y, const std::string& s, const char* anchor, const char* cls) {
    text_at(ch.texts, x, y, s, anchor, cls);
  };
  // A text between the lifelines that labels must keep clear of.
  auto obstacle_text = [&](double x, double y, const std::string& s, const char* anchor, const char* cls, double fs) {
    text(x, y, s, anchor, cls);
    ch.boxes.push_back(text_box(x, y, s, anchor, fs));
  };
  auto arrow = [&](Pt a, Pt b, const std::string& cls, const char* marker, const std::string& label) -> Arrow& {
    Arrow ar;
    ar.a = a, ar.b = b, ar.cls = cls, ar.marker = marker, ar.label = label;
    if (marker) {
      const Pt dir = (b - a) * (1 / norm(b - a));
      ch.boxes.push_back({b - dir * (kHeadLen / 2), dir, kHeadLen / 2 + 1, kHeadHalf + 1});
    }
    ch.arrows.push_back(ar);
    return ch.arrows.back();
  };
  auto lost = [&](Pt a, Pt b, const std::string& label) {
    Arrow& ar = arrow(a, b, "msg lost", nullptr, label);
    ar.extra.push_back(line_svg({b.x - 6, b.y - 6}, {b.x + 6, b.y + 6}, "cross", nullptr));
    ar.extra.push_back(line_svg({b.x - 6, b.y + 6}, {b.x + 6, b.y - 6}, "cross", nullptr));
    ch.boxes.push_back(axis_box(b.x - 7, b.y - 7, b.x + 7, b.y + 7));
  };

  std::vector<InFlight> flight;
  auto take = [&](int sender, const int32_t* seg) -> int {
    for (size_t i = 0; i < flight.size(); ++i)
      if (flight[i].sender == sender && std::memcmp(flight[i].seg.data(), seg, sizeof(int32_t) * (stride - 1)) == 0)
        return static_cast<int>(i);
    return -1;
  };

  text(kXa - 10, kTop - 8, state_name(sys, t.initial, 0), "end", "state");
  text(kXb + 10, kTop - 8, state_name(sys, t.initial, 1), "start", "state");
  const std::vector<int32_t>* prev = &t.initial;
  double y = kTop;
  double first_y = kTop - 12, last_y = first_y;  // the rows where a lasso's loop starts and ends
  std::string last_step;
  for (size_t i = 0, j = 0; i < t.steps.size(); i = j + 1) {
    j = row_end(t, i);
    const TraceStep& st = t.steps[j];
    const Label& l = st.label;
    y += row;
    if (t.loop_start == i) first_y = y;
    last_y = y;
    last_step = row_steps(i, j);
    // A counterexample marks its last step, and a lasso's the whole loop.
    const bool last = j + 1 == t.steps.size();
    const bool violation = !opt.violated.empty() && (last || (t.loop_start && i >= *t.loop_start));
    text(16, y + 4, last_step, "start", violation ? "step viol" : "step");
    if (violation)
      ch.back += "<rect x=\"0\" y=\"" + num(y - row / 2) + "\" width=\"" + num(kWidth) + "\" height=\"" + num(row) +
                 "\" class=\"violband\"/>\n";
    if (violation && last) text(16, y + 15, opt.witness ? "reached" : "violation", "start", "violtag");
    switch (l.kind) {
      case Label::Kind::Recv:
      case Label::Kind::Unhandled: {
        const int sender = 1 - l.ep;
        const int k = take(sender, l.seg);
        const Pt from = k >= 0 ? flight[k].from : Pt{lane_x(sender), y - row / 2};
        const bool dup = k >= 0 && flight[k].dup;
        arrow(from, {lane_x(l.ep), y}, dup ? "msg dup" : "msg", "head",
              !dup || l.kind == Label::Kind::Unhandled
                  ? format_segment(m, l.seg) + (l.kind == Label::Kind::Unhandled ? " (discarded)" : "")
                  : "");
        if (k >= 0) flight.erase(flight.begin() + k);
        break;
      }
      case Label::Kind::Loss: {
        const int k = take(l.ep, l.seg);
        const Pt from = k >= 0 ? flight[k].from : Pt{lane_x(l.ep), y - row / 2};
        lost(from, {xm, y}, format_segment(m, l.seg) + " lost");
        if (k >= 0) flight.erase(flight.begin() + k);
        break;
      }
      case Label::Kind::Dup: {
        ch.lines += "<circle cx=\"" + num(xm) + "\" cy=\"" + num(y) + "\" r=\"4\" class=\"dupdot\"/>\n";
        ch.boxes.push_back(axis_box(xm - 5, y - 5, xm + 5, y + 5));
        obstacle_text(xm, y - 8, "dup " + format_segment(m, l.seg), "middle", "note", 12);
        flight.push_back({std::vector<int32_t>(l.seg, l.seg + stride), l.ep, {xm, y}, true});
        break;
      }
      case Label::Kind::Tick: {
        ch.lines += line_svg({kXa, y}, {kXb, y}, "tick", nullptr);
        ch.rules.push_back({{kXa, y}, {kXb, y}});
        obstacle_text(xm, y - 4, j > i ? std::to_string(j - i + 1) + " ticks" : "tick", "middle", "ticklabel", 10);
        // Segments the tick dropped: in flight before, gone after, not received.
        for (size_t k = 0; k < flight.size();) {
          const InFlight& f = flight[k];
          const int chan = f.sender;
          bool present = false;
          const int count = st.state[sys.layout().chan_count(chan)];
          for (int p = 0; p < count && !present; ++p)
            present = std::memcmp(st.state.data() + sys.layout().seg_base(chan, p), f.seg.data(),
                                  sizeof(int32_t) * (stride - 1)) == 0;
          if (!present) {
            lost(f.from, {xm, y}, format_segment(m, f.seg.data()) + " expired");
            flight.erase(flight.begin() + k);
          } else {
            ++k;
          }
        }
        break;
      }
      case Label::Kind::Call:
      case Label::Kind::Timeout: {
        std::string what = describe_event(sys, l).substr(2);
        size_t semi = what.find(';');
        if (semi != std::string::npos) what = what.substr(0, semi);
        if (l.ep == 0)
          text(kXa - 10, y + 4, what, "end", "note");
        else
          text(kXb + 10, y + 4, what, "start", "note");
        break;
      }
    }
    if (l.kind == Label::Kind::Call || l.kind == Label::Kind::Recv || l.kind == Label::Kind::Timeout)
      for (int k = 0; k < l.nsent; ++k) {
        if (l.overflow & (1u << k)) {  // dropped at once: the network was full
          lost({lane_x(l.ep), y}, {xm, y + row / 2}, format_segment(m, l.sent[k]) + " lost (full)");
          continue;
        }
        flight.push_back({std::vector<int32_t>(l.sent[k], l.sent[k] + stride), l.ep, {lane_x(l.ep), y}, false});
      }
    std::string na = state_name(sys, st.state, 0), nb = state_name(sys, st.state, 1);
    if (na != state_name(sys, *prev, 0)) text(kXa - 10, y + 18, na, "end", "state");
    if (nb != state_name(sys, *prev, 1)) text(kXb + 10, y + 18, nb, "start", "state");
    prev = &st.state;
  }
  // Segments still in flight at the end: arrows that stop in the air below the last row, three
  // quarters of the way over, one below the other.
  double bottom = y + row;
  for (size_t k = 0; k < flight.size(); ++k) {
    const InFlight& f = flight[k];
    const double tip_y = y + row * 0.7 + 18 * static_cast<double>(k);
    const double tip_x = f.from.x + reach * (lane_x(1 - f.sender) - f.from.x);
    arrow(f.from, {tip_x, tip_y}, "msg inflight", "headgrey", f.dup ? "" : format_segment(m, f.seg.data()));
    if (f.sender == 0)
      obstacle_text(tip_x + 6, tip_y + 4, "in flight", "start", "inflight", 10);
    else
      obstacle_text(tip_x - 6, tip_y + 4, "in flight", "end", "inflight", 10);
    bottom = std::max(bottom, tip_y + 20);
  }
  if (t.loop_start) {
    ch.lines += loop_svg(t, first_y, last_y, row);
    bottom = std::max(bottom, last_y + row / 2 + 20);  // below the loop's label
  }
  if (!opt.violated.empty()) {
    bottom += 16;
    text(16, bottom, closing_note(t, opt, last_step), "start", "violnote");
  }
  ch.height = bottom + 16;
  place_labels(ch);
  return ch;
}

}  // namespace

std::string trace_to_svg(const CompiledSystem& sys, const Trace& t, const std::string& title,
                         const SequenceChartOptions& options) {
  // Rows grow until every label has a free place (or stop growing at 70px); at each height the
  // arrows still in flight at the end may reach three quarters of the way over, or less, or more.
  std::optional<Chart> ch;
  for (double row = 34; row <= 70 && !(ch && ch->collisions == 0); row += 6)
    for (double reach : {0.75, 0.6, 0.9}) {
      Chart c = layout(sys, t, options, row, reach);
      if (!ch || c.collisions < ch->collisions) ch = std::move(c);
      if (ch->collisions == 0) break;
    }
  // A lasso's picture is wider on the left, where its loop is drawn (at negative x).
  const double left = t.loop_start ? -kGutter : 0;
  const std::string w = num(kWidth - left), h = num(ch->height);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                    "\" viewBox=\"" + num(left) + " 0 " + w + " " + h + "\">\n";
  svg +=
      "<style>text{font-family:monospace;font-size:12px}.title{font-size:14px;font-weight:bold}"
      ".state{fill:#1f4e9a;font-weight:bold}.note{fill:#555}"
      ".seg{fill:#000;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}.step{fill:#999}"
      ".ticklabel{fill:#999;font-size:10px}.inflight{fill:#777;font-size:10px;font-style:italic}"
      ".viol{fill:#c00000;font-weight:bold}.violtag{fill:#c00000;font-size:10px;font-weight:bold}"
      ".violnote{fill:#c00000}.violband{fill:#fde8e8}"
      "line.life{stroke:#333;stroke-width:2}"
      "line.msg{stroke:#000;stroke-width:1.3}line.dup{stroke-dasharray:6 3}"
      "line.lost{stroke:#b00;stroke-dasharray:4 3}line.inflight{stroke:#777;stroke-dasharray:5 3}"
      "line.cross{stroke:#b00;stroke-width:2.5}line.tick{stroke:#ccc;stroke-dasharray:1 4}"
      ".dupdot{fill:#b60}";
  if (t.loop_start) svg += "path.loop{fill:none;stroke:#6a3d9a;stroke-width:1.5}.loopnote{fill:#6a3d9a;font-style:italic}";
  svg += "</style>\n";
  svg +=
      "<defs><marker id=\"head\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" orient=\"auto\">"
      "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#000\"/></marker>"
      "<marker id=\"headgrey\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" orient=\"auto\">"
      "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#777\"/></marker>";
  if (t.loop_start)
    svg += "<marker id=\"loophead\" markerWidth=\"8\" markerHeight=\"6\" refX=\"8\" refY=\"3\" orient=\"auto\">"
           "<path d=\"M0,0 L8,3 L0,6 z\" fill=\"#6a3d9a\"/></marker>";
  svg += "</defs>\n";
  svg += "<rect" + (t.loop_start ? " x=\"" + num(left) + "\"" : std::string()) + " width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += ch->back;
  text_at(svg, kWidth / 2, 22, title, "middle", "title");
  text_at(svg, kXa, 50, "A", "middle", "title");
  text_at(svg, kXb, 50, "B", "middle", "title");
  const double life_end = ch->height - (options.violated.empty() ? 10 : 30);
  svg += line_svg({kXa, 58}, {kXa, life_end}, "life", nullptr);
  svg += line_svg({kXb, 58}, {kXb, life_end}, "life", nullptr);
  svg += ch->lines;
  for (const Arrow& ar : ch->arrows) {
    svg += "<g class=\"segment\">\n" + line_svg(ar.a, ar.b, ar.cls, ar.marker);
    for (const auto& e : ar.extra) svg += e;
    if (!ar.label.empty())
      svg += "<text x=\"" + num(ar.at.x) + "\" y=\"" + num(ar.at.y) + "\" transform=\"rotate(" + num(ar.angle) + " " +
             num(ar.at.x) + " " + num(ar.at.y) + ")\" text-anchor=\"middle\" class=\"seg\">" + esc(ar.label) +
             "</text>\n";
    svg += "</g>\n";
  }
  return svg + ch->texts + "</svg>\n";
}

}  // namespace tcpmc
