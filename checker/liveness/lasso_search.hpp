// Lasso search: the witness that a temporal property is violated, as a run of the reachable graph
// that reaches a fair component and then loops in it for ever.
//
// For `P ~> Q` (for `eventually P`: the initial state ~> P) a violation is a state where P holds
// and Q does not, followed by a path of states where Q does not hold into a fair component of
// those states (fair_components.hpp). The prefix is a shortest such run: the breadth-first tree of
// the search up to the trigger state (state indices are breadth-first order), then a breadth-first
// search through states without Q, seeded by every trigger state at its own depth, so the
// component is entered as early as any run can enter one. The loop starts where the prefix
// enters the component and is built greedily: from where it stands, the nearest edge or state that
// meets a constraint not yet met (every strong or Delivery constraint enabled or requested in the
// component is taken; every weak one is taken or seen disabled), then back to the loop's first
// state by a shortest path, along the edges still in play. A
// terminal state gives an empty loop (the run stays there).
// Everything is deterministic (fixed orders, smallest index first), so the same graph gives the
// same lasso.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "fair_components.hpp"
#include "state_store.hpp"

namespace tcpmc {

struct Lasso {
  std::vector<uint64_t> edges;  // graph edges, in the order the run takes them
  size_t loop_start = 0;        // edges[loop_start..] is the loop (empty: stays in the last state)
};

// `trigger` null: `eventually` (the trigger is the initial state). `depth`: per state, its depth in
// the breadth-first tree `bfs_tree` (shared by every property and thread).
std::optional<Lasso> find_lasso(const StateGraph& g, const std::vector<uint32_t>& depth, const StateStore& bfs_tree,
                                const StateBits& goal,
                                const StateBits* trigger, const FairComponents& fair, const FairnessConstraints& F,
                                EdgeActions& actions);

}  // namespace tcpmc
