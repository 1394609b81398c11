#include "symbolic_problem.hpp"

namespace tcpmc::symbolic {

z3::expr Unrolling::bad(const Goal& g, size_t i) {
  const z3::expr holds = relation.predicate(g.decl->expr, relation.state(i));
  switch (g.kind) {
    case ir::Property::Kind::Invariant: return !holds;
    case ir::Property::Kind::Stuck: return relation.stuck(i) && !holds;
    case ir::Property::Kind::Reachable: return holds;
    default: return holds.ctx().bool_val(false);
  }
}

z3::expr Unrolling::good(const Goal& g, size_t i) {
  const z3::expr holds = relation.predicate(g.decl->expr, relation.state(i));
  if (g.kind == ir::Property::Kind::Stuck) return relation.can_move(i) || holds;
  return holds;
}

z3::solver SymbolicProblem::make_solver(const std::vector<Goal>& goals) {
  bool stuck = false;
  for (const Goal& g : goals) stuck = stuck || g.kind == ir::Property::Kind::Stuck;
  bool wide_params = false;
  for (const RuleInstance& ri : sys_.instances()) {
    uint64_t combos = 1;
    for (const auto& [lo, hi] : ri.param_ranges) combos *= static_cast<uint64_t>(static_cast<int64_t>(hi) - lo + 1);
    for (const auto& p : sys_.model().rules[ri.rule].params)
      if (p.type.kind == ir::Type::Kind::Seq) combos = TransitionRelation::kMaxEnumerated + 1;
    wide_params = wide_params || combos > TransitionRelation::kMaxEnumerated;
  }
  if (stuck && wide_params) return z3::solver(ctx_);
  return z3::solver(ctx_, "QF_BV");
}

}  // namespace tcpmc::symbolic
