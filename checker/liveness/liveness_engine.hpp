// Liveness engine: checks temporal properties (`eventually P`, `P ~> Q`) under fairness, and
// every other property as the explicit engine does.
//
// It runs the explicit breadth-first search with the reachable graph recorded (each edge with its
// action, each temporal property's predicates per state), then per temporal property: the fair
// components of the states without its goal (fair_components.hpp, Boost.Graph's
// strong_components over a compressed-sparse-row graph), and, if a run can reach one from a
// trigger state, the shortest lasso (lasso_search.hpp), replayed through the model and checked to
// close its loop and to be fair (lasso_fairness.hpp) before it is returned. A temporal property is judged only on a complete search:
// a search stopped by a limit leaves it inconclusive. Fairness: the spec's declarations
// (fairness_constraints.hpp), or none when EngineLimits::fairness is false.
// The graph is recorded by the search's merge and the analysis is sequential, so verdicts and
// lassos are the same for every thread count.
// Cost: 8 bytes per edge and 8 per state for the graph, 12 bytes per state during each component
// pass, and time linear in the graph per pass and per property.
#pragma once
#include "engine.hpp"
#include "explicit_engine.hpp"

namespace tcpmc {

class LivenessEngine final : public Engine {
 public:
  explicit LivenessEngine(const CompiledSystem& sys) : sys_(sys), search_(sys) {}
  const char* name() const override { return "liveness"; }
  EngineResult check(const EngineLimits& limits) override;

 private:
  const CompiledSystem& sys_;
  ExplicitEngine search_;
};

}  // namespace tcpmc
