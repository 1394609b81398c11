#include "fair_components.hpp"

#include <algorithm>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/two_bit_color_map.hpp>
#include <span>

namespace tcpmc {
namespace {

// What the constraints do inside one component: per constraint, in how many of its states it is
// enabled, whether an edge inside takes it, whether an edge inside requests it (sends the
// segment of a Delivery constraint). Sized on demand (constraints appear as actions are met);
// reset through `touched`.
class ConstraintScan {
 public:
  template <class Inside>
  void scan(const StateGraph& g, const FairnessConstraints& F, EdgeActions& actions, const FairComponents& fc,
            std::span<const uint32_t> states, Inside inside) {
    for (int32_t c : touched_) {
      stamp_[c] = ~0u;
      enabled_[c] = 0;
      taken_[c] = requested_[c] = listed_[c] = 0;
    }
    touched_.clear();
    const int32_t time = F.time();
    for (uint32_t s : states) {
      const auto acts = actions.of(s);
      if (time >= 0 && actions.clock_running(s)) {
        touch(time);
        requested_[time] = 1;
      }
      for (uint64_t e = g.first_edge(s); e < g.end_edge(s); ++e) {
        const auto& info = F.info(acts[e - g.first_edge(s)]);
        const bool in = fc.edge_in_play(e) && inside(g.target(e));
        for (int32_t c : info.takes) {
          if (c < 0) continue;
          touch(c);
          if (stamp_[c] != s) {
            stamp_[c] = s;
            ++enabled_[c];
          }
          if (in) taken_[c] = 1;
        }
        if (in)
          for (int32_t c : info.requests)
            if (c >= 0) {
              touch(c);
              requested_[c] = 1;
            }
      }
    }
  }
  const std::vector<int32_t>& touched() const { return touched_; }
  uint32_t enabled_in(int32_t c) const { return enabled_[c]; }
  bool taken(int32_t c) const { return taken_[c]; }
  bool requested(int32_t c) const { return requested_[c]; }

 private:
  std::vector<uint32_t> stamp_, enabled_;
  std::vector<uint8_t> taken_, requested_, listed_;
  std::vector<int32_t> touched_;

