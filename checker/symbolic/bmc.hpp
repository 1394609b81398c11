// Bounded model checking: one incremental solver holds the initial state and the transitions
// of steps 0..k-1; each goal is asked at depth k under an assumption literal, depth by depth, so
// the first violation (or reachability witness) found is one of minimal length.
#pragma once
#include <optional>

#include "symbolic_problem.hpp"

namespace tcpmc::symbolic {

class Bmc {
 public:
  Bmc(SymbolicProblem& p, z3::solver solver);
  // Unrolls the transitions up to depth k (states 0..k).
  void extend_to(size_t k);
  size_t depth() const { return depth_; }
  // Is `bad` satisfiable at the current depth? On sat the model is kept for model().
  z3::check_result check(const z3::expr& bad);
  // Asserts a fact an unsat answer established (no goal is bad at some depth already checked).
  void assume_clean(const z3::expr& fact) { solver_.add(fact); }
  z3::model model() const { return solver_.get_model(); }
  // The least run of k steps to `bad` (known to exist) in the explicit engine's exploration
  // order: step by step, the first action in the order CompiledSystem::successors tries them
  // (calls by rule and endpoint, arrivals by endpoint and position, timeouts, loss before
  // duplication by channel and position, the tick), and a call's parameters as it enumerates
  // them (the last one the most significant, each from its lowest value). Breadth-first search
  // reports exactly this run, so both engines show the same counterexample. nullopt when Z3 gave
  // up or the run was interrupted (the caller keeps the model it has).
  std::optional<z3::model> least_run(const z3::expr& bad, size_t k);
  Unrolling& unrolling() { return u_; }
  std::string reason_unknown() const { return solver_.reason_unknown(); }

 private:
  SymbolicProblem& p_;
  Unrolling u_;
  z3::solver solver_;
  size_t depth_ = 0;
  unsigned literals_ = 0;
  z3::expr literal(const z3::expr& meaning);  // a fresh assumption literal implying `meaning`
};

}  // namespace tcpmc::symbolic
