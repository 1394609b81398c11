// Explicit-state engine: exhaustive breadth-first search over a CompiledSystem.
//
// Checks every invariant in every reachable state and every stuck property in every state
// without successors; the first violation found for a property is at minimal depth (BFS), and
// exploration order is fixed, so the counterexample is the same on every run. Exploration goes on
// after violations, to give complete state counts and coverage, unless a limit stops it
// (max states, memory), in which case the result is incomplete and unviolated properties are
// inconclusive. Counterexamples are rebuilt by replaying through the model (trace.hpp).
// Parallelism: a window of discovered states is split among threads that expand them (unpack,
// invariants, successors, pack) into private buffers; one merge then inserts the successors in
// state order, so state numbering, verdicts, counterexamples and coverage are the same for every
// thread count.
// Cost: per state, one unpack, the successor function, and one pack + hash lookup per successor.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiled_system.hpp"
#include "state_store.hpp"
#include "trace.hpp"

namespace tcpmc {

struct EngineLimits {
  uint64_t max_states = 0;    // 0 = no limit
  uint64_t memory_limit_mb = 0;  // 0 = no limit
  bool progress = true;       // progress line on stderr for runs longer than a few seconds
  int threads = 1;            // workers expanding states; results are identical for every count
};

enum class Verdict { Holds, Violated, Inconclusive };
const char* verdict_name(Verdict v);

struct PropertyOutcome {
  Verdict verdict = Verdict::Inconclusive;
  uint32_t witness = StateStore::kNoParent;  // the violating state (its index in the store)
  uint32_t depth = 0;
};

struct EndpointTransition {
  int ep = 0;
  int rule = -1;  // model rule index
  int from = 0, to = 0;
  uint64_t count = 0;
};

struct Coverage {
  std::vector<uint64_t> fired;    // per rule instance
  std::vector<uint64_t> overflow; // per rule instance: segments it sent into a full channel (lost,
                                  // charged to the loss budget)
  uint64_t capacity_blocked = 0;  // transitions blocked: a full channel and the loss budget spent
  uint64_t capacity_cut_states = 0;  // states whose every move was so blocked (not judged as stuck)
  uint64_t time_frozen_states = 0;   // states where an expired timer's timeout cannot fire (no tick)
  uint64_t unhandled[2] = {0, 0}; // segments no recv rule took, per receiving endpoint
  std::vector<EndpointTransition> endpoint_transitions;  // sorted by (ep, from, rule, to)
};

struct ExplorationResult {
  uint64_t states = 0;
  uint64_t transitions = 0;
  uint32_t depth = 0;
  bool complete = false;
  std::string stop_reason;  // why an incomplete run stopped
  double seconds = 0;
  uint64_t memory_bytes = 0;
  std::vector<PropertyOutcome> properties;
  Coverage coverage;
  std::optional<ModelError> model_error;
  uint32_t model_error_state = StateStore::kNoParent;  // the state whose successor failed
};

class ExplicitEngine {
 public:
  explicit ExplicitEngine(const CompiledSystem& sys);
  ExplorationResult run(const EngineLimits& limits);

  // The shortest run to a stored state, replayed through the model; nullopt if replay fails
  // (which would be a bug in tcpmc).
  std::optional<Trace> trace_to(uint32_t state) const;

 private:
  const CompiledSystem& sys_;
  StateStore store_;
};

}  // namespace tcpmc
