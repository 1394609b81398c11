#include "text_report.hpp"

#include <algorithm>
#include <cstdio>

#include "figure5_coverage.hpp"
#include "trace_format.hpp"
#include "verdict_text.hpp"

namespace tcpmc {

static std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", s);
  return buf;
}

std::string indent(const std::string& text, const std::string& pre) {
  std::string out;
  size_t b = 0;
  while (b < text.size()) {
    size_t e = text.find('\n', b);
    if (e == std::string::npos) e = text.size();
    out += pre + text.substr(b, e - b) + "\n";
    b = e + 1;
  }
  return out;
}

std::vector<std::string> never_fired(const SpecResult& r) {
  const auto& inst = r.system->instances();
  const ir::Model& m = r.spec->model;
  std::vector<uint64_t> per_rule(m.rules.size(), 0);
  for (size_t i = 0; i < inst.size(); ++i) per_rule[inst[i].rule] += r.exploration.coverage.fired[i];
  std::vector<std::string> out;
  for (size_t k = 0; k < m.rules.size(); ++k)
    if (per_rule[k] == 0) out.push_back(std::string(ir::rule_kind_name(m.rules[k].kind)) + " " + m.rules[k].name);
  return out;
}

const char* how_found(const Trace& t) {
  return t.loop_start ? "shortest prefix to a fair loop, replayed through the model" : "shortest, replayed through the model";
}

// A run under its heading line: the property's expression, the table, the chart, the final values.
static std::string format_run(const CompiledSystem& sys, const std::string& expression, const Trace& t) {
  std::string out;
  if (!expression.empty())
    out += expression.find('\n') == std::string::npos ? "     property: " + expression + "\n"
                                                      : "     property:\n" + indent(expression, "       ");
  out += indent(format_trace_table(sys, t), "     ");
  out += "\n" + indent(format_sequence_chart(sys, t), "     ");
  out += "     final values: " + format_final_values(sys, t) + "\n\n";
  return out;
}

std::string format_counterexample(const CompiledSystem& sys, const std::string& property, const std::string& expression,
                                  const Trace& t, const std::string& how, const std::string& run) {
  std::string out = "\n   " + run + " for " + property + ": " + std::to_string(t.steps.size()) + " steps (" + how + ")\n";
  if (t.loop_start) out += "     a run that never satisfies " + property + ": " + lasso_shape(t) + "\n";
  return out + format_run(sys, expression, t);
}

std::string format_cti(const CompiledSystem& sys, const PropertyReport& p, const Trace& t) {
  return "\n   counterexample to induction (k=" + std::to_string(p.bound) +
         "): the first state is any state satisfying the assumptions -- not necessarily reachable\n" +
         format_run(sys, p.expression, t);
}

