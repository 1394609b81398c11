// Fair components: within a set of states (`inside`: for a property P ~> Q, the trigger region of
// the states where Q does not hold, trigger_region.hpp), the strongly connected components in
// which a run can stay for ever and be fair.
//
// Algorithm (the Emerson-Lei refinement for weak, strong and Streett fairness):
//   1. A terminal state (no move possible) is its own fair component: the run stays there.
//   2. First the trim: the states from which no cycle in play can be reached leave play (one
//      depth-first pass; such a state is a single-state component without a cycle); on a set
//      without cycles (as on every property of rfc9293) nothing is left. Then the strongly
//      connected components of what is in play are computed with Boost.Graph's
//      strong_components (Tarjan) over a compressed-sparse-row graph of the states and edges
//      still in play, renumbered densely in state order (no per-edge predicate on the hot path).
//   3. A component without an edge inside it is no cycle: its states leave play. In a cycle
//      component, with the actions of its edges (EdgeActions):
//      - a weak constraint enabled in every state and taken on no edge inside makes every cycle
//        there unfair: the component leaves play;
//      - a strong (or Delivery) constraint enabled in some state and taken on no edge inside
//        cannot be met by a cycle through those states: they leave play;
//      - a Delivery constraint requested on an edge inside (the segment is sent) and taken on
//        none cannot be met by a cycle through that edge: such edges leave play;
//      - with no tick inside, the states where a clock runs leave play (time must pass there);
//      and what is left of the component is looked at again (step 2's strong_components; the
//      trim runs once, before the first round). Otherwise the component
//      is fair: a cycle through all of its states and edges satisfies every constraint.
// Deterministic: components are looked at in order of their smallest state, so the result depends
// only on the graph and `inside` (not on the order of earlier calls, nor on the thread).
// Memory: the caller's ComponentBuffers (one per thread, reused from call to call: no allocation
// once grown): two bits per state (in play, seen) and the trim's stack (16 bytes per state on it);
// when strong_components runs, 4 bytes per state of the graph (dense index), the states in play
// and their edges (4 bytes each) as the subgraph, 12 bytes per state in play for Tarjan; the
// result's component per state; one bit per edge when an edge leaves play, and the actions of the
// cycle components' states.
#pragma once
#include <cstdint>
#include <vector>

#include "fairness_constraints.hpp"
#include "state_graph.hpp"

namespace tcpmc {

struct FairComponents {
  static constexpr uint32_t kNone = ~0u;
  std::vector<uint32_t> comp;  // per state: its fair component (numbered from 0), or kNone
  uint32_t count = 0;
  uint32_t rounds = 0;         // strong_components passes made
  std::vector<uint64_t> removed_edges;  // bit per edge: out of play (empty: none)
  bool edge_in_play(uint64_t e) const { return removed_edges.empty() || !(removed_edges[e >> 6] >> (e & 63) & 1); }
};

// Scratch space of fair_components, kept by the caller from call to call.
struct ComponentBuffers {
  StateBits play;                                  // the states still in play
  StateBits seen;                                  // the trim's: states reached
  struct Frame {
    uint32_t state;
    bool alive;  // reaches a cycle in play
    uint64_t edge;
  };
  std::vector<Frame> stack;                        // the trim's depth-first stack
  std::vector<uint32_t> index;                     // per state in play: its subgraph vertex
  std::vector<uint32_t> states;                    // per subgraph vertex: its state
  Csr sub;                                         // the subgraph in play
  std::vector<uint32_t> scc, root, discover;       // per subgraph vertex: Tarjan's
  std::vector<uint32_t> size_or_rank, flat;
  std::vector<uint64_t> start, cursor;
};

// Fills `out` (its buffers reused).
void fair_components(const StateGraph& g, const StateBits& inside, const FairnessConstraints& F, EdgeActions& actions,
                     ComponentBuffers& buffers, FairComponents& out);

}  // namespace tcpmc
