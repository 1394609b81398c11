// Explicit-state engine: exhaustive breadth-first search over a CompiledSystem.
//
// Checks every invariant in every reachable state and every stuck property in every state
// without successors; the first violation found for a property is at minimal depth (BFS), and
// exploration order is fixed, so the counterexample is the same on every run. A reachable
// property is evaluated in every state until one satisfies it (it then holds, and that state's
// run is its witness, shortest likewise); a complete search without one violates it. Exploration goes on
// after violations, to give complete state counts and coverage, unless a limit stops it
// (max states, memory), in which case the result is incomplete and unviolated properties are
// inconclusive. Counterexamples are rebuilt by replaying through the model (trace.hpp).
// Parallelism: a window of discovered states is cut into chunks that threads expand (unpack,
// invariants, successors, pack, hash) into private buffers. The window's successors are then
// merged into the visited set, whose table is sharded by hash: the owner of each shard looks its
// successors up in global (parent, position) order, so the first occurrence of a new state (the
// one a sequential search inserts) claims it; prefix sums over the claims number the new states
// in that order, and threads copy them into the arena in parallel (no atomic operation on the
// table: each shard has one owner at a time). Where no limit can stop the window, the expanding
// threads make those claims themselves, lock-free (StateStore::claim_concurrent: of two claims of
// one state the first in (parent, position) order keeps the slot), and the merge only numbers;
// a window whose claims overflow their room, or with a model error, is given back to the merge
// above. A window where a limit or a model error may stop the
// search is merged state by state, as at -j1, which never uses threads or atomics. So state
// numbering, verdicts, counterexamples, coverage and the recorded graph are the same for every
// thread count.
// Cost: per state, one unpack, the successor function, and one pack + hash lookup per successor.
// Temporal properties are not judged here: with record_graph() the search also records the
// reachable graph, with each edge's action and each temporal property's predicates per state,
// for the liveness engine (checker/liveness/).
// With EngineLimits::compress the store keeps 64-bit fingerprints (state_store.hpp): the search,
// its order and both merges are the same (a window's first occurrence of a fingerprint claims it),
// no graph is recorded, and a counterexample is rebuilt from the successor positions on its path.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "engine.hpp"
#include "reachable_graph.hpp"
#include "state_store.hpp"

namespace tcpmc {

class ExplicitEngine final : public Engine {
 public:
  explicit ExplicitEngine(const CompiledSystem& sys);
  const char* name() const override { return "explicit"; }
  EngineResult check(const EngineLimits& limits) override;
  // Makes the next check() fill `graph` (which must outlive it) with the reachable graph.
  void record_graph(ReachableGraph* graph) { graph_ = graph; }
  // A stored state by index (valid after check()).
  // The visited states (valid after check()): packed states by index, and the breadth-first tree.
  const StateStore& store() const { return store_; }
  // Frees the store's lookup table (check() may not be called again).
  void release_index() { store_.release_index(); }
  // Lowers the state count at which the search stops ("state index space exhausted", at most
  // StateStore::kMaxStates), so that tests reach that stop on a small model.
  void set_index_limit(uint64_t n) { index_limit_ = n; }
  // Tests: the claims per slice and shard a window may make during the expansion (at -j2 and up)
  // before it falls back to the plain parallel merge; it doubles at each fallback.
  void set_claim_budget(uint64_t n) { claim_budget_ = n; }

 private:
  struct Witnesses;  // the violating states found by explore(), indices into the store
  EngineResult explore(const EngineLimits& limits, Witnesses& w);
  // The shortest run to a stored state, replayed through the model; nullopt if replay fails
  // (which would be a bug in tcpmc).
  std::optional<Trace> trace_to(uint32_t state) const;
  std::vector<std::vector<uint64_t>> path_by_positions(uint32_t state) const;

  const CompiledSystem& sys_;
  StateStore store_;
  ReachableGraph* graph_ = nullptr;
  uint64_t index_limit_ = StateStore::kMaxStates;
  uint64_t claim_budget_ = 4096;
};

}  // namespace tcpmc
