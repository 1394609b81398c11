#include "state_diagram.hpp"

#include <map>
#include <set>
#include <tuple>

#include "figure5.hpp"
#include "rfc9293_extra_edges.hpp"

namespace tcpmc {
namespace {

bool requires_field(const ir::Expr& e, int field) {
  if (e.op == ir::Expr::Op::And) {
    for (const auto& a : e.args)
      if (requires_field(a, field)) return true;
    return false;
  }
  return e.op == ir::Expr::Op::SegField && e.index == field;
}

// DOT styles of the three kinds (the legend draws the same).
const char* kCalmColor = "#8a8a8a";
const char* kCalmFont = "#5f5f5f";
const char* kAlarmColor = "#d00000";

std::string edge_style(EdgeKind k) {
  switch (k) {
    case EdgeKind::Figure5:
      return "";
    case EdgeKind::Rfc9293:
      return std::string(", style=dashed, constraint=false, color=\"") + kCalmColor + "\", fontcolor=\"" + kCalmFont +
             "\"";
    case EdgeKind::NotInRfc:
      return std::string(", penwidth=2.5, color=\"") + kAlarmColor + "\", fontcolor=\"" + kAlarmColor + "\"";
  }
  return "";
}

}  // namespace

bool guard_requires_flag(const ir::Model& m, const ir::Rule& r, const std::string& flag) {
  for (size_t i = 0; i < m.seg_fields.size(); ++i)
    if (m.seg_fields[i].is_flag && m.seg_fields[i].name == flag) return requires_field(r.guard, static_cast<int>(i));
  return false;
}

EdgeClass classify_endpoint_transition(const ir::Model& m, const EndpointTransition& t) {
  const auto& members = m.state_enum().members;
  const std::string& from = members[t.from];
  const std::string& to = members[t.to];
  const ir::Rule& rule = m.rules[t.rule];
  const std::string kind = ir::rule_kind_name(rule.kind);
  // Figure 5 draws no RST processing: a rule that requires RST is never one of its edges.
  const bool rst = rule.kind == ir::Rule::Kind::Recv && guard_requires_flag(m, rule, "RST");
  if (!rst)
    for (const auto& e : figure5_edges())
      if (from == e.from && to == e.to && kind == e.kind) return {EdgeKind::Figure5, nullptr};
  for (const auto& e : rfc9293_extra_edges())
    if (from == e.from && to == e.to && kind == e.kind && (!e.flag || guard_requires_flag(m, rule, e.flag)))
      return {EdgeKind::Rfc9293, e.section};
  return {EdgeKind::NotInRfc, nullptr};
}

std::string state_diagram_dot(const SpecResult& r) {
  const ir::Model& m = r.spec->model;
  const auto& members = m.state_enum().members;
  // One edge per (from, to, kind), labelled with the events that take it and which endpoints do.
  struct Edge {
    std::map<std::string, std::set<std::string>> events;
    std::set<std::string> sections;
  };
  std::map<std::tuple<int, int, EdgeKind>, Edge> edges;
  for (const auto& t : r.exploration.coverage.endpoint_transitions) {
    if (t.from == t.to) continue;
    const EdgeClass c = classify_endpoint_transition(m, t);
    Edge& e = edges[{t.from, t.to, c.kind}];
    std::string ev = std::string(ir::rule_kind_name(m.rules[t.rule].kind)) + " " + m.rules[t.rule].name;
    e.events[ev].insert(t.ep == 0 ? "A" : "B");
    if (c.section) e.sections.insert(c.section);
  }
  std::set<int> used;
  for (const auto& [k, _] : edges) {
    used.insert(std::get<0>(k));
    used.insert(std::get<1>(k));
  }
  std::string dot =
      "digraph endpoint_states {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"monospace\"];\n"
      "  edge [fontname=\"monospace\", fontsize=10];\n";
  for (int s : used) dot += "  " + members[s] + ";\n";
  for (const auto& [k, e] : edges) {
    const auto& [from, to, kind] = k;
    std::string label;
    for (const auto& [ev, eps] : e.events) {
      std::string who;
      for (const auto& p : eps) who += p;
      label += ev + " (" + who + ")\\n";
    }
    if (!e.sections.empty()) {
      std::string secs;
      for (const auto& s : e.sections) secs += (secs.empty() ? "" : ", ") + s;
      label += "(" + secs + ")\\n";
    }
    if (kind == EdgeKind::NotInRfc) label += "NOT IN RFC 9293\\n";
    dot += "  " + members[from] + " -> " + members[to] + " [label=\"" + label + "\"" + edge_style(kind) + "];\n";
  }
  // The legend: a node at the bottom (tied to the graph by an invisible edge, so that it is ranked
  // with it) drawing a sample of each style.
  auto legend_row = [](const char* sample, const char* color, const char* text) {
    return std::string("<tr><td align=\"left\"><font color=\"") + color + "\">" + sample +
           "</font></td><td align=\"left\"><font color=\"" + color + "\">" + text + "</font></td></tr>";
  };
  dot +=
      "  legend [shape=plaintext, fontsize=10, label=<<table border=\"1\" color=\"#bbbbbb\" cellborder=\"0\" "
      "cellspacing=\"0\" cellpadding=\"2\">" +
      legend_row("━━━━━▶", "#000000", "edge of RFC 9293 Figure 5") +
      legend_row("╌╌╌╌╌▶", kCalmFont, "RFC 9293 §3.10, not drawn in Figure 5: RST, ABORT, user timeout, ...") +
      legend_row("<b>━━━━━▶</b>", kAlarmColor, "not allowed by RFC 9293") + "</table>>];\n";
  dot += "  { rank=sink; legend; }\n";
  if (!used.empty()) dot += "  " + members[*used.begin()] + " -> legend [style=invis];\n";
  dot += "  labelloc=t;\n  label=\"Endpoint states reached\";\n}\n";
  return dot;
}

}  // namespace tcpmc
