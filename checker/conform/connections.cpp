#include "connections.hpp"

#include <map>
#include <optional>
#include <utility>

namespace tcpmc::conform {

namespace {

struct Incarnation {
  std::optional<uint32_t> isn[2];
  bool fin[2] = {false, false};
  bool rst = false;
  bool ended() const { return rst || (fin[0] && fin[1]); }
};

}  // namespace

std::vector<Connection> group_connections(const std::vector<TcpSegment>& segments) {
  // 4-tuple (the smaller endpoint first) -> index into `order`.
  std::map<std::pair<Address, Address>, size_t> index;
  std::vector<std::vector<const TcpSegment*>> order;
  for (const TcpSegment& s : segments) {
    auto key = s.src < s.dst ? std::make_pair(s.src, s.dst) : std::make_pair(s.dst, s.src);
    auto [it, fresh] = index.emplace(key, order.size());
    if (fresh) order.emplace_back();
    order[it->second].push_back(&s);
  }
  std::vector<Connection> out;
  for (const auto& segs : order) {
    Connection c;
    c.number = static_cast<int>(out.size()) + 1;
    c.a = segs.front()->src;
    c.b = segs.front()->dst;
    for (const TcpSegment* s : segs)
      if (s->has(kSyn) && !s->has(kAck)) {
        c.a = s->src;
        c.b = s->dst;
        c.a_from_syn = true;
        break;
      }
    Incarnation inc;
    int n = 0;
    for (const TcpSegment* s : segs) {
      const int from = s->src == c.a ? 0 : 1;
      if (s->has(kSyn) && !s->has(kAck)) {
        const bool other_isn = inc.isn[from] && *inc.isn[from] != s->seq;
        if (other_isn || (!inc.isn[from] && inc.ended())) {
          ++n;
          inc = Incarnation{};
        }
      }
      if (s->has(kSyn) && !inc.isn[from]) inc.isn[from] = s->seq;
      if (s->has(kFin)) inc.fin[from] = true;
      if (s->has(kRst)) inc.rst = true;
      c.segments.push_back({s, from, n});
    }
    c.incarnations = n + 1;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace tcpmc::conform