  void touch(int32_t c) {
    if (static_cast<size_t>(c) >= stamp_.size()) {
      const size_t n = std::max<size_t>(c + 1, stamp_.size() * 2);
      stamp_.resize(n, ~0u);
      enabled_.resize(n, 0);
      taken_.resize(n, 0);
      requested_.resize(n, 0);
      listed_.resize(n, 0);
    }
    if (!listed_[c]) {
      listed_[c] = 1;
      touched_.push_back(c);
    }
  }
};

bool contains(const std::vector<int32_t>& v, int32_t c) { return std::find(v.begin(), v.end(), c) != v.end(); }

// Step 2's trim: the states in play from which no cycle in play can be reached leave play. One
// depth-first pass: a state is dead (leaves play) when all of its successors in play are dead; a
// successor already seen and still in play is on the depth-first stack (a cycle closes there) or
// reaches a cycle, so its predecessor reaches one too (alive, and so is every state below it on
// the stack). Each edge is read at most once, and a state's edges no further than its first live
// successor. Roots are taken in decreasing index order (breadth-first order, which most edges
// follow), so most successors are already settled when a state is reached. No counter; two bits
// per state (in play, seen) and the stack.
template <class Leave>
void trim(const StateGraph& g, const StateBits& play, ComponentBuffers& b, Leave leave) {
  b.seen.assign(g.states(), false);
  auto& stack = b.stack;
  play.for_each_set_descending([&](uint64_t root) {
    if (b.seen[root]) return;
    b.seen.set(root, true);
    stack.assign(1, {static_cast<uint32_t>(root), false, g.first_edge(static_cast<uint32_t>(root))});
    while (!stack.empty()) {
      ComponentBuffers::Frame& f = stack.back();
      if (!f.alive && f.edge < g.end_edge(f.state)) {
        const uint32_t v = g.target(f.edge++);
        if (!play[v]) continue;  // dead, or outside
        if (b.seen[v]) {
          f.alive = true;
          continue;
        }
        b.seen.set(v, true);
        stack.push_back({v, false, g.first_edge(v)});
        continue;
      }
      const ComponentBuffers::Frame done = f;
      stack.pop_back();
      if (!done.alive)
        leave(done.state);
      else if (!stack.empty())
        stack.back().alive = true;
    }
  });
}

// The subgraph of the states and edges in play, renumbered densely in state order (vertex i is
// states[i]; index[s] is the vertex of state s in play), as a CSR graph for Boost.Graph.
void build_subgraph(const StateGraph& g, const StateBits& play, const FairComponents& fc, ComponentBuffers& b) {
  if (b.index.size() < g.states()) b.index.resize(g.states());
  b.states.clear();
  play.for_each_set([&](uint64_t s) { b.states.push_back(static_cast<uint32_t>(s)); });
  for (uint32_t i = 0; i < b.states.size(); ++i) b.index[b.states[i]] = i;
  auto& rows = b.sub.m_forward.m_rowstart;
  auto& cols = b.sub.m_forward.m_column;
  rows.resize(b.states.size() + 1);
  cols.clear();
  for (uint32_t i = 0; i < b.states.size(); ++i) {
    rows[i] = cols.size();
    const uint32_t s = b.states[i];
    for (uint64_t e = g.first_edge(s); e < g.end_edge(s); ++e)
      if (fc.edge_in_play(e) && play[g.target(e)]) cols.push_back(b.index[g.target(e)]);
  }
  rows[b.states.size()] = cols.size();
}

}  // namespace

void fair_components(const StateGraph& g, const StateBits& inside, const FairnessConstraints& F, EdgeActions& actions,
                     ComponentBuffers& b, FairComponents& R) {
  const uint32_t n = g.states();
  R.comp.assign(n, FairComponents::kNone);
  R.count = 0;
  R.rounds = 0;
  R.removed_edges.clear();
  StateBits& play = b.play;
  play = inside;
  uint64_t in_play = 0;
  inside.for_each_set([&](uint64_t s) {
    if (g.terminal(static_cast<uint32_t>(s))) {
      R.comp[s] = R.count++;
      play.set(s, false);
    } else {
      ++in_play;
    }
  });
  std::vector<uint32_t>& scc = b.scc;
  std::vector<uint32_t>& size_or_rank = b.size_or_rank;  // per component: its size, then (kRanked | rank) once ranked
  std::vector<uint32_t>& flat = b.flat;                  // the cycle components' states, grouped by rank
  std::vector<uint64_t>& start = b.start;                // per rank: where its states begin in flat
  constexpr uint32_t kRanked = 0x80000000u;
  ConstraintScan scan;
  auto leave = [&](uint32_t s) {
    play.set(s, false);
    --in_play;
  };
  auto remove_edge = [&](uint64_t e) {
    if (R.removed_edges.empty()) R.removed_edges.assign((g.edges() + 63) / 64, 0);
    R.removed_edges[e >> 6] |= 1ull << (e & 63);
  };
  if (in_play > 0) trim(g, play, b, leave);
  while (in_play > 0) {
    ++R.rounds;
    build_subgraph(g, play, R, b);
    const uint32_t m = static_cast<uint32_t>(b.states.size());
    scc.resize(m);
    b.root.resize(m);
    b.discover.resize(m);
    const auto index = get(boost::vertex_index, b.sub);
    boost::two_bit_color_map<decltype(index)> color(m, index);
    const uint32_t ncomp = boost::strong_components(
        b.sub, boost::make_iterator_property_map(scc.begin(), index),
        boost::root_map(boost::make_iterator_property_map(b.root.begin(), index))
            .discover_time_map(boost::make_iterator_property_map(b.discover.begin(), index))
            .color_map(color));
    auto scc_of = [&](uint32_t s) { return scc[b.index[s]]; };
    // A single state without a self-loop is no cycle: it leaves play. The other components are
    // ranked in order of their smallest state, each with its states in increasing order.
    size_or_rank.assign(ncomp, 0);
    for (uint32_t i = 0; i < m; ++i) ++size_or_rank[scc[i]];
    start.assign(1, 0);
    for (uint32_t i = 0; i < m; ++i) {
      const uint32_t s = b.states[i];
      uint32_t& v = size_or_rank[scc[i]];
      if (v & kRanked) continue;
      bool cycle = v > 1;
      for (uint64_t e = g.first_edge(s); !cycle && e < g.end_edge(s); ++e) cycle = g.target(e) == s && R.edge_in_play(e);
      if (!cycle) {
        leave(s);
        continue;
      }
      start.push_back(start.back() + v);
      v = kRanked | static_cast<uint32_t>(start.size() - 2);
    }
    const uint32_t ranked = static_cast<uint32_t>(start.size() - 1);
    flat.resize(start.back());
    b.cursor.assign(start.begin(), start.end() - 1);
    for (uint32_t i = 0; i < m; ++i)
      if (play[b.states[i]]) flat[b.cursor[size_or_rank[scc[i]] & ~kRanked]++] = b.states[i];
    bool again = false;
    for (uint32_t k = 0; k < ranked; ++k) {
      const std::span<const uint32_t> states(flat.data() + start[k], start[k + 1] - start[k]);
      const uint32_t c = scc_of(states[0]);
      auto inside_c = [&](uint32_t t) { return play[t] && scc_of(t) == c; };
      scan.scan(g, F, actions, R, states, inside_c);
      bool weak_unfair = false, time_unmet = false;
      std::vector<int32_t> unmet_enabled, unmet_requested;  // strong/Delivery constraints not taken
      for (int32_t f : scan.touched()) {
        if (scan.taken(f)) continue;
        if (F.kind(f) == FairnessConstraints::Kind::Weak) {
          if (scan.enabled_in(f) == states.size()) weak_unfair = true;
          continue;
        }
        if (F.kind(f) == FairnessConstraints::Kind::Time) {
          if (scan.requested(f)) time_unmet = true;
          continue;
        }
        if (scan.enabled_in(f) > 0) unmet_enabled.push_back(f);
        if (scan.requested(f)) unmet_requested.push_back(f);
      }
      if (weak_unfair) {
        for (uint32_t s : states) leave(s);
      } else if (!unmet_enabled.empty() || !unmet_requested.empty() || time_unmet) {
        // Out of play: the states where an unmet constraint is enabled, those where a clock runs
        // when no tick is inside, and the edges inside that send an undelivered segment.
        for (uint32_t s : states) {
          const auto acts = actions.of(s);
          bool out = time_unmet && actions.clock_running(s);
          for (uint64_t e = g.first_edge(s); e < g.end_edge(s); ++e) {
            const auto& info = F.info(acts[e - g.first_edge(s)]);
            for (int32_t f : info.takes)
              if (f >= 0 && contains(unmet_enabled, f)) out = true;
            if (R.edge_in_play(e) && inside_c(g.target(e)))
              for (int32_t f : info.requests)
                if (f >= 0 && contains(unmet_requested, f)) remove_edge(e);
          }
          if (out) leave(s);
        }
        again = true;
      } else {
        const uint32_t id = R.count++;
        for (uint32_t s : states) {
          R.comp[s] = id;
          leave(s);
        }
      }
    }
    if (!again) break;
  }
}

}  // namespace tcpmc
