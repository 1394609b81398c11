#include "figure5_coverage.hpp"

#include <algorithm>
#include <map>

namespace tcpmc {

std::vector<Figure5Reach> figure5_coverage(const ir::Model& m, const Coverage& coverage) {
  const auto& members = m.state_enum().members;
  auto index_of = [&](const std::string& name) {
    auto it = std::find(members.begin(), members.end(), name);
    return it == members.end() ? -1 : static_cast<int>(it - members.begin());
  };
  std::vector<Figure5Reach> out;
  for (const auto& e : figure5_edges()) {
    const int from = index_of(e.from), to = index_of(e.to);
    if (from < 0 || to < 0) return {};
    // rule -> endpoints, in rule order
    std::map<int, std::string> by_rule;
    for (const auto& t : coverage.endpoint_transitions) {
      if (t.from != from || t.to != to || ir::rule_kind_name(m.rules[t.rule].kind) != std::string(e.kind)) continue;
      std::string& who = by_rule[t.rule];
      who += who.empty() ? "" : ", ";
      who += t.ep == 0 ? "A" : "B";
    }
    Figure5Reach r;
    r.edge = &e;
    for (const auto& [rule, who] : by_rule)
      r.reached_by.push_back(std::string(e.kind) + " " + m.rules[rule].name + " (" + who + ")");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tcpmc
