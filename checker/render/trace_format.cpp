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

static std::string value_text(const ir::Model& m, const ir::Type& t, int64_t v) {
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

std::string format_trace_table(const CompiledSystem& sys, const Trace& t) {
  struct Row {
    std::string step, event, a, b, net;
  };
  std::vector<Row> rows;
  auto net = [&](const std::vector<int32_t>& st) { return format_channel(sys, st, 0) + " / " + format_channel(sys, st, 1); };
  rows.push_back({"0", "initial state", state_name(sys, t.initial, 0), state_name(sys, t.initial, 1), net(t.initial)});
  for (size_t i = 0; i < t.steps.size(); ++i) {
    // Consecutive ticks fold into one row: only the time that passed matters to the reader.
    size_t j = i;
    while (t.steps[i].label.kind == Label::Kind::Tick && j + 1 < t.steps.size() &&
           t.steps[j + 1].label.kind == Label::Kind::Tick)
      ++j;
    const auto& s = t.steps[j];
    std::string step = j > i ? std::to_string(i + 1) + "-" + std::to_string(j + 1) : std::to_string(i + 1);
    std::string event = j > i ? std::to_string(j - i + 1) + " ticks" : describe_event(sys, s.label);
    rows.push_back({step, event, state_name(sys, s.state, 0), state_name(sys, s.state, 1), net(s.state)});
    i = j;
  }
  size_t we = 5, wa = 1, wb = 1;
  for (const auto& r : rows) {
    we = std::max(we, display_width(r.event));
    wa = std::max(wa, display_width(r.a));
    wb = std::max(wb, display_width(r.b));
  }
  we = std::min<size_t>(we, 72);
  std::string out = pad("step", 6) + pad("event", we + 2) + pad("A", wa + 2) + pad("B", wb + 2) + "in flight A→B / B→A\n";
  for (const auto& r : rows)
    out += cell(r.step, 6) + cell(r.event, we + 2) + cell(r.a, wa + 2) + cell(r.b, wb + 2) + r.net + "\n";
  if (t.error) out += pad("", 6) + "model error in the next step: " + describe_error_site(sys, *t.error) + "\n";
  return out;
}

std::string format_sequence_chart(const CompiledSystem& sys, const Trace& t) {
  const ir::Model& m = sys.model();
  const size_t mid = 44;  // columns between the lifelines
  size_t lw = 10;           // the left margin: step number and A's state
  for (const auto& name : m.state_enum().members) lw = std::max(lw, name.size() + 8);
  std::string out;
  std::string a0 = state_name(sys, t.initial, 0), b0 = state_name(sys, t.initial, 1);
  out += pad("", lw) + "A" + std::string(mid, ' ') + "B\n";
  out += pad(a0, lw) + "|" + std::string(mid, ' ') + "| " + b0 + "\n";
  const std::vector<int32_t>* prev = &t.initial;
  for (size_t i = 0, j = 0; i < t.steps.size(); i = j + 1) {
    // Consecutive ticks fold into one line, as in the table.
    j = i;
    while (t.steps[i].label.kind == Label::Kind::Tick && j + 1 < t.steps.size() &&
           t.steps[j + 1].label.kind == Label::Kind::Tick)
      ++j;
    const auto& s = t.steps[j];
    const Label& l = s.label;
    const std::string step = j > i ? std::to_string(i + 1) + "-" + std::to_string(j + 1) : std::to_string(i + 1);
    std::string sa = state_name(sys, s.state, 0), sb = state_name(sys, s.state, 1);
    std::string left = sa != state_name(sys, *prev, 0) ? sa : "";
    std::string right = sb != state_name(sys, *prev, 1) ? sb : "";
    std::string lane;
    auto arrow = [&](const std::string& text, bool rightward, bool leaving, char end) {
      // leaving: drawn from the sender's lifeline to the middle; else from the middle to the receiver.
      std::string body = " " + text + " ";
      size_t half = mid / 2;
      size_t w = display_width(body);
      std::string seg;
      if (w + 4 > half) {
        seg = "--" + body + "-";
      } else {
        seg = std::string((half - w) / 2, '-') + body;
        seg += std::string(half - display_width(seg) - 1, '-');
      }
      if (rightward) {
        std::string piece = seg + std::string(1, end);
        lane = leaving ? piece + std::string(mid > display_width(piece) ? mid - display_width(piece) : 0, ' ')
                       : std::string(mid > display_width(piece) ? mid - display_width(piece) : 0, ' ') + piece;
      } else {
        std::string piece = std::string(1, end) + seg;
        lane = leaving ? std::string(mid > display_width(piece) ? mid - display_width(piece) : 0, ' ') + piece
                       : piece + std::string(mid > display_width(piece) ? mid - display_width(piece) : 0, ' ');
      }
    };
    std::string note;
    switch (l.kind) {
      case Label::Kind::Recv:
      case Label::Kind::Unhandled:
        arrow(format_segment(m, l.seg), l.ep == 1, false, l.ep == 1 ? '>' : '<');
        if (l.kind == Label::Kind::Unhandled) note = "(discarded)";
        break;
      case Label::Kind::Loss:
        arrow(format_segment(m, l.seg) + " lost", l.ep == 0, true, 'X');
        break;
      case Label::Kind::Dup:
        arrow(format_segment(m, l.seg) + " duplicated", l.ep == 0, true, '+');
        break;
      case Label::Kind::Tick: {
        const std::string what = j > i ? "(" + std::to_string(j - i + 1) + " ticks)" : "(tick)";
        lane = std::string((mid - what.size()) / 2, ' ') + what;
        lane += std::string(mid - display_width(lane), ' ');
        break;
      }
      case Label::Kind::Call:
      case Label::Kind::Timeout: {
        std::string what = describe_event(sys, l);
        what = what.substr(2);  // drop "A " / "B "
        size_t semi = what.find(';');
        if (semi != std::string::npos) what = what.substr(0, semi);
        note = (l.ep == 0 ? "A: " : "B: ") + what;
        lane = std::string(mid, ' ');
        break;
      }
    }
    std::string line = pad("[" + step + "] " + left, lw) + "|" + lane + "|" + (right.empty() ? "" : " " + right);
    if (!note.empty()) line += "   " + note;
    out += line + "\n";
    // Segments sent by this step leave the actor's lifeline on the next line.
    for (int k = 0; k < l.nsent && (l.kind == Label::Kind::Call || l.kind == Label::Kind::Recv || l.kind == Label::Kind::Timeout); ++k) {
      const bool dropped = (l.overflow >> k) & 1u;
      arrow(format_segment(m, l.sent[k]) + (dropped ? " lost (full)" : ""), l.ep == 0, true,
            dropped ? 'X' : (l.ep == 0 ? '>' : '<'));
      out += pad("", lw) + "|" + lane + "|\n";
    }
    prev = &s.state;
  }
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
