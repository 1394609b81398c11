// Liveness engine: checks temporal properties (`eventually P`, `P ~> Q`) under fairness, and
// every other property as the explicit engine does.
//
// It runs the explicit breadth-first search with the reachable graph recorded (each edge's
// target, each temporal property's predicates per state), then judges each temporal property
// (temporal_judge.hpp): its trigger region (trigger_region.hpp: what the trigger states reach
// without the goal), the fair components there (fair_components.hpp: a trim, then Boost.Graph's
// strong_components over a compressed-sparse-row graph of what is left, refined for fairness),
// and, if a run can reach one, the shortest lasso (lasso_search.hpp), replayed through the model
// and checked to close its loop and to be fair (lasso_fairness.hpp) before it is returned. A
// temporal property is judged only on a complete search: a search stopped by a limit leaves it
// inconclusive. Fairness: the spec's declarations (fairness_constraints.hpp), or none when
// EngineLimits::fairness is false.
// Threads: the properties are judged concurrently, one judge per thread (at most
// EngineLimits::threads, at most one per property), each taking the next property not taken, the
// largest first (most states without the goal). Each judgement depends only on the graph, the
// property and the fairness, and writes only its own property's outcome; the graph is recorded by
// the search's merge. So verdicts, lassos and reports are the same for every thread count and in
// any order the threads happen to take the properties. An exception in a judge (out of memory)
// stops the others taking more and is rethrown by check() once every thread has stopped.
// Cost: 4 bytes per edge and 8 per state for the graph; per judge, about 9 bytes per state
// (components, region, queue) plus, when strong_components runs, 4 per state and 16 per state in
// play; time about linear in each trigger region per property, spread over the threads.
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
