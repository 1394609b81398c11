// Lasso fairness: an independent check that a lasso's loop is fair, made on the trace itself
// (the model's successors of each loop state, the labels of the loop's steps), not on the graph
// and components that found it. The liveness engine shows no lasso that fails it.
//
// The loop (steps[loop_start..]) is fair when, for every constraint (fairness_constraints.hpp):
//   - weak: it is disabled in some loop state, or a loop step takes it;
//   - strong and Delivery: if it is enabled in some loop state, or a loop step sends its segment,
//     a loop step takes it;
//   - time: if a clock runs in some loop state, a loop step is a tick.
// An empty loop (the run stays in its last state) is fair when no move is possible there.
#pragma once
#include "fairness_constraints.hpp"
#include "trace.hpp"

namespace tcpmc {

bool loop_is_fair(const CompiledSystem& sys, const Trace& lasso, FairnessConstraints& F);

}  // namespace tcpmc
