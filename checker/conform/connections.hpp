// Grouping a capture's TCP segments into connections: one per 4-tuple (in order of first
// appearance), each split into incarnations when its 4-tuple is reused.
//
// Endpoint A of a connection is the sender of its first SYN without ACK (the active opener);
// when the capture holds no such SYN (it started mid-connection, or shows only a SYN,ACK), A is
// the sender of the first segment. An incarnation starts at the first segment and again at every
// SYN without ACK that cannot belong to the current one: its sender already has an initial
// sequence number in this incarnation (from its SYN or SYN,ACK) and this SYN carries another one
// (TIME_WAIT reuse, a reconnect from the same port), or its sender has none yet but the
// incarnation has ended (a RST was sent, or both sides sent a FIN). A SYN retransmission (same
// sequence number) and the peer's SYN in a simultaneous open stay in the incarnation.
#pragma once
#include <vector>

#include "tcp_segment.hpp"

namespace tcpmc::conform {

struct ConnectionSegment {
  const TcpSegment* seg;
  int from = 0;         // 0: sent by A, 1: sent by B
  int incarnation = 0;  // 0, 1, ...
};

struct Connection {
  int number = 0;       // 1, 2, ... in order of first appearance
  Address a, b;         // A: the active opener (see above)
  bool a_from_syn = false;
  int incarnations = 1;
  std::vector<ConnectionSegment> segments;  // in capture order
};

// The connections of `segments` (which must outlive the result).
std::vector<Connection> group_connections(const std::vector<TcpSegment>& segments);

}  // namespace tcpmc::conform
