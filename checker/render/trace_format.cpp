#include "trace_format.hpp"

#include <algorithm>
#include <cstdio>

namespace tcpmc {

static char flag_letter(const std::string& name) {
  if (name == "ACK") return '.';
  if (name == "CWR") return 'W';
  return name.empty() ? '?' : name[0];
}

std::string segment_flags(const ir::Model& m, const int32_t* seg) {
  std::string out = "[";
  bool ack = false;
  for (size_t f = 0; f < m.seg_fields.size(); ++f) {
    if (!m.seg_fields[f].is_flag || !seg[f]) continue;
    if (m.seg_fields[f].name == "ACK") {
      ack = true;
      continue;
    }
    out += flag_letter(m.seg_fields[f].name);
  }
  if (ack) out += '.';
  if (out.size() == 1) out += "none";
  return out + "]";
}

// `raw` as held in a slot, segment field or parameter of type t (a 32-bit seq as its bit pattern).
static std::string value_text(const ir::Model& m, const ir::Type& t, int32_t raw) {
  const int64_t v = typed_value(t, raw);
  if (t.kind == ir::Type::Kind::Bool) return v ? "true" : "false";
  if (t.kind == ir::Type::Kind::Enum && t.enum_id >= 0 && v >= 0 &&
      v < static_cast<int64_t>(m.enums[t.enum_id].members.size()))
    return m.enums[t.enum_id].members[v];
  if (t.kind == ir::Type::Kind::Endpoint) return v == 0 ? "A" : "B";
  return std::to_string(v);
}

std::string format_segment(const ir::Model& m, const int32_t* seg) {
  std::string out = segment_flags(m, seg);
  std::string ghost;
  bool has_ack_flag = false;
  for (size_t f = 0; f < m.seg_fields.size(); ++f)
    if (m.seg_fields[f].is_flag && m.seg_fields[f].name == "ACK" && seg[f]) has_ack_flag = true;
  for (size_t f = 0; f < m.seg_fields.size(); ++f) {
    const auto& sf = m.seg_fields[f];
    if (sf.is_flag) continue;
    // tcpdump shows ack= only on segments with ACK, len= only when non-zero.
    if (sf.name == "ack" && !has_ack_flag && seg[f] == 0) continue;
    // Other fields, ghost tags included, only when non-zero (an untagged segment reads cleanly).
    if (sf.name != "seq" && sf.name != "ack" && seg[f] == 0) continue;
    std::string item = sf.name + "=" + value_text(m, sf.type, seg[f]);
    if (sf.ghost)
      ghost += (ghost.empty() ? "" : " ") + item;
    else
      out += " " + item;
  }
  if (!ghost.empty()) out += " (" + ghost + ")";
  return out;
}

std::string channel_name(int sender) { return sender == 0 ? "A→B" : "B→A"; }

std::string rule_name(const CompiledSystem& sys, const Label& l) {
  if (l.inst < 0) return "";
  return sys.model().rules[sys.instances()[l.inst].rule].name;
}

std::string describe_event(const CompiledSystem& sys, const Label& l) {
  const ir::Model& m = sys.model();
  const char* ep = l.ep == 0 ? "A" : "B";
  std::string out;
  switch (l.kind) {
    case Label::Kind::Call: {
      const ir::Rule& r = m.rules[sys.instances()[l.inst].rule];
      out = std::string(ep) + " " + r.name;
      if (!r.params.empty()) {
        out += "(";
        for (size_t i = 0; i < r.params.size(); ++i)
          out += (i ? ", " : "") + r.params[i].name + "=" + value_text(m, r.params[i].type, l.params[i]);
        out += ")";
      }
      break;
    }
    case Label::Kind::Recv:
      out = std::string(ep) + " recv " + format_segment(m, l.seg);
      break;
    case Label::Kind::Unhandled:
      out = std::string(ep) + " discards " + format_segment(m, l.seg) + " (no rule takes it)";
      break;
    case Label::Kind::Timeout:
      out = std::string(ep) + " timeout " + m.rules[sys.instances()[l.inst].rule].name;
      break;
    case Label::Kind::Loss:
      out = "network loses " + channel_name(l.ep) + " " + format_segment(m, l.seg);
      break;
    case Label::Kind::Dup:
      out = "network duplicates " + channel_name(l.ep) + " " + format_segment(m, l.seg);
      break;
    case Label::Kind::Tick:
      out = "tick";
      break;
  }
  if (l.kind == Label::Kind::Call || l.kind == Label::Kind::Recv || l.kind == Label::Kind::Timeout)
    for (int i = 0; i < l.nsent; ++i) {
      out += "; sends " + channel_name(l.ep) + " " + format_segment(m, l.sent[i]);
      if (l.overflow & (1u << i)) out += " (lost: network full)";
    }
  return out;
}

std::string describe_error_site(const CompiledSystem& sys, const ModelError& e) {
  if (e.property >= 0) return "evaluating property '" + sys.model().properties[e.property].name + "'";
  return describe_event(sys, e.label);
}

std::string state_name(const CompiledSystem& sys, const std::vector<int32_t>& state, int ep) {
  const auto& members = sys.model().state_enum().members;
  int v = state[sys.state_slot(ep)];
  return v >= 0 && v < static_cast<int>(members.size()) ? members[v] : "?";
}

std::string format_channel(const CompiledSystem& sys, const std::vector<int32_t>& state, int sender) {
  const StateLayout& L = sys.layout();
  int count = state[L.chan_count(sender)];
  std::string out = "{";
  for (int p = 0; p < count; ++p) {
    if (p) out += ", ";
    const int32_t* seg = state.data() + L.seg_base(sender, p);
    out += format_segment(sys.model(), seg);
    out += " @" + std::to_string(seg[L.seg_stride() - 1]);
  }
  return out + "}";
}

static size_t display_width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}

