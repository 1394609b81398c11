#include "bmc.hpp"

namespace tcpmc::symbolic {

Bmc::Bmc(SymbolicProblem& p, z3::solver solver) : p_(p), u_(p.codec(), true), solver_(std::move(solver)) {}

void Bmc::extend_to(size_t k) {
  while (depth_ < k) {
    solver_.add(u_.relation.step(depth_).relation);
    ++depth_;
  }
}

z3::check_result Bmc::check(const z3::expr& bad) {
  // A fresh literal per question: the question is retracted by not assuming it again.
  const z3::expr lit = p_.ctx().bool_const(("bmc_q" + std::to_string(literals_++)).c_str());
  solver_.add(z3::implies(lit, bad));
  z3::expr_vector assumptions(p_.ctx());
  assumptions.push_back(lit);
  return solver_.check(assumptions);
}

}  // namespace tcpmc::symbolic
