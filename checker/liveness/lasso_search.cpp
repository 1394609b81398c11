#include "lasso_search.hpp"

#include <algorithm>
#include <deque>

namespace tcpmc {
namespace {

constexpr uint32_t kUnseen = ~0u;
constexpr uint32_t kEntered = ~0u - 1;  // phase-1 parent: entered from the breadth-first tree here

// The first edge from `from` to `to` that `usable` accepts.
template <class Usable>
uint64_t edge_to(const StateGraph& g, uint32_t from, uint32_t to, Usable usable) {
  for (uint64_t e = g.first_edge(from); e < g.end_edge(from); ++e)
    if (g.target(e) == to && usable(e)) return e;
  return ~0ull;  // not reached: callers pass pairs of the graph's own paths
}

// Breadth-first search along the edges in_loop(e) from `from` for the nearest edge with
// edge_goal(e, its source) (it is taken) or state with state_goal(s) (the path stops there).
// Appends the edges walked to `out` and returns the state reached (kUnseen: none).
template <class InLoop, class EdgeGoal, class StateGoal>
uint32_t walk_to(const StateGraph& g, InLoop in_loop, uint32_t from, EdgeGoal edge_goal, StateGoal state_goal,
                 std::vector<uint32_t>& parent, std::vector<uint32_t>& seen, uint32_t stamp,
                 std::vector<uint64_t>& out) {
  std::vector<uint32_t> queue{from};
  seen[from] = stamp;
  auto path_to = [&](uint32_t s) {
    std::vector<uint64_t> rev;
    for (uint32_t t = s; t != from; t = parent[t]) rev.push_back(edge_to(g, parent[t], t, in_loop));
    out.insert(out.end(), rev.rbegin(), rev.rend());
  };
  for (size_t head = 0; head < queue.size(); ++head) {
    const uint32_t u = queue[head];
    if (u != from && state_goal(u)) {
      path_to(u);
      return u;
    }
    for (uint64_t e = g.first_edge(u); e < g.end_edge(u); ++e) {
      if (!in_loop(e)) continue;
      if (edge_goal(e, u)) {
        path_to(u);
        out.push_back(e);
        return g.target(e);
      }
      const uint32_t v = g.target(e);
      if (seen[v] != stamp) {
        seen[v] = stamp;
        parent[v] = u;
        queue.push_back(v);
      }
    }
  }
  return kUnseen;
}

}  // namespace

std::optional<Lasso> find_lasso(const StateGraph& g, const std::vector<uint32_t>& depth, const StateStore& tree,
                                const StateBits& goal, const StateBits* trigger, const FairComponents& fair,
                                const FairnessConstraints& F, EdgeActions& actions) {
  const uint32_t n = g.states();
  if (fair.count == 0 || n == 0) return std::nullopt;
  // Phase 1: through states without the goal, seeded by the trigger states in index order (their
  // depths never decrease), merged with the queue by distance.
  std::vector<uint32_t> dist(n, kUnseen), parent(n, kUnseen);
  auto is_source = [&](uint32_t s) { return !goal[s] && (trigger ? (*trigger)[s] : s == 0); };
  std::deque<uint32_t> queue;
  uint32_t next_source = 0, found = kUnseen;
  auto advance_source = [&] {
    while (next_source < n && !is_source(next_source)) ++next_source;
  };
  advance_source();
  while (found == kUnseen) {
    uint32_t u;
    const bool from_source =
        next_source < n && (queue.empty() || depth[next_source] < dist[queue.front()]);
    if (from_source) {
      u = next_source++;
      advance_source();
      if (dist[u] != kUnseen) continue;
      dist[u] = depth[u];
      parent[u] = kEntered;
    } else if (!queue.empty()) {
      u = queue.front();
      queue.pop_front();
    } else {
      break;
    }
    if (fair.comp[u] != FairComponents::kNone) {
      found = u;
      break;
    }
    for (uint64_t e = g.first_edge(u); e < g.end_edge(u); ++e) {
      const uint32_t v = g.target(e);
      if (goal[v] || dist[v] != kUnseen) continue;
      dist[v] = dist[u] + 1;
      parent[v] = u;
      queue.push_back(v);
    }
  }
  if (found == kUnseen) return std::nullopt;

  // The prefix: tree path to the trigger state, then the phase-1 path.
  std::vector<uint32_t> states;
  uint32_t s = found;
  for (; parent[s] != kEntered; s = parent[s]) states.push_back(s);
  for (; s != StateStore::kNoParent; s = tree.parent(s)) states.push_back(s);
  std::reverse(states.begin(), states.end());
  Lasso L;
  for (size_t i = 1; i < states.size(); ++i)
    L.edges.push_back(edge_to(g, states[i - 1], states[i], [](uint64_t) { return true; }));
  L.loop_start = L.edges.size();
  if (g.terminal(found)) return L;

  // The loop: meet every constraint the component asks for, then return to its first state.
  const uint32_t comp = fair.comp[found];
  std::vector<uint32_t>& parent_state = parent;  // reused: the prefix is built
  std::vector<uint32_t>& seen = dist;            // reused as stamps
  std::fill(seen.begin(), seen.end(), kUnseen);
  uint32_t stamp = 0;
  auto in_loop = [&](uint64_t e) { return fair.edge_in_play(e) && fair.comp[g.target(e)] == comp; };
  std::vector<uint32_t> members;
  {  // the component's states
    std::vector<uint64_t> ignore;
    walk_to(g, in_loop, found, [](uint64_t, uint32_t) { return false; }, [](uint32_t) { return false; }, parent_state, seen,
            stamp, ignore);
    for (uint32_t t = 0; t < n; ++t)
      if (seen[t] == stamp) members.push_back(t);
  }
  // What each constraint asks of the loop: 1, to be taken (a strong or Delivery constraint enabled
  // or requested in the component, a weak one enabled in all of its states); 2, to be taken or
  // seen disabled (a weak one enabled in some states only).
  std::vector<uint32_t> enabled_in, last;
  std::vector<uint8_t> requested, pending;
  auto grow = [&](int32_t c) {
    if (static_cast<size_t>(c) < enabled_in.size()) return;
    enabled_in.resize(c + 1, 0);
    last.resize(c + 1, kUnseen);
    requested.resize(c + 1, 0);
    pending.resize(c + 1, 0);
  };
  for (uint32_t t : members) {
    const auto acts = actions.of(t);
    for (uint64_t e = g.first_edge(t); e < g.end_edge(t); ++e) {
      const auto& info = F.info(acts[e - g.first_edge(t)]);
      for (int32_t c : info.takes)
        if (c >= 0) {
          grow(c);
          if (last[c] != t) {
            last[c] = t;
            ++enabled_in[c];
          }
        }
      if (in_loop(e))
        for (int32_t c : info.requests)
          if (c >= 0) {
            grow(c);
            requested[c] = 1;
          }
    }
  }
  size_t open = 0;
  for (size_t c = 0; c < enabled_in.size(); ++c) {
    if (enabled_in[c] == 0 && !requested[c]) continue;
    pending[c] = F.kind(static_cast<int32_t>(c)) != FairnessConstraints::Kind::Weak || enabled_in[c] == members.size() ? 1 : 2;
    ++open;
  }
  std::vector<size_t> may_see;  // the open constraints that a state where they are disabled meets
  auto list_may_see = [&] {
    may_see.clear();
    for (size_t c = 0; c < pending.size(); ++c)
      if (pending[c] == 2) may_see.push_back(c);
  };
  auto enabled_at = [&](uint32_t t, size_t c) {
    for (uint32_t a : actions.of(t))
      for (int32_t x : F.info(a).takes)
        if (x == static_cast<int32_t>(c)) return true;
    return false;
  };
  auto meets_state = [&](uint32_t t) {
    for (size_t c : may_see)
      if (pending[c] == 2 && !enabled_at(t, c)) return true;
    return false;
  };
  auto meets_edge = [&](uint64_t e, uint32_t from) {
    for (int32_t c : F.info(actions.of(from)[e - g.first_edge(from)]).takes)
      if (c >= 0 && pending[c]) return true;
    return false;
  };
  auto meet = [&](uint64_t e, uint32_t from) {
    for (int32_t c : F.info(actions.of(from)[e - g.first_edge(from)]).takes)
      if (c >= 0 && pending[c]) {
        pending[c] = 0;
        --open;
      }
    const uint32_t t = g.target(e);
    for (size_t c : may_see)
      if (pending[c] == 2 && !enabled_at(t, c)) {
        pending[c] = 0;
        --open;
      }
  };
  list_may_see();
  uint32_t cur = found;
  for (size_t c : may_see)
    if (pending[c] == 2 && !enabled_at(cur, c)) {
      pending[c] = 0;
      --open;
    }
  while (open > 0) {
    list_may_see();
    const size_t before = L.edges.size();
    uint32_t from = cur;
    cur = walk_to(
        g, in_loop, cur, [&](uint64_t e, uint32_t u) { return meets_edge(e, u); }, meets_state, parent_state, seen,
        ++stamp, L.edges);
    if (cur == kUnseen) return std::nullopt;  // cannot happen in a fair component
    for (size_t i = before; i < L.edges.size(); ++i) {
      meet(L.edges[i], from);
      from = g.target(L.edges[i]);
    }
  }
  if (cur != found || L.edges.size() == L.loop_start)
    cur = walk_to(
        g, in_loop, cur, [&](uint64_t e, uint32_t) { return g.target(e) == found; }, [](uint32_t) { return false; },
        parent_state, seen, ++stamp, L.edges);
  if (cur != found) return std::nullopt;
  return L;
}

}  // namespace tcpmc
