// Temporal judge: judges temporal properties, one at a time, on the recorded reachable graph: the
// trigger region of the property (trigger_region.hpp), its fair components (fair_components.hpp),
// and, if a run can reach one, the shortest lasso (lasso_search.hpp), replayed through the model
// and checked to close its loop and to be fair (lasso_fairness.hpp) before it is returned.
//
// One judge per thread. What a judge owns is its own: the fairness constraints' interning and the
// edge actions it has computed (EdgeActions, for the states on cycles), and its buffers, reused
// from property to property (no allocation per state once grown). What the judges share is read
// only: the graph, the predicate bits, the breadth-first depths (computed once, by the first judge
// that needs them). A judgement depends only on the graph, the property and the fairness (the
// interning order of actions never shows: constraints are only compared and counted), so every
// thread, in any order, gives the same verdict and the same lasso.
// Memory per judge: 4 bytes per state for the components, two bits per state (region, in play), a
// queue of the trigger region's states, and 4 bytes per state (dense index) once strong_components
// has run (fair_components.hpp); 8 bytes per state more while a lasso is sought.
#pragma once
#include <mutex>
#include <vector>

#include "engine.hpp"
#include "fair_components.hpp"
#include "state_store.hpp"

namespace tcpmc {

// Per state, its depth in the search's breadth-first tree, computed on first use (thread-safe).
class TreeDepths {
 public:
  TreeDepths(const StateStore& tree, uint32_t states) : tree_(tree), states_(states) {}
  const std::vector<uint32_t>& get();

 private:
  const StateStore& tree_;
  uint32_t states_;
  std::once_flag once_;
  std::vector<uint32_t> depth_;
};

// What every judge reads (owned by the liveness engine).
struct TemporalInput {
  const CompiledSystem& sys;
  const StateGraph& graph;
  const StateStore& store;  // the states, and the breadth-first tree
  const std::vector<int>& temporal;  // per judged property: its model property index
  const std::vector<StateBits>& goal;
  const std::vector<StateBits>& trigger;  // per property: its trigger P (`P ~> Q`), unused for `eventually`
  bool fairness;                          // EngineLimits::fairness
  TreeDepths& depths;
};

class TemporalJudge {
 public:
  explicit TemporalJudge(const TemporalInput& in);
  // Judges temporal property t (an index into in.temporal): its verdict, and for a violation the
  // lasso's length and replayed trace (none if the replay failed: see replay_failed()).
  void judge(size_t t, PropertyOutcome& out);
  uint32_t scc_rounds() const { return scc_rounds_; }
  bool replay_failed() const { return replay_failed_; }

 private:
  const TemporalInput& in_;
  FairnessConstraints F_;
  EdgeActions actions_;
  StateBits region_;
  std::vector<uint32_t> queue_;
  ComponentBuffers buffers_;
  FairComponents fair_;
  uint32_t scc_rounds_ = 0;
  bool replay_failed_ = false;
};

}  // namespace tcpmc
