// Decoding one captured packet into a TcpSegment: the link header (Ethernet with 802.1Q tags,
// Linux cooked SLL and SLL2, BSD null/loopback, raw IP), then IPv4 or IPv6 (extension headers
// skipped), then the TCP header. Pure: no libpcap, no I/O, so that tests can feed it bytes.
//
// Contract: reads only bytes[0 .. caplen), never past it, whatever the headers claim. The
// payload length comes from the IP length field (the capture may hold headers only: a snap length
// of 96 octets is enough). Outcomes:
//   - a TCP segment: `segment` is set; `warning` may say what looked wrong but did not stop the
//     decoding (a wrong IPv4 header checksum, a wrong TCP checksum when the whole segment was
//     captured, an IP length beyond what the link says);
//   - not TCP (ARP, UDP, ICMP, a later IPv4 fragment, an unknown link or ether type): nothing set,
//     `skipped` says why (such packets are counted, not errors);
//   - a TCP packet that cannot be decoded (headers cut short by the snap length or the file, a
//     data offset below 5 words): `error` says where it stops.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "tcp_segment.hpp"

namespace tcpmc::conform {

struct DecodedPacket {
  std::optional<TcpSegment> segment;
  std::string skipped;  // not TCP: why
  std::string error;    // TCP that cannot be decoded: why
  std::string warning;  // decoded, but something looked wrong
};

// Whether this decoder knows the link type (a DLT_ value of pcap_datalink), and its name.
bool link_type_supported(int dlt);
std::string link_type_name(int dlt);

// `caplen` octets at `bytes` were captured of a packet of `wirelen` octets on link type `dlt`.
DecodedPacket decode_packet(int dlt, const uint8_t* bytes, size_t caplen, size_t wirelen);

}  // namespace tcpmc::conform
