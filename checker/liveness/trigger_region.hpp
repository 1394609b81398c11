// Trigger region: the states where a violation of a temporal property can run: those reachable
// from a trigger state (P and not Q for `P ~> Q`; the initial state, unless Q holds there, for
// `eventually Q`) through states without the goal Q.
//
// Why it is enough: every run a lasso can follow (lasso_search.hpp) lies in the region, and the
// region is closed under the successors without Q, so each strongly connected component of the
// states without Q lies wholly in the region or wholly outside it. The fair components of the
// region (fair_components.hpp) are thus exactly the fair components of the states without Q that a
// violation can reach, and they cost the region's size, not the whole graph's.
// Cost: one breadth-first pass over the region's edges; the region's bits and a queue of its states,
// buffers the caller keeps from property to property (no allocation once they are grown).
#pragma once
#include <cstdint>
#include <vector>

#include "state_graph.hpp"

namespace tcpmc {

// Fills `region` (one bit per state) and returns its size; `queue` is scratch. `trigger` null:
// `eventually` (the trigger is the initial state).
uint64_t trigger_region(const StateGraph& g, const StateBits& goal, const StateBits* trigger, StateBits& region,
                        std::vector<uint32_t>& queue);

}  // namespace tcpmc
