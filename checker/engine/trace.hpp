// Trace: the one counterexample type every engine produces and every output format renders.
// A trace is the initial state and a list of steps; each step is the Label of the transition
// taken and the full unpacked state after it. A trace is built only by replaying labels or
// state sequences through the CompiledSystem (replay_path), so every trace shown is a real run of
// the model. A trace may end in a model error (the last step's effect failed), described by `error`.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiled_system.hpp"

namespace tcpmc {

struct TraceStep {
  Label label;
  std::vector<int32_t> state;  // after the step
};

struct Trace {
  std::vector<int32_t> initial;
  std::vector<TraceStep> steps;
  std::optional<ModelError> error;  // the run ends in a model error after the last step
  // A lasso (the witness of a violated temporal property): the run goes on for ever by repeating
  // steps[loop_start .. end) -- the state after step loop_start-1 (the initial state when 0) is the
  // state the last step reaches. loop_start == steps.size() says the run stays in its last state
  // for ever (no move is possible there). Unset for a finite run.
  std::optional<size_t> loop_start;
  // A counterexample to induction: `initial` is not the model's initial state but any state the
  // assumptions of the induction step allow, so the run is not necessarily reachable.
  bool from_arbitrary_state = false;
  // The state the loop starts from (valid only when loop_start is set).
  const std::vector<int32_t>& loop_state() const { return *loop_start == 0 ? initial : steps[*loop_start - 1].state; }
  const std::vector<int32_t>& final_state() const { return steps.empty() ? initial : steps.back().state; }
};

// Rebuilds the run that visits the packed states `path` (path[0] must be the initial state) by
// regenerating successors: for each pair, the first successor (in the system's fixed order)
// equal to the next state. Returns nullopt if some step is not a transition of the model.
std::optional<Trace> replay_path(const CompiledSystem& sys, const std::vector<std::vector<uint64_t>>& path);

// Rebuilds the run that takes, from the initial state, the choices[i]-th successor (in the
// system's fixed order) at step i. Returns nullopt if a state has fewer successors.
std::optional<Trace> replay_choices(const CompiledSystem& sys, const std::vector<uint32_t>& choices);

// Checks a trace against the model: its first state is the model's initial state (unless the
// trace is from_arbitrary_state, a counterexample to induction), and each step is the transition
// its label names, fired from the state before (CompiledSystem::fire, no enumeration: a trace at
// 32 bits with any seq parameter value checks at once): the same kind, endpoint, rule instance,
// parameters, position and segment, the same segments sent (and lost to a full channel), and
// exactly the step's state. Used before any counterexample is shown. For a lasso it also checks
// that the loop closes (the last state is the loop's first state), or, for a run that stays in
// its last state, that no move is possible there.
bool validate_trace(const CompiledSystem& sys, const Trace& t);

// The same without looking at the first state: every step from the one before, whatever state
// the trace starts from (a counterexample to induction starts from any state its assumptions allow).
bool validate_steps(const CompiledSystem& sys, const Trace& t);

}  // namespace tcpmc