std::string format_spec_result(const SpecResult& r, const TextOptions& opt) {
  const ir::Model& m = r.spec->model;
  const EngineResult& x = r.exploration;
  const CompiledSystem& sys = *r.system;
  const std::string counts = x.coverage.recorded ? std::to_string(x.states) + " states, " +
                                                     std::to_string(x.transitions) + " transitions, depth "
                                               : std::string("no states enumerated (symbolic), depth ");
  std::string out = "== " + r.path + (m.name.empty() ? "" : " (" + m.name + ")") + ": " + counts +
                    std::to_string(x.depth) + ", " + (x.complete ? "complete" : "INCOMPLETE: " + x.stop_reason) +
                    ", " + fmt_seconds(x.seconds) + "\n";
  out += "   faults: loss " + r.faults.loss_text() + ", dup " + std::to_string(r.faults.dup) + ", " +
         (r.faults.reorder ? "reorder" : "no reorder") + "; capacity " + std::to_string(m.capacity) + ", msl " +
         std::to_string(m.msl) + (m.seq_bits > 0 ? ", seq bits " + std::to_string(m.seq_bits) : "") + "\n";
  if (x.omission_probability) {
    char prob[32];
    std::snprintf(prob, sizeof prob, "%.1e", *x.omission_probability);
    out += "   --compress: states stored as 64-bit fingerprints; probability that a collision left states out: " +
           std::string(prob) + "\n";
  }
  std::string consts;
  for (const auto& c : m.consts) consts += (consts.empty() ? "" : ", ") + c.name + "=" + std::to_string(c.value) + (c.overridden ? "*" : "");
  if (!consts.empty()) out += "   constants: " + consts + "\n";
  if (r.properties.empty()) out += "   no properties: the spec states none, so nothing was checked\n";
  size_t w = 8;
  for (const auto& p : r.properties) w = std::max(w, p.name.size());
  for (const auto& p : r.properties) {
    std::string line = "   " + p.name + std::string(w + 2 - p.name.size(), ' ') +
                       (p.expect_hold ? "expect hold       " : "expect violation  ") + verdict_text(p);
    if (!p.as_expected() && p.verdict != Verdict::Inconclusive) line += "   <-- NOT AS EXPECTED";
    if (searched_inconclusive(p)) line += " (within the bounds explored)";
    if (p.kind == ir::Property::Kind::Reachable && p.verdict == Verdict::Violated)
      line += " (no reachable state satisfies it)";
    if (p.kind == ir::Property::Kind::Reachable && searched_inconclusive(p))
      line.replace(line.find(" (within"), std::string::npos, " (not reached within the bounds explored)");
    if ((p.kind == ir::Property::Kind::Eventually || p.kind == ir::Property::Kind::LeadsTo) && searched_inconclusive(p))
      line.replace(line.find(" (within"), std::string::npos, " (not judged: a temporal property needs the complete state graph)");
    out += line + "\n";
    if (!p.missing_edges.empty()) {
      out += "     Figure 5 edges not reached (" + std::to_string(p.missing_edges.size()) + "):\n";
      for (const auto& e : p.missing_edges) out += "       " + e + "\n";
    }
    if (p.counterexample && opt.counterexamples)
      out += format_counterexample(sys, p.name, p.expression, *p.counterexample, how_found(*p.counterexample),
                                   p.run_name());
    if (p.cti && opt.counterexamples) out += format_cti(sys, p, *p.cti);
  }
  if (x.model_error) {
    out += "   " + describe_model_error(*x.model_error) + " in: " + describe_error_site(sys, *x.model_error) + "\n";
    if (r.model_error_trace) out += indent(format_trace_table(sys, *r.model_error_trace), "     ");
  }
  if (r.replay_failed) out += "   internal error: a counterexample or witness did not replay through the model\n";
  for (const auto& n : x.notes) out += "   note: " + n + "\n";
  for (const auto& l : x.lemma_ctis)
    if (opt.counterexamples)
      out += "\n   counterexample to induction for lemma " + m.lemmas[l.lemma].name + " (k=" + std::to_string(l.k) +
             "): the first state satisfies every lemma and property that was still a candidate when it failed "
             "-- not necessarily reachable\n" +
             format_run(sys, property_expression(m.lemmas[l.lemma]), l.cti);
  if (!x.coverage.recorded) return out;
  for (const auto& nf : never_fired(r)) out += "   warning: rule '" + nf + "' never fired (by either endpoint)\n";
  uint64_t overflow = 0;
  for (auto b : x.coverage.overflow) overflow += b;
  if (overflow)
    out += "   note: " + std::to_string(overflow) + " transitions sent a segment into a full channel (capacity " +
           std::to_string(m.capacity) + "), which the network lost (" +
           (r.faults.unbounded_loss() ? "loss is unbounded" : "charged to the loss budget") + ")\n";
  if (x.coverage.capacity_blocked)
    out += "   note: " + std::to_string(x.coverage.capacity_blocked) +
           " transitions were blocked by a full channel with the loss budget spent; " +
           std::to_string(x.coverage.capacity_cut_states) +
           " states had no other move and are cut off by the capacity bound (not judged as stuck)\n";
  if (x.coverage.time_frozen_states)
    out += "   warning: in " + std::to_string(x.coverage.time_frozen_states) +
           " states a timer had expired but no timeout rule could take it, so time stood still there "
           "(timeouts are urgent): does a timeout rule's state list or guard miss a state?\n";
  if (x.coverage.unhandled[0] + x.coverage.unhandled[1])
    out += "   note: " + std::to_string(x.coverage.unhandled[0] + x.coverage.unhandled[1]) +
           " arrivals matched no recv rule and were discarded\n";
  const auto fig5 = figure5_coverage(m, x.coverage);
  size_t fig5_reached = 0;
  for (const auto& f : fig5) fig5_reached += !f.reached_by.empty();
  if (!fig5.empty() && fig5_reached < fig5.size() && !opt.coverage) {
    out += "   note: RFC 9293 Figure 5 edges not reached:";
    for (const auto& f : fig5)
      if (f.reached_by.empty()) out += std::string(" ") + f.edge->from + "->" + f.edge->to;
    out += "\n";
  }
  if (opt.coverage) {
    if (!fig5.empty()) {
      out += "   RFC 9293 Figure 5: " + std::to_string(fig5_reached) + " of " + std::to_string(fig5.size()) +
             " edges reached\n";
      for (const auto& f : fig5) {
        std::string by;
        for (const auto& rb : f.reached_by) by += (by.empty() ? "" : "; ") + rb;
        out += std::string("     ") + f.edge->from + " -> " + f.edge->to + " (" + f.edge->label +
               "): " + (by.empty() ? "NOT REACHED" : by) + "\n";
      }
    }
    out += "   rules fired:\n";
    for (size_t i = 0; i < sys.instances().size(); ++i) {
      const auto& ri = sys.instances()[i];
      out += "     " + std::string(ri.ep == 0 ? "A " : "B ") + ir::rule_kind_name(ri.kind) + " " + m.rules[ri.rule].name +
             ": " + std::to_string(x.coverage.fired[i]) + "\n";
    }
    if (!m.monitors.empty()) {
      out += "   monitors:";
      for (size_t i = 0; i < m.monitors.size(); ++i)
        out += std::string(i ? ", " : " ") + m.monitors[i].name + " (on " + ir::monitor_event_name(m.monitors[i].event) + ")";
      out += "\n";
    }
    out += "   reachable endpoint transitions:\n";
    const auto& members = m.state_enum().members;
    for (const auto& t : x.coverage.endpoint_transitions)
      out += std::string("     ") + (t.ep == 0 ? "A: " : "B: ") + members[t.from] + " --" + ir::rule_kind_name(m.rules[t.rule].kind) +
             " " + m.rules[t.rule].name + "--> " + members[t.to] + "\n";
  }
  return out;
}

