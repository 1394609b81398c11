// One TCP segment as a capture shows it, decoded from its link, IP and TCP headers: the one type
// that the capture reader produces and the grouping into connections, the abstraction and the
// conformance search consume. Plain data; addresses are kept as 16 octets (an IPv4 address in the
// first 4) with the IP version beside them.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace tcpmc::conform {

enum TcpFlag : uint8_t { kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20 };

struct Address {
  int version = 4;  // 4 or 6
  std::array<uint8_t, 16> octets{};
  uint16_t port = 0;
  bool operator==(const Address&) const = default;
  auto operator<=>(const Address&) const = default;
};

// "127.0.0.1:5000", "[::1]:5000".
std::string address_text(const Address& a);

struct TcpSegment {
  size_t packet = 0;        // the packet's number in the capture, from 1 (as tcpdump -# counts)
  int64_t time_ns = 0;      // capture time stamp, nanoseconds since the epoch
  Address src, dst;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;        // TcpFlag bits
  uint16_t window = 0;
  uint32_t payload = 0;     // octets of payload, from the IP length (not from what was captured)
  bool has_options = false;
  bool has(uint8_t f) const { return (flags & f) != 0; }
};

// "[S.]"-style flags as tcpdump prints them: S, F, R, P, U in that order, then "." for ACK
// (tcpdump's order: [FP.] is FIN+PSH+ACK); "[.]" for a bare ACK, "[none]" for no flag at all.
std::string tcp_flags_text(uint8_t flags);

}  // namespace tcpmc::conform
