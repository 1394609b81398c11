// The one place that turns a Z3 model into a Trace: it reads the slots of steps 0..n and the
// action each step selected (with its parameters), then rebuilds the run by firing those labels
// through the CompiledSystem, so that the trace shown is a run of the explicit semantics. A
// decoded state that the explicit semantics does not reach is a bug in the encoding: the
// decoder then returns nothing and the engine reports a replay failure (exit 6).
#pragma once
#include <optional>
#include <vector>

#include <z3++.h>

#include "trace.hpp"
#include "transition_relation.hpp"

namespace tcpmc::symbolic {

struct DecodedRun {
  std::vector<std::vector<int32_t>> states;  // steps 0..n
  std::vector<Label> labels;                 // n labels: kind, endpoint, instance, position, parameters
};

// The label of one action with its parameters as `model` chose them.
Label decode_label(const z3::model& model, const Action& action);

// Reads steps 0..n of `model` (the relation must have built steps 0..n-1).
DecodedRun decode_run(const z3::model& model, TransitionRelation& relation, size_t n);

// The run as a Trace, replayed through the explicit semantics; nullopt when some step is not a
// transition of the model (or, unless from_arbitrary_state, the first state is not the initial one).
std::optional<Trace> replay_decoded(const CompiledSystem& sys, const DecodedRun& run, bool from_arbitrary_state);

}  // namespace tcpmc::symbolic
