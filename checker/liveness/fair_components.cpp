#include "fair_components.hpp"

#include <algorithm>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/two_bit_color_map.hpp>
#include <span>

namespace tcpmc {
namespace {

struct StateInPlay {
  const StateBits* bits = nullptr;
  bool operator()(uint32_t s) const { return (*bits)[s]; }
};
struct EdgeInPlay {
  const FairComponents* fc = nullptr;
  bool operator()(const boost::graph_traits<Csr>::edge_descriptor& e) const { return fc->edge_in_play(e.idx); }
};

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

}  // namespace

FairComponents fair_components(const StateGraph& g, const StateBits& inside, const FairnessConstraints& F,
                               EdgeActions& actions) {
  const uint32_t n = g.states();
  FairComponents R;
  R.comp.assign(n, FairComponents::kNone);
  StateBits play = inside;
  uint64_t in_play = 0;
  for (uint32_t s = 0; s < n; ++s) {
    if (!play[s]) continue;
    if (g.terminal(s)) {
      R.comp[s] = R.count++;
      play.set(s, false);
    } else {
      ++in_play;
    }
  }
  std::vector<uint32_t> scc(n), root(n), discover(n);
  std::vector<uint32_t> size_or_rank;  // per component: its size, then (kRanked | rank) once ranked
  std::vector<uint32_t> flat;          // the cycle components' states, grouped by rank
  std::vector<uint64_t> start;         // per rank: where its states begin in flat
  constexpr uint32_t kRanked = 0x80000000u;
  ConstraintScan scan;
  const auto index = get(boost::vertex_index, g.csr());
  auto leave = [&](uint32_t s) {
    play.set(s, false);
    --in_play;
  };
  auto remove_edge = [&](uint64_t e) {
    if (R.removed_edges.empty()) R.removed_edges.assign((g.edges() + 63) / 64, 0);
    R.removed_edges[e >> 6] |= 1ull << (e & 63);
  };
  while (in_play > 0) {
    ++R.rounds;
    boost::filtered_graph<Csr, EdgeInPlay, StateInPlay> sub(g.csr(), EdgeInPlay{&R}, StateInPlay{&play});
    boost::two_bit_color_map<decltype(index)> color(n, index);
    const uint32_t ncomp = boost::strong_components(
        sub, boost::make_iterator_property_map(scc.begin(), index),
        boost::root_map(boost::make_iterator_property_map(root.begin(), index))
            .discover_time_map(boost::make_iterator_property_map(discover.begin(), index))
            .color_map(color));
    // A single state without a self-loop is no cycle: it leaves play. The other components are
    // ranked in order of their smallest state, each with its states in increasing order.
    size_or_rank.assign(ncomp, 0);
    for (uint32_t s = 0; s < n; ++s)
      if (play[s]) ++size_or_rank[scc[s]];
    start.assign(1, 0);
    for (uint32_t s = 0; s < n; ++s) {
      if (!play[s]) continue;
      uint32_t& v = size_or_rank[scc[s]];
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
    {
      std::vector<uint64_t> cursor(start.begin(), start.end() - 1);
      for (uint32_t s = 0; s < n; ++s)
        if (play[s]) flat[cursor[size_or_rank[scc[s]] & ~kRanked]++] = s;
    }
    bool again = false;
    for (uint32_t k = 0; k < ranked; ++k) {
      const std::span<const uint32_t> states(flat.data() + start[k], start[k + 1] - start[k]);
      const uint32_t c = scc[states[0]];
      auto inside_c = [&](uint32_t t) { return play[t] && scc[t] == c; };
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
  return R;
}

}  // namespace tcpmc