std::vector<SummaryRow> summary_rows(const SpecResult& r) {
  std::vector<SummaryRow> rows;
  for (const auto& p : r.properties) {
    std::string verdict = verdict_text(p);
    if (p.counterexample)
      verdict += " (" + std::string(p.is_witness() ? "witness " : "") + std::to_string(p.counterexample->steps.size()) +
                 " steps)";
    if (!p.missing_edges.empty())
      verdict += " (" + std::to_string(p.missing_edges.size()) + (p.missing_edges.size() == 1 ? " edge" : " edges") +
                 " missing)";
    if (!p.as_expected() && p.verdict != Verdict::Inconclusive) verdict += " UNEXPECTED";
    rows.push_back({r.path, p.name, p.expect_hold ? "hold" : "violation", verdict, std::to_string(r.exploration.states),
                    fmt_seconds(r.exploration.seconds)});
  }
  const std::string states = std::to_string(r.exploration.states), time = fmt_seconds(r.exploration.seconds);
  if (r.properties.empty()) rows.push_back({r.path, "(no properties)", "-", "nothing checked", states, time});
  if (r.exploration.model_error)
    rows.push_back({r.path, "(model error)", "-", "error", states, time});
  else if (!r.exploration.complete)
    rows.push_back({r.path, "(search stopped)", "-", "incomplete: " + r.exploration.stop_reason, states, time});
  return rows;
}

std::string format_summary(const std::vector<SummaryRow>& rows) {
  SummaryRow head{"spec", "property", "expected", "verdict", "states", "time"};
  size_t w[6] = {0, 0, 0, 0, 0, 0};
  auto widen = [&](const SummaryRow& r) {
    const std::string* f[6] = {&r.spec, &r.property, &r.expected, &r.verdict, &r.states, &r.time};
    for (int i = 0; i < 6; ++i) w[i] = std::max(w[i], f[i]->size());
  };
  widen(head);
  for (const auto& r : rows) widen(r);
  auto line = [&](const SummaryRow& r) {
    const std::string* f[6] = {&r.spec, &r.property, &r.expected, &r.verdict, &r.states, &r.time};
    std::string out;
    for (int i = 0; i < 6; ++i) {
      bool right = i >= 4;
      std::string cell = *f[i];
      std::string padding(w[i] - cell.size(), ' ');
      out += (right ? padding + cell : cell + padding) + (i < 5 ? "  " : "");
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(head);
  size_t total = 10;
  for (size_t x : w) total += x;
  out += std::string(total, '-') + "\n";
  for (const auto& r : rows) out += line(r);
  return out;
}

}  // namespace tcpmc
