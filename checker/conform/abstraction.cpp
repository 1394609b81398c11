#include "abstraction.hpp"

#include <map>
#include <optional>

namespace tcpmc::conform {

namespace {

// One side's units in one incarnation: real offsets from the ISN (as signed 64-bit distances) of
// unit boundaries, and what lies beyond.
struct Units {
  bool known = false;           // the side's ISN is known (it sent a SYN or SYN,ACK)
  uint32_t isn = 0;
  int64_t next_rel = 1;         // the next new octet (after the SYN)
  int64_t next_abs = 1;
  std::map<int64_t, int64_t> boundary{{0, 0}, {1, 1}};   // real offset -> unit number
  std::map<int64_t, int64_t> data_len;                   // a data unit's real offset -> its length
  std::optional<int64_t> fin_rel;

  int64_t rel(uint32_t real) const { return static_cast<int32_t>(real - isn); }
  // The unit number of real offset r, or nullopt inside a data unit.
  std::optional<int64_t> map(int64_t r) const {
    if (auto it = boundary.find(r); it != boundary.end()) return it->second;
    if (r >= next_rel) return next_abs + (r - next_rel);
    if (r < 0) return r;
    return std::nullopt;
  }
};

}  // namespace

std::vector<Observation> abstract_connection(const Connection& c) {
  std::vector<Observation> out;
  std::vector<Units> units[2];
  // The sender's previous bare ACK (seq, ack), per side, for window updates.
  std::optional<std::pair<uint32_t, uint32_t>> last_bare[2];
  for (size_t i = 0; i < c.segments.size(); ++i) {
    const ConnectionSegment& cs = c.segments[i];
    const TcpSegment& s = *cs.seg;
    for (auto& u : units)
      if (static_cast<int>(u.size()) <= cs.incarnation) u.resize(cs.incarnation + 1);
    Units& me = units[cs.from][cs.incarnation];
    Units& peer = units[1 - cs.from][cs.incarnation];
    if (s.has(kSyn) && !me.known) {
      me.known = true;
      me.isn = s.seq;
    }
    Observation o;
    o.segment = i;
    o.from = cs.from;
    o.incarnation = cs.incarnation;
    o.time_ns = s.time_ns;
    o.syn = s.has(kSyn);
    o.ack = s.has(kAck);
    o.fin = s.has(kFin);
    o.rst = s.has(kRst);
    {
      std::string r = tcp_flags_text(s.flags) + " seq=";
      const int64_t rs = me.known ? me.rel(s.seq) : int64_t{s.seq};
      r += std::to_string(rs);
      if (s.payload > 0) r += ":" + std::to_string(rs + s.payload);
      if (o.ack) r += " ack=" + std::to_string(peer.known ? peer.rel(s.ack) : int64_t{s.ack});
      r += " win=" + std::to_string(s.window);
      if (s.payload > 0) r += " len=" + std::to_string(s.payload);
      o.real = r;
    }
    auto fail = [&](const std::string& why) {
      if (o.unmappable.empty()) o.unmappable = why;
    };
    // The acknowledgement number, through the receiver's units.
    if (o.ack) {
      if (!peer.known) {
        o.ackno = s.ack;
        o.ack_raw = true;
      } else if (auto a = peer.map(peer.rel(s.ack))) {
        o.ackno = *a;
      } else {
        fail("its ACK number " + std::to_string(peer.rel(s.ack)) +
             " (relative) lies inside a data segment of the peer: the abstraction cannot map a partial acknowledgement");
      }
    }
    const bool bare = !o.syn && !o.fin && !o.rst && s.payload == 0;
    if (!me.known) {
      o.seq = s.seq;
      o.seq_raw = true;
      if (s.payload > 0) fail("data from a side whose SYN the capture does not show");
      if (o.fin) fail("a FIN from a side whose SYN the capture does not show");
    } else {
      const int64_t r = me.rel(s.seq);
      if (o.syn) {
        o.seq = 0;
        if (r != 0) fail("a second SYN with another sequence number in the same incarnation");
        if (s.payload > 0) fail("a SYN that carries data (TCP Fast Open) has no counterpart in the spec");
      } else if (s.payload > 0) {
        const int64_t len = s.payload;
        o.data = true;
        if (r == me.next_rel) {
          o.seq = me.next_abs;
          me.data_len[r] = len;
          me.next_rel += len;
          me.next_abs += 1;
          me.boundary[me.next_rel] = me.next_abs;
          o.note = "new data, " + std::to_string(len) + " octets";
        } else if (auto it = me.data_len.find(r); it != me.data_len.end() && it->second == len) {
          o.seq = me.boundary.at(r);
          o.note = "retransmission of " + std::to_string(len) + " octets";
        } else if (r + len <= me.next_rel) {
          fail("data at relative " + std::to_string(r) + ".." + std::to_string(r + len) +
               " repeats earlier octets without repeating one earlier segment (repacketized)");
        } else if (r < me.next_rel) {
          fail("data at relative " + std::to_string(r) + ".." + std::to_string(r + len) + " overlaps old and new octets");
        } else {
          fail("data at relative " + std::to_string(r) + " after a gap: octets from " + std::to_string(me.next_rel) +
               " were never seen");
        }
      } else if (auto a = me.map(r)) {
        o.seq = *a;
      } else {
        fail("its sequence number " + std::to_string(r) + " (relative) lies inside a data segment");
      }
      if (o.fin) {
        const int64_t f = r + s.payload;
        Observation fin = o;
        if (!me.fin_rel && f == me.next_rel) {
          me.fin_rel = f;
          fin.seq = me.next_abs;
          me.next_rel += 1;
          me.next_abs += 1;
          me.boundary[me.next_rel] = me.next_abs;
        } else if (me.fin_rel && *me.fin_rel == f) {
          fin.seq = me.boundary.at(f);
          fin.note = o.data ? o.note + "; retransmitted FIN" : "retransmitted FIN";
        } else {
          fail("a FIN at relative " + std::to_string(f) + " where the stream ends at " + std::to_string(me.next_rel));
        }
        if (o.data && o.unmappable.empty()) {  // data + FIN: the data unit, then the FIN
          o.fin = false;
          fin.data = false;
          fin.part = 1;
          fin.note = "the FIN of the same segment";
          out.push_back(o);
          o = fin;
        } else {
          o.seq = o.unmappable.empty() ? fin.seq : o.seq;
          if (o.note.empty()) o.note = fin.note;
        }
      }
    }
    if (bare && o.unmappable.empty()) {
      if (last_bare[cs.from] && last_bare[cs.from]->first == s.seq && last_bare[cs.from]->second == s.ack) {
        o.optional = true;
        o.note = "window update (optional)";
      } else if (me.known && me.rel(s.seq) == me.next_rel - 1 && me.next_rel > 1) {
        o.optional = true;
        o.note = "window probe or keep-alive (optional)";
      }
    }
    if (bare)
      last_bare[cs.from] = std::make_pair(s.seq, s.ack);
    else
      last_bare[cs.from].reset();
    out.push_back(o);
  }
  return out;
}

std::string observation_text(const Observation& o) {
  std::string f;
  if (o.syn) f += 'S';
  if (o.fin) f += 'F';
  if (o.rst) f += 'R';
  if (o.ack) f += '.';
  std::string s = "[" + f + "] seq=" + std::to_string(o.seq) + (o.seq_raw ? " (real)" : "");
  if (o.ack) s += " ack=" + std::to_string(o.ackno) + (o.ack_raw ? " (real)" : "");
  if (o.data) s += " len=1";
  return s;
}

}  // namespace tcpmc::conform
