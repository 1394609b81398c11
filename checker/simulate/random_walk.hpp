// Random simulation: runs of a CompiledSystem from its initial state, each step chosen uniformly
// among the transitions `successors` enumerates in that state (fault budgets are part of the
// state, so a run never loses or duplicates more than the run's budget). Every selected invariant
// is evaluated at every state visited, and every selected stuck property at a visited state
// without successors (unless a full channel blocked its moves: an artefact of the capacity bound,
// as in the explicit engine).
//
// What it can and cannot say: a violation found is a real run of the model (the witness is
// rebuilt from the visited states and checked with validate_trace before it is returned), but not
// necessarily a shortest one; a property never violated is only "not violated in N runs", never
// "holds". A reachable property is judged the other way round: `violated` (with its witness,
// the shortest run found) means some run reached a state satisfying it, so it holds; never
// reached is only "not reached in N runs", never "violated".
//
// Determinism: the only randomness is one std::mt19937_64 seeded with `seed` (its output is fixed
// by the C++ standard), drawing one number per step (index = draw mod the number of successors;
// the modulo bias is below 2^-50 for any realistic successor count). The same system, seed and
// options give the same runs, witnesses and counts on every platform and build.
// Cost: per step, one successor enumeration (each successor copied), the invariants, and one
// hash-set insertion of the packed state (for the distinct-state count, capped at
// kMaxDistinctTracked states). A run keeps its own states, so memory is O(max_steps) plus the set.
// Never prints: progress goes to SimulationOptions::on_progress.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "compiled_system.hpp"
#include "trace.hpp"

namespace tcpmc {

struct SimulationProgress {
  uint64_t runs_done = 0, runs = 0;
  uint64_t steps = 0;       // transitions taken so far, all runs
  uint64_t violated = 0;    // selected properties violated so far
  double seconds = 0;
  bool final = false;       // the simulation is over (sent once, only after an earlier report)
};

struct SimulationOptions {
  uint64_t seed = 1;
  uint64_t runs = 1000;
  uint64_t max_steps = 200;        // transitions per run
  std::vector<uint8_t> selected;   // which properties to check, by index (empty = all)
  std::function<void(const SimulationProgress&)> on_progress;  // about every half second
};

struct SimulatedProperty {
  bool checked = true;   // false for a property not selected, and for coverage properties
  bool violated = false; // for a reachable property: reached
  uint64_t found_in_run = 0;    // 1-based run whose witness is kept (the shortest found; first on ties)
  uint64_t violating_runs = 0;  // runs in which the property was violated
  std::optional<Trace> witness;
};

constexpr uint64_t kMaxDistinctTracked = uint64_t{1} << 22;

struct SimulationResult {
  uint64_t runs = 0;             // runs done (fewer than asked when interrupted or on a model error)
  uint64_t steps = 0;            // transitions taken, all runs
  uint64_t longest_run = 0;      // in transitions
  uint64_t dead_ends = 0;        // runs that reached a state without successors before the step bound
  uint64_t distinct_states = 0;  // distinct states visited (at least this many if capped)
  bool distinct_capped = false;  // more than kMaxDistinctTracked distinct states: counting stopped
  std::set<std::pair<int, int>> tcp_state_pairs;  // (A's TCP state, B's TCP state) visited
  std::vector<SimulatedProperty> properties;      // indexed like the model's properties
  bool interrupted = false;
  std::optional<ModelError> model_error;
  std::optional<Trace> model_error_trace;  // the run to the state where evaluation failed, with the error
  bool replay_failed = false;              // a witness did not validate: a bug in tcpmc, never shown
  double seconds = 0;
};

SimulationResult simulate(const CompiledSystem& sys, const SimulationOptions& opts);

}  // namespace tcpmc