static std::string pad(const std::string& s, size_t width) {
  size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

// A table cell: padded to `width` columns, and two spaces before the next column even when wider.
static std::string cell(const std::string& s, size_t width) {
  return display_width(s) + 2 > width ? s + "  " : pad(s, width);
}

size_t row_end(const Trace& t, size_t i) {
  size_t j = i;
  while (t.steps[i].label.kind == Label::Kind::Tick && j + 1 < t.steps.size() &&
         t.steps[j + 1].label.kind == Label::Kind::Tick && t.loop_start != j + 1)
    ++j;
  return j;
}

std::string row_steps(size_t i, size_t j) {
  return j > i ? std::to_string(i + 1) + "-" + std::to_string(j + 1) : std::to_string(i + 1);
}

static std::string count_steps(size_t n) { return std::to_string(n) + (n == 1 ? " step" : " steps"); }

bool stays_forever(const Trace& t) { return *t.loop_start == t.steps.size(); }

std::string lasso_shape(const Trace& t) {
  const size_t start = *t.loop_start, n = t.steps.size();
  if (stays_forever(t))
    return n == 0 ? loop_summary(t) : count_steps(n) + ", then no move is possible: the run stays in its last state forever";
  const std::string loop = "a loop of " + count_steps(n - start) + " (" + row_steps(start, n - 1) + ")";
  return start == 0 ? loop + " from the initial state that repeats forever"
                    : count_steps(start) + " to the loop, then " + loop + " that repeats forever";
}

std::string loop_summary(const Trace& t) {
  const size_t start = *t.loop_start, n = t.steps.size();
  if (stays_forever(t))
    return n == 0 ? "no move is possible: the run stays in its initial state forever"
                  : "no move is possible after step " + std::to_string(n) + ": the run stays there forever";
  return n - start == 1 ? "step " + std::to_string(n) + " repeats forever"
                        : "steps " + row_steps(start, n - 1) + " repeat forever";
}

// Where the last step of a lasso's (non-empty) loop leads.
static std::string loop_back(const Trace& t) {
  return "back to the state before step " + std::to_string(*t.loop_start + 1) + ": repeats forever";
}

// The table's closing line for a lasso ("" for a finite run).
static std::string table_loop_end(const Trace& t) {
  if (!t.loop_start) return "";
  return pad("", 6) + "-- " + (stays_forever(t) ? "no move is possible: stays here forever" : loop_back(t)) + " --\n";
}

std::string format_state_values(const CompiledSystem& sys, const std::vector<int32_t>& state) {
  const ir::Model& m = sys.model();
  const StateLayout& L = sys.layout();
  std::string out;
  for (int ep = 0; ep < 2; ++ep) {
    std::string line = std::string(ep == 0 ? "A: " : "B: ") + state_name(sys, state, ep), ghost;
    for (size_t v = 0; v < m.endpoint_vars.size(); ++v) {
      if (static_cast<int>(v) == m.state_var) continue;
      const auto& var = m.endpoint_vars[v];
      const std::string item = var.name + "=" + value_text(m, var.type, state[L.ep_var(ep, static_cast<int>(v))]);
      if (var.ghost)
        ghost += (ghost.empty() ? "" : " ") + item;
      else
        line += "  " + item;
    }
    if (!ghost.empty()) line += "  (" + ghost + ")";
    for (size_t k = 0; k < m.timers.size(); ++k) {
      const int32_t x = state[L.timer(ep, static_cast<int>(k))];
      line += "  " + m.timers[k].name + ": " +
              (x == kTimerStopped   ? std::string("stopped")
               : x == kTimerExpired ? std::string("expired")
                                    : std::to_string(x - kTimerBias) + " ticks left");
    }
    out += line + "\n";
  }
  if (!m.global_vars.empty()) {
    std::string line = "ghost:";
    for (size_t g = 0; g < m.global_vars.size(); ++g)
      line += " " + m.global_vars[g].name + "=" +
              value_text(m, m.global_vars[g].type, state[L.global_var(static_cast<int>(g))]);
    out += line + "\n";
  }
  return out;
}

std::string format_trace_table(const CompiledSystem& sys, const Trace& t) {
  struct Row {
    std::string step, event, a, b, net;
  };
  std::vector<Row> rows;
  auto net = [&](const std::vector<int32_t>& st) { return format_channel(sys, st, 0) + " / " + format_channel(sys, st, 1); };
  rows.push_back({"0", t.from_arbitrary_state ? "any state satisfying the assumptions" : "initial state",
                  state_name(sys, t.initial, 0), state_name(sys, t.initial, 1), net(t.initial)});
  size_t loop_row = 0;  // the row the loop starts at (0: none, row 0 being the initial state)
  for (size_t i = 0, j = 0; i < t.steps.size(); i = j + 1) {
    j = row_end(t, i);
    if (t.loop_start == i) loop_row = rows.size();
    const auto& s = t.steps[j];
    std::string event = j > i ? std::to_string(j - i + 1) + " ticks" : describe_event(sys, s.label);
    rows.push_back({row_steps(i, j), event, state_name(sys, s.state, 0), state_name(sys, s.state, 1), net(s.state)});
  }
  size_t we = 5, wa = 1, wb = 1;
  for (const auto& r : rows) {
    we = std::max(we, display_width(r.event));
    wa = std::max(wa, display_width(r.a));
    wb = std::max(wb, display_width(r.b));
  }
  we = std::min<size_t>(we, 72);
  std::string out = pad("step", 6) + pad("event", we + 2) + pad("A", wa + 2) + pad("B", wb + 2) + "in flight A→B / B→A\n";
  for (size_t k = 0; k < rows.size(); ++k) {
    const Row& r = rows[k];
    if (k == loop_row && k > 0) out += pad("", 6) + "-- loop: the steps below repeat forever --\n";
    out += cell(r.step, 6) + cell(r.event, we + 2) + cell(r.a, wa + 2) + cell(r.b, wb + 2) + r.net + "\n";
    if (k == 0 && t.from_arbitrary_state) {  // not the initial state: every value matters
      const std::string full = format_state_values(sys, t.initial);
      for (size_t b = 0, e; b < full.size(); b = e + 1) {
        e = full.find('\n', b);
        out += pad("", 6) + full.substr(b, e - b) + "\n";
      }
    }
  }
  out += table_loop_end(t);
  if (t.error) out += pad("", 6) + "model error in the next step: " + describe_error_site(sys, *t.error) + "\n";
  return out;
}

// The sequence chart: a left margin of `lw` columns (step number and A's state), A's lifeline,
// kLane columns, B's lifeline, then B's state and notes.
static constexpr size_t kLane = 44;

// A lane holding `text` centred.
static std::string centred_lane(const std::string& text) {
  std::string lane = std::string((kLane - display_width(text)) / 2, ' ') + text;
  return lane + std::string(kLane - display_width(lane), ' ');
}

// A lane holding an arrow labelled `text` that ends in `end`. `leaving`: drawn from the sender's
// lifeline to the middle; else from the middle to the receiver.
static std::string arrow_lane(const std::string& text, bool rightward, bool leaving, char end) {
  const std::string body = " " + text + " ";
  const size_t half = kLane / 2, w = display_width(body);
  std::string seg;
  if (w + 4 > half) {
    seg = "--" + body + "-";
  } else {
    seg = std::string((half - w) / 2, '-') + body;
    seg += std::string(half - display_width(seg) - 1, '-');
  }
  const std::string piece = rightward ? seg + end : end + seg;
  const std::string fill(kLane > display_width(piece) ? kLane - display_width(piece) : 0, ' ');
  return rightward == leaving ? piece + fill : fill + piece;
}

// The chart's lines for the row of steps i..j (consecutive ticks when j > i): the event's line,
// then one line per segment the step sent, leaving the actor's lifeline.
static void chart_row(const CompiledSystem& sys, const Trace& t, size_t i, size_t j, const std::vector<int32_t>& prev,
                      size_t lw, std::vector<std::string>& lines) {
  const ir::Model& m = sys.model();
  const auto& s = t.steps[j];
  const Label& l = s.label;
  const std::string sa = state_name(sys, s.state, 0), sb = state_name(sys, s.state, 1);
  const std::string left = sa != state_name(sys, prev, 0) ? sa : "";
  const std::string right = sb != state_name(sys, prev, 1) ? sb : "";
  std::string lane, note;
  switch (l.kind) {
    case Label::Kind::Recv:
    case Label::Kind::Unhandled:
      lane = arrow_lane(format_segment(m, l.seg), l.ep == 1, false, l.ep == 1 ? '>' : '<');
      if (l.kind == Label::Kind::Unhandled) note = "(discarded)";
      break;
    case Label::Kind::Loss:
      lane = arrow_lane(format_segment(m, l.seg) + " lost", l.ep == 0, true, 'X');
      break;
    case Label::Kind::Dup:
      lane = arrow_lane(format_segment(m, l.seg) + " duplicated", l.ep == 0, true, '+');
      break;
    case Label::Kind::Tick:
      lane = centred_lane("(" + (j > i ? std::to_string(j - i + 1) + " ticks" : std::string("tick")) + ")");
      break;
    case Label::Kind::Call:
    case Label::Kind::Timeout: {
      std::string what = describe_event(sys, l);
      what = what.substr(2);  // drop "A " / "B "
      size_t semi = what.find(';');
      if (semi != std::string::npos) what = what.substr(0, semi);
      note = (l.ep == 0 ? "A: " : "B: ") + what;
      lane = std::string(kLane, ' ');
      break;
    }
  }
  std::string line = pad("[" + row_steps(i, j) + "] " + left, lw) + "|" + lane + "|" + (right.empty() ? "" : " " + right);
  if (!note.empty()) line += "   " + note;
  lines.push_back(line);
  if (l.kind != Label::Kind::Call && l.kind != Label::Kind::Recv && l.kind != Label::Kind::Timeout) return;
  for (int k = 0; k < l.nsent; ++k) {
    const bool dropped = (l.overflow >> k) & 1u;
    lines.push_back(pad("", lw) + "|" +
                    arrow_lane(format_segment(m, l.sent[k]) + (dropped ? " lost (full)" : ""), l.ep == 0, true,
                               dropped ? 'X' : (l.ep == 0 ? '>' : '<')) +
                    "|");
  }
}

// The chart's lines, with a lasso's loop drawn in a left margin: an arrow from the loop's last
// line back up to its first (line `first`), closed by a line that says where the run goes on.
static std::string with_loop_margin(const std::vector<std::string>& lines, size_t first, const Trace& t) {
  std::string out;
  for (size_t k = 0; k < lines.size(); ++k) out += (k < first ? "    " : k == first ? ".-> " : "|   ") + lines[k] + "\n";
  return out + "'-- " + loop_back(t) + "\n";
}

std::string format_sequence_chart(const CompiledSystem& sys, const Trace& t) {
  size_t lw = 10;  // the left margin: step number and A's state
  for (const auto& name : sys.model().state_enum().members) lw = std::max(lw, name.size() + 8);
  std::vector<std::string> lines;
  lines.push_back(pad("", lw) + "A" + std::string(kLane, ' ') + "B");
  lines.push_back(pad(state_name(sys, t.initial, 0), lw) + "|" + std::string(kLane, ' ') + "| " +
                  state_name(sys, t.initial, 1));
  size_t loop_line = 0;  // the line the loop starts at
  const std::vector<int32_t>* prev = &t.initial;
  for (size_t i = 0, j = 0; i < t.steps.size(); i = j + 1) {
    j = row_end(t, i);
    if (t.loop_start == i) loop_line = lines.size();
    chart_row(sys, t, i, j, *prev, lw, lines);
    prev = &t.steps[j].state;
  }
  if (t.loop_start && !stays_forever(t)) return with_loop_margin(lines, loop_line, t);
  if (t.loop_start) lines.push_back(pad("", lw) + "|" + centred_lane("(no move is possible: stays here forever)") + "|");
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

std::string format_final_values(const CompiledSystem& sys, const Trace& t) {
  const ir::Model& m = sys.model();
  const StateLayout& L = sys.layout();
  const auto& st = t.final_state();
  std::string out;
  for (int ep = 0; ep < 2; ++ep)
    for (size_t v = 0; v < m.endpoint_vars.size(); ++v) {
      if (static_cast<int>(v) == m.state_var) continue;
      int slot = L.ep_var(ep, static_cast<int>(v));
      out += (out.empty() ? "" : "  ") + L.slot(slot).name + "=" + value_text(m, m.endpoint_vars[v].type, st[slot]);
    }
  for (size_t g = 0; g < m.global_vars.size(); ++g) {
    int slot = L.global_var(static_cast<int>(g));
    out += (out.empty() ? "" : "  ") + m.global_vars[g].name + "=" + value_text(m, m.global_vars[g].type, st[slot]);
  }
  return out;
}

}  // namespace tcpmc
