#include "symbolic_problem.hpp"

namespace tcpmc::symbolic {

z3::expr Unrolling::bad(const Goal& g, size_t i) {
  if (g.model_error) return relation.fails(i);
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

bool SymbolicProblem::wide_parameters() const {
  for (const ir::Rule& r : sys_.model().rules)
    if (TransitionRelation::parameter_combinations(r) > TransitionRelation::kMaxEnumerated) return true;
  return false;
}

z3::solver SymbolicProblem::make_solver(bool quantifiers) {
  z3::solver s = quantifiers ? z3::solver(ctx_) : z3::solver(ctx_, "QF_BV");
  // Ctrl-C is tcpmc's to handle (interrupt.hpp): the engine then interrupts Z3 itself.
  s.set("ctrl_c", false);
  return s;
}

}  // namespace tcpmc::symbolic
