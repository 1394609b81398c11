#include "trigger_region.hpp"

namespace tcpmc {

uint64_t trigger_region(const StateGraph& g, const StateBits& goal, const StateBits* trigger, StateBits& region,
                        std::vector<uint32_t>& queue) {
  const uint32_t n = g.states();
  region.assign(n, false);
  queue.clear();
  auto enter = [&](uint32_t s) {
    if (goal[s] || region[s]) return;
    region.set(s, true);
    queue.push_back(s);
  };
  if (trigger)
    trigger->for_each_set([&](uint64_t s) { enter(static_cast<uint32_t>(s)); });
  else if (n > 0)
    enter(0);
  for (size_t head = 0; head < queue.size(); ++head) {
    const uint32_t u = queue[head];
    for (uint64_t e = g.first_edge(u); e < g.end_edge(u); ++e) enter(g.target(e));
  }
  return queue.size();
}

}  // namespace tcpmc
