#include "run_summary.hpp"

#include <nlohmann/json.hpp>

namespace tcpmc {

std::string endpoint_transition_text(const std::string& ep, const std::string& from, const std::string& event,
                                     const std::string& to) {
  return ep + ": " + from + " --" + event + "--> " + to;
}

RunSummary summarize(const SpecResult& r) {
  RunSummary s;
  const ir::Model& m = r.spec->model;
  s.spec = r.path;
  s.states = r.exploration.states;
  s.transitions = r.exploration.transitions;
  s.depth = r.exploration.depth;
  s.complete = r.exploration.complete;
  for (const auto& p : r.properties) {
    s.verdicts[p.name] = verdict_name(p.verdict);
    s.expect[p.name] = p.expect_hold ? "hold" : "violation";
    if (p.counterexample) s.cex_length[p.name] = p.counterexample->steps.size();
  }
  const auto& members = m.state_enum().members;
  for (const auto& t : r.exploration.coverage.endpoint_transitions)
    s.endpoint_transitions.insert(endpoint_transition_text(
        t.ep == 0 ? "A" : "B", members[t.from],
        std::string(ir::rule_kind_name(m.rules[t.rule].kind)) + " " + m.rules[t.rule].name, members[t.to]));
  s.defines = r.options.defines;
  s.loss = r.faults.loss;
  s.dup = r.faults.dup;
  s.reorder = r.faults.reorder;
  s.max_states = r.options.limits.max_states;
  s.fairness = r.options.limits.fairness;
  return s;
}

std::optional<RunSummary> summary_from_json(const std::string& text, std::string& error) {
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    if (j.is_array()) {
      if (j.size() != 1) throw std::runtime_error("expected one spec object");
      j = j[0];
    }
    RunSummary s;
    s.spec = j.at("spec").get<std::string>();
    s.spec_from_baseline = j.value("spec_from_baseline", std::string());
    s.states = j.at("states").get<uint64_t>();
    s.transitions = j.at("transitions").get<uint64_t>();
    s.depth = j.at("depth").get<uint64_t>();
    s.complete = j.at("complete").get<bool>();
    for (const auto& p : j.at("properties")) {
      std::string name = p.at("name").get<std::string>();
      s.verdicts[name] = p.at("verdict").get<std::string>();
      s.expect[name] = p.at("expect").get<std::string>();
      if (!p.at("counterexample").is_null()) s.cex_length[name] = p.at("counterexample").at("length").get<uint64_t>();
      if (p.contains("witness") && !p.at("witness").is_null())
        s.cex_length[name] = p.at("witness").at("length").get<uint64_t>();
    }
    for (const auto& t : j.at("coverage").at("endpoint_transitions"))
      s.endpoint_transitions.insert(endpoint_transition_text(t.at("endpoint"), t.at("from"), t.at("event"), t.at("to")));
    const auto& f = j.at("faults");
    s.loss = f.at("loss").is_string() && f.at("loss").get<std::string>() == "unbounded" ? ir::FaultBudget::kUnboundedLoss
                                                                                      : f.at("loss").get<int>();
    s.dup = f.at("dup").get<int>();
    s.reorder = f.at("reorder").get<bool>();
    if (j.contains("options")) {
      for (const auto& [k, v] : j.at("options").at("defines").items()) s.defines[k] = v.get<int64_t>();
      s.max_states = j.at("options").value("max_states", uint64_t{0});
      s.fairness = j.at("options").value("fairness", std::string("spec")) != "none";
    }
    return s;
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

static std::string signed_delta(uint64_t a, uint64_t b) {
  int64_t d = static_cast<int64_t>(b) - static_cast<int64_t>(a);
  return (d >= 0 ? "+" : "") + std::to_string(d);
}

std::string diff_summaries(const RunSummary& a, const RunSummary& b) {
  std::string out;
  std::set<std::string> names;
  for (const auto& [k, _] : a.verdicts) names.insert(k);
  for (const auto& [k, _] : b.verdicts) names.insert(k);
  for (const auto& n : names) {
    auto va = a.verdicts.count(n) ? a.verdicts.at(n) : "(absent)";
    auto vb = b.verdicts.count(n) ? b.verdicts.at(n) : "(absent)";
    auto la = a.cex_length.count(n) ? " (" + std::to_string(a.cex_length.at(n)) + " steps)" : "";
    auto lb = b.cex_length.count(n) ? " (" + std::to_string(b.cex_length.at(n)) + " steps)" : "";
    auto ea = a.expect.count(n) ? a.expect.at(n) : "", eb = b.expect.count(n) ? b.expect.at(n) : "";
    if (va != vb || la != lb) out += "  property " + n + ": " + va + la + " -> " + vb + lb + "\n";
    if (!ea.empty() && !eb.empty() && ea != eb) out += "  property " + n + ": expect " + ea + " -> expect " + eb + "\n";
  }
  if (a.states != b.states)
    out += "  states: " + std::to_string(a.states) + " -> " + std::to_string(b.states) + " (" + signed_delta(a.states, b.states) + ")\n";
  if (a.transitions != b.transitions)
    out += "  transitions: " + std::to_string(a.transitions) + " -> " + std::to_string(b.transitions) + " (" +
           signed_delta(a.transitions, b.transitions) + ")\n";
  if (a.depth != b.depth) out += "  depth: " + std::to_string(a.depth) + " -> " + std::to_string(b.depth) + "\n";
  if (a.complete != b.complete)
    out += std::string("  complete: ") + (a.complete ? "yes" : "no") + " -> " + (b.complete ? "yes" : "no") + "\n";
  std::string gained, lost;
  for (const auto& t : b.endpoint_transitions)
    if (!a.endpoint_transitions.count(t)) gained += "    + " + t + "\n";
  for (const auto& t : a.endpoint_transitions)
    if (!b.endpoint_transitions.count(t)) lost += "    - " + t + "\n";
  if (!gained.empty() || !lost.empty()) out += "  endpoint transitions:\n" + gained + lost;
  return out;
}

}  // namespace tcpmc
