// Reading a capture file (pcap or pcapng, through libpcap: capture_file.hpp) into the TCP segments
// it holds, in capture order. Every packet is decoded by decode_packet.
//
// Contract: never throws for a bad file and never crashes on one. The result is either an error
// (`error` set: the file cannot be opened or is not a capture libpcap reads, its link type is not
// supported, a record is cut short, or a TCP packet's headers cannot be decoded) -- the message
// names the file and, where it applies, the packet number -- or the segments, with one warning per
// kind of problem that did not stop the decoding (checksums), listing the packets and the count of packets that are not TCP. A
// capture without any TCP segment is an error too ("no TCP segment"). Cost: one pass, the file
// and the segments (about 80 octets each) in memory.
#pragma once
#include <string>
#include <vector>

#include "tcp_segment.hpp"

namespace tcpmc::conform {

struct Capture {
  std::string path;
  std::string link;                 // the link type's name ("Ethernet", "Linux cooked (SLL2)", ...)
  size_t packets = 0;               // records read
  size_t not_tcp = 0;               // packets skipped: not TCP (ARP, UDP, fragments, ...)
  std::vector<TcpSegment> segments;
  std::vector<std::string> warnings;  // one per kind: "wrong IPv4 header checksum: 2 of 9 packets (3, 7)"
  std::string error;                // set: the capture cannot be used (message names the file)
};

Capture read_capture(const std::string& path);

}  // namespace tcpmc::conform
