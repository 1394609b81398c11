#include "spec_include.hpp"

#include <algorithm>

namespace tcpmc {
namespace {

template <class T>
std::vector<std::string> names_of(const std::vector<T>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.name);
  return out;
}

template <class T>
T* find_named(std::vector<T>& v, const std::string& name) {
  for (auto& x : v)
    if (x.name == name) return &x;
  return nullptr;
}

// Removes the element named `name`; false when there is none.
template <class T>
bool erase_named(std::vector<T>& v, const std::string& name) {
  auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.name == name; });
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}

// Drops rule `name` from every `fair weak|strong` list (a declaration left empty goes too);
// false when no list names it.
bool erase_fair_rule(std::vector<ast::Fairness>& fs, const std::string& name) {
  bool found = false;
  for (auto& f : fs)
    found |= std::erase_if(f.rules, [&](const auto& r) { return r.first == name; }) > 0;
  std::erase_if(fs, [](const ast::Fairness& f) { return f.kind != ast::Fairness::Kind::Network && f.rules.empty(); });
  return found;
}

// `remove fair network` / `remove fair RULE`.
void remove_fairness(ast::Spec& out, const ast::Removal& r, Diagnostics& diags) {
  if (r.name == "network") {
    if (std::erase_if(out.fairness, [](const ast::Fairness& f) { return f.kind == ast::Fairness::Kind::Network; }) == 0)
      diags.error(r.range, "'remove fair network': the included spec declares no 'fair network'");
    return;
  }
  if (!erase_fair_rule(out.fairness, r.name)) {
    std::vector<std::string> cands;
    for (const auto& f : out.fairness)
      for (const auto& x : f.rules) cands.push_back(x.first);
    diags.error(r.range, with_suggestion("'remove fair " + r.name + "': the included spec declares no fairness of a rule '" +
                                             r.name + "'", r.name, cands));
  }
}

}  // namespace

