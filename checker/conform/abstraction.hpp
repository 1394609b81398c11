// The abstraction: how one connection's real segments map to the spec's abstract segments. It is
// stated once here and in README.md ("Checking a capture against a spec"); the search only
// compares what this produces.
//
//   - Endpoints: A is the active opener (connections.hpp), B its peer.
//   - Sequence numbers: each side's numbers are counted from its initial sequence number (ISN, the
//     sequence number of its SYN or SYN,ACK) in the incarnation, in *units*: the SYN is unit 0;
//     every segment that carries new data is one unit (one abstract SEND of one octet, whatever
//     its real length: `len = 1`); the FIN is one unit. So relative sequence number r maps to the
//     number of units before it. A segment that repeats the octets of an earlier unit exactly is
//     a retransmission of that unit (same abstract number). A side that sent no SYN in the
//     incarnation (it only answers with RST) keeps its real numbers.
//   - Acknowledgement numbers map through the receiver's units the same way; a number past
//     everything the receiver sent maps one to one past its last unit (so ack+1 stays +1).
//   - A segment with data and FIN maps to two abstract segments: the data unit, then the FIN (the
//     spec sends them as a SEND followed by a CLOSE).
//   - Ignored: the window, options, PSH and URG, the payload itself, checksums. A bare ACK that
//     repeats the sequence and acknowledgement numbers of its sender's previous bare ACK (a
//     window update) and a bare ACK one below its sender's next sequence number (a window probe
//     or keep-alive) are *optional*: the search may match them with a segment the spec sends or
//     pass over them.
//   - Not mappable (the segment is rejected, saying why): data that overlaps a unit without
//     repeating it exactly (repacketized retransmission), data after a gap of octets never seen,
//     an ACK number inside a data unit, a SYN with data, a second FIN at another number.
//   - The spec's sequence numbers are modulo 2^SEQ_BITS; the search adds to each side's units an
//     offset fixed by the spec's ISN when it matches that side's SYN (0 for ISN 0), so each
//     incarnation's ISN is whatever the spec chooses: the order of ISNs across incarnations is not
//     compared.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "connections.hpp"

namespace tcpmc::conform {

struct Observation {
  size_t segment = 0;       // index into Connection::segments
  int part = 0;             // 1: the FIN half of a data+FIN segment
  int from = 0;             // 0 A, 1 B
  int incarnation = 0;
  int64_t time_ns = 0;      // the segment's capture time
  bool syn = false, ack = false, fin = false, rst = false, data = false;
  int64_t seq = 0;          // units from the sender's ISN (or the real number: seq_raw)
  int64_t ackno = 0;        // units from the receiver's ISN (or the real number: ack_raw)
  bool seq_raw = false, ack_raw = false;
  bool optional = false;    // a window update or probe: the search may pass over it
  std::string real;         // the real segment, numbers relative to the ISNs: "[P.] seq=1:6 ack=1 win=64"
  std::string note;         // "new data, 1448 octets", "retransmission", "window update", ...
  std::string unmappable;   // set: this segment has no abstract counterpart (why)
};

std::vector<Observation> abstract_connection(const Connection& c);

// "[S.] seq=0 ack=1" with the abstract numbers, the way the spec's segments are printed.
std::string observation_text(const Observation& o);

}  // namespace tcpmc::conform
