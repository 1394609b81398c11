#include "svg_sequence.hpp"

#include <cstring>
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

struct InFlight {
  std::vector<int32_t> seg;  // fields + age at send
  int sender;
  double x0, y0;             // where its arrow starts
  bool dup;
  int nth;                   // its index among the segments sent in the same step (label offset)
};

}  // namespace

std::string trace_to_svg(const CompiledSystem& sys, const Trace& t, const std::string& title) {
  const ir::Model& m = sys.model();
  const int stride = sys.layout().seg_stride();
  // Lanes leave room on the left for step numbers and A's notes, on the right for B's.
  const double width = 900, xa = 250, xb = 700, top = 80, row = 34;
  // Consecutive ticks fold into one row (nothing else happens between them).
  auto run_end = [&](size_t i) {
    size_t j = i;
    while (t.steps[i].label.kind == Label::Kind::Tick && j + 1 < t.steps.size() &&
           t.steps[j + 1].label.kind == Label::Kind::Tick)
      ++j;
    return j;
  };
  size_t rows = 0;
  for (size_t i = 0; i < t.steps.size(); i = run_end(i) + 1) ++rows;
  const double height = top + row * (rows + 2) + 20;
  std::string body;
  auto text = [&](double x, double y, const std::string& s, const char* anchor, const char* cls) {
    body += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" text-anchor=\"" + anchor +
            "\" class=\"" + cls + "\">" + esc(s) + "</text>\n";
  };
  auto line = [&](double x1, double y1, double x2, double y2, const char* cls, bool arrow) {
    body += "<line x1=\"" + std::to_string(x1) + "\" y1=\"" + std::to_string(y1) + "\" x2=\"" + std::to_string(x2) +
            "\" y2=\"" + std::to_string(y2) + "\" class=\"" + cls + "\"" + (arrow ? " marker-end=\"url(#head)\"" : "") +
            "/>\n";
  };
  auto cross = [&](double x, double y) {
    line(x - 6, y - 6, x + 6, y + 6, "cross", false);
    line(x - 6, y + 6, x + 6, y - 6, "cross", false);
  };
  // A segment's label sits at the start of its arrow, just above it, on the side it travels to:
  // every step starts its own arrows, so labels of different steps never share a line.
  auto label_on = [&](double x1, double y1, double x2, int nth, const std::string& s) {
    const double y = y1 - 5 - 13 * nth;
    if (x2 >= x1)
      text(x1 + 8, y, s, "start", "seg");
    else
      text(x1 - 8, y, s, "end", "seg");
  };
  auto lane_x = [&](int ep) { return ep == 0 ? xa : xb; };

  std::vector<InFlight> flight;
  auto take = [&](int sender, const int32_t* seg, bool match_age) -> int {
    for (size_t i = 0; i < flight.size(); ++i)
      if (flight[i].sender == sender && std::memcmp(flight[i].seg.data(), seg, sizeof(int32_t) * (stride - 1)) == 0)
        return static_cast<int>(i);
    (void)match_age;
    return -1;
  };

  std::string sa = state_name(sys, t.initial, 0), sb = state_name(sys, t.initial, 1);
  text(xa - 10, top - 8, sa, "end", "state");
  text(xb + 10, top - 8, sb, "start", "state");
  const std::vector<int32_t>* prev = &t.initial;
  size_t r = 0;
  for (size_t i = 0, j = 0; i < t.steps.size(); i = j + 1) {
    j = run_end(i);
    const TraceStep& st = t.steps[j];
    const Label& l = st.label;
    const double y = top + row * static_cast<double>(++r);
    text(16, y + 4, j > i ? std::to_string(i + 1) + "-" + std::to_string(j + 1) : std::to_string(i + 1), "start",
         "step");
    switch (l.kind) {
      case Label::Kind::Recv:
      case Label::Kind::Unhandled: {
        int sender = 1 - l.ep;
        int k = take(sender, l.seg, true);
        double x0 = k >= 0 ? flight[k].x0 : lane_x(sender), y0 = k >= 0 ? flight[k].y0 : y - row / 2;
        const bool dup = k >= 0 && flight[k].dup;
        line(x0, y0, lane_x(l.ep), y, dup ? "msg dup" : "msg", true);
        if (!dup || l.kind == Label::Kind::Unhandled)
          label_on(x0, y0, lane_x(l.ep), k >= 0 ? flight[k].nth : 0,
                   format_segment(m, l.seg) + (l.kind == Label::Kind::Unhandled ? " (discarded)" : ""));
        if (k >= 0) flight.erase(flight.begin() + k);
        break;
      }
      case Label::Kind::Loss: {
        int k = take(l.ep, l.seg, true);
        double x0 = k >= 0 ? flight[k].x0 : lane_x(l.ep), y0 = k >= 0 ? flight[k].y0 : y - row / 2;
        double xm = (xa + xb) / 2;
        line(x0, y0, xm, y, "msg lost", false);
        cross(xm, y);
        label_on(x0, y0, xm, k >= 0 ? flight[k].nth : 0, format_segment(m, l.seg) + " lost");
        if (k >= 0) flight.erase(flight.begin() + k);
        break;
      }
      case Label::Kind::Dup: {
        double xm = (xa + xb) / 2;
        body += "<circle cx=\"" + std::to_string(xm) + "\" cy=\"" + std::to_string(y) + "\" r=\"4\" class=\"dupdot\"/>\n";
        text(xm, y - 8, "dup " + format_segment(m, l.seg), "middle", "note");
        InFlight f{std::vector<int32_t>(l.seg, l.seg + stride), l.ep, xm, y, true, 0};
        flight.push_back(f);
        break;
      }
      case Label::Kind::Tick: {
        line(xa, y, xb, y, "tick", false);
        text((xa + xb) / 2, y - 4, j > i ? std::to_string(j - i + 1) + " ticks" : "tick", "middle", "ticklabel");
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
            double xm = (xa + xb) / 2;
            line(f.x0, f.y0, xm, y, "msg lost", false);
            cross(xm, y);
            label_on(f.x0, f.y0, xm, f.nth, format_segment(m, f.seg.data()) + " expired");
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
          text(xa - 10, y + 4, what, "end", "note");
        else
          text(xb + 10, y + 4, what, "start", "note");
        break;
      }
    }
    if (l.kind == Label::Kind::Call || l.kind == Label::Kind::Recv || l.kind == Label::Kind::Timeout)
      for (int k = 0; k < l.nsent; ++k) {
        if (l.overflow & (1u << k)) {  // dropped at once: the network was full
          double xm = (xa + xb) / 2;
          line(lane_x(l.ep), y, xm, y + row / 2, "msg lost", false);
          cross(xm, y + row / 2);
          label_on(lane_x(l.ep), y, xm, k, format_segment(m, l.sent[k]) + " lost (full)");
          continue;
        }
        flight.push_back({std::vector<int32_t>(l.sent[k], l.sent[k] + stride), l.ep, lane_x(l.ep), y, false, k});
      }
    std::string na = state_name(sys, st.state, 0), nb = state_name(sys, st.state, 1);
    if (na != state_name(sys, *prev, 0)) text(xa - 10, y + 18, na, "end", "state");
    if (nb != state_name(sys, *prev, 1)) text(xb + 10, y + 18, nb, "start", "state");
    prev = &st.state;
  }
  // Segments still in flight at the end of the trace.
  const double yend = top + row * static_cast<double>(rows + 1);
  for (const auto& f : flight) {
    double xm = (xa + xb) / 2 + (f.sender == 0 ? -40 : 40);
    line(f.x0, f.y0, xm, yend, "msg pending", false);
    if (!f.dup) label_on(f.x0, f.y0, xm, f.nth, format_segment(m, f.seg.data()) + " in flight");
  }

  const std::string w = std::to_string(static_cast<int>(width));
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + std::to_string(height) +
                    "\" viewBox=\"0 0 " + w + " " + std::to_string(height) + "\">\n";
  svg += "<style>text{font-family:monospace;font-size:12px}.title{font-size:14px;font-weight:bold}"
         ".state{fill:#1f4e9a;font-weight:bold}.note{fill:#555}.seg{fill:#000;paint-order:stroke;stroke:#fff;stroke-width:3px}.step{fill:#999}"
         ".ticklabel{fill:#999;font-size:10px}line.life{stroke:#333;stroke-width:2}"
         "line.msg{stroke:#000;stroke-width:1.3}line.dup{stroke-dasharray:6 3}"
         "line.lost{stroke:#b00;stroke-dasharray:4 3}line.pending{stroke:#888;stroke-dasharray:2 3}"
         "line.cross{stroke:#b00;stroke-width:2.5}line.tick{stroke:#ccc;stroke-dasharray:1 4}"
         ".dupdot{fill:#b60}</style>\n";
  svg += "<defs><marker id=\"head\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" orient=\"auto\">"
         "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#000\"/></marker></defs>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + std::to_string(width / 2) + "\" y=\"22\" text-anchor=\"middle\" class=\"title\">" + esc(title) +
         "</text>\n";
  svg += "<text x=\"" + std::to_string(xa) + "\" y=\"50\" text-anchor=\"middle\" class=\"title\">A</text>\n";
  svg += "<text x=\"" + std::to_string(xb) + "\" y=\"50\" text-anchor=\"middle\" class=\"title\">B</text>\n";
  svg += "<line x1=\"" + std::to_string(xa) + "\" y1=\"58\" x2=\"" + std::to_string(xa) + "\" y2=\"" +
         std::to_string(height - 10) + "\" class=\"life\"/>\n";
  svg += "<line x1=\"" + std::to_string(xb) + "\" y1=\"58\" x2=\"" + std::to_string(xb) + "\" y2=\"" +
         std::to_string(height - 10) + "\" class=\"life\"/>\n";
  return svg + body + "</svg>\n";
}

}  // namespace tcpmc