ast::Spec apply_edits(ast::Spec base, ast::Spec derived, Diagnostics& diags) {
  ast::Spec out = std::move(base);
  out.path = derived.path;
  if (!derived.name.empty()) {
    out.name = derived.name;
    out.name_range = derived.name_range;
  }
  if (!derived.description.empty()) out.description = derived.description;

  for (auto& c : derived.consts) {
    ast::ConstDecl* old = find_named(out.consts, c.name);
    if (c.is_override) {
      if (!old) {
        diags.error(c.range, with_suggestion("'override const " + c.name + "': the included spec has no constant '" +
                                                 c.name + "'", c.name, names_of(out.consts)));
        continue;
      }
      old->value = std::move(c.value);
      old->range = c.range;
      continue;
    }
    if (old) {
      auto& d = diags.error(c.range, "constant '" + c.name + "' is already declared by the included spec; write 'override const " + c.name + " = ...' to change it");
      d.notes.push_back({old->range, "declared here"});
      continue;
    }
    out.consts.push_back(std::move(c));
  }
  for (auto& e : derived.enums) out.enums.push_back(std::move(e));
  for (auto& v : derived.endpoint_vars) out.endpoint_vars.push_back(std::move(v));
  for (auto& v : derived.global_vars) out.global_vars.push_back(std::move(v));
  for (auto& f : derived.flags) out.flags.push_back(std::move(f));
  for (auto& f : derived.segment_fields) out.segment_fields.push_back(std::move(f));
  for (auto& s : derived.network) out.network.push_back(std::move(s));
  for (auto& s : derived.faults) out.faults.push_back(std::move(s));
  if (!out.endpoint_range.valid()) out.endpoint_range = derived.endpoint_range;
  if (!out.segment_range.valid()) out.segment_range = derived.segment_range;
  if (!out.network_range.valid()) out.network_range = derived.network_range;

  for (const auto& r : derived.removals) {
    if (r.fairness) {
      remove_fairness(out, r, diags);
      continue;
    }
    if (erase_named(out.rules, r.name)) {
      erase_fair_rule(out.fairness, r.name);  // a removed rule is no longer fair either
      continue;
    }
    if (erase_named(out.properties, r.name) || erase_named(out.lemmas, r.name) || erase_named(out.monitors, r.name))
      continue;
    std::vector<std::string> cands = names_of(out.rules);
    for (auto& p : out.properties) cands.push_back(p.name);
    for (auto& l : out.lemmas) cands.push_back(l.name);
    for (auto& m : out.monitors) cands.push_back(m.name);
    diags.error(r.range, with_suggestion("'remove " + r.name + "': the included spec has no rule, property, lemma or monitor '" +
                                             r.name + "'", r.name, cands));
  }

  for (auto& r : derived.rules) {
    if (r.is_override) {
      ast::Rule* old = find_named(out.rules, r.name);
      if (!old) {
        diags.error(r.name_range, with_suggestion("'override': the included spec has no rule '" + r.name + "'",
                                                  r.name, names_of(out.rules)));
        continue;
      }
      if (old->kind != r.kind) {
        auto& d = diags.error(r.name_range, "'override' must keep the rule's kind (call, recv or timeout)");
        d.notes.push_back({old->name_range, "the included rule"});
        continue;
      }
      if (!r.before.empty()) {
        diags.error(r.before_range, "'before' cannot move an overridden rule: an override keeps the included rule's place");
        continue;
      }
      *old = std::move(r);
      continue;
    }
    if (!r.before.empty()) {
      auto it = std::find_if(out.rules.begin(), out.rules.end(), [&](const ast::Rule& x) { return x.name == r.before; });
      if (it == out.rules.end()) {
        diags.error(r.before_range, with_suggestion("'before': there is no rule '" + r.before + "'", r.before,
                                                    names_of(out.rules)));
        continue;
      }
      out.rules.insert(it, std::move(r));
      continue;
    }
    out.rules.push_back(std::move(r));
  }

  for (auto& p : derived.properties) {
    if (p.is_override) {
      ast::Property* old = find_named(out.properties, p.name);
      if (!old) {
        diags.error(p.name_range, with_suggestion("'override': the included spec has no property '" + p.name + "'",
                                                  p.name, names_of(out.properties)));
        continue;
      }
      if (old->kind != p.kind) {
        diags.error(p.name_range,
                    "'override' must keep the property's kind (invariant, stuck, reachable, eventually, leadsto or coverage)");
        continue;
      }
      old->expect_hold = p.expect_hold;
      old->expect_if = std::move(p.expect_if);
      old->range = p.range;
      if (p.expr) {
        old->expr = std::move(p.expr);
        old->trigger = std::move(p.trigger);
        old->expr_range = p.expr_range;
      }
      continue;
    }
    out.properties.push_back(std::move(p));
  }

  for (auto& l : derived.lemmas) {
    if (l.is_override) {
      ast::Property* old = find_named(out.lemmas, l.name);
      if (!old) {
        diags.error(l.name_range, with_suggestion("'override': the included spec has no lemma '" + l.name + "'", l.name,
                                                  names_of(out.lemmas)));
        continue;
      }
      *old = std::move(l);  // in its place
      old->is_override = false;
      continue;
    }
    out.lemmas.push_back(std::move(l));
  }

  for (auto& m : derived.monitors) {
    if (m.is_override) {
      ast::Monitor* old = find_named(out.monitors, m.name);
      if (!old) {
        diags.error(m.name_range, with_suggestion("'override': the included spec has no monitor '" + m.name + "'",
                                                  m.name, names_of(out.monitors)));
        continue;
      }
      *old = std::move(m);  // in its place: monitors run in declaration order
      continue;
    }
    out.monitors.push_back(std::move(m));
  }
  for (auto& f : derived.fairness) out.fairness.push_back(std::move(f));
  return out;
}

void check_no_edits_without_include(const ast::Spec& spec, Diagnostics& diags) {
  const char* why = "'override' and 'remove' edit an included spec, and this spec includes none";
  for (const auto& c : spec.consts)
    if (c.is_override) diags.error(c.range, why);
  for (const auto& r : spec.rules)
    if (r.is_override) diags.error(r.name_range, why);
  for (const auto& p : spec.properties)
    if (p.is_override) diags.error(p.name_range, why);
  for (const auto& l : spec.lemmas)
    if (l.is_override) diags.error(l.name_range, why);
  for (const auto& m : spec.monitors)
    if (m.is_override) diags.error(m.name_range, why);
  for (const auto& r : spec.removals) diags.error(r.range, why);
  for (const auto& r : spec.rules)
    if (!r.before.empty())
      diags.error(r.before_range, "'before' places a rule among an included spec's rules; this spec includes none, "
                                  "so write the rule where it belongs");
}

}  // namespace tcpmc
