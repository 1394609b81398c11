// Link, IP and TCP header decoding; every read goes through Bytes, which checks it against caplen.
#include "packet_decode.hpp"

#include <arpa/inet.h>
#include <pcap/dlt.h>

#include <algorithm>
#include <cstdio>

namespace tcpmc::conform {

namespace {

// A bounds-checked view of the captured octets.
struct Bytes {
  const uint8_t* p;
  size_t n;
  bool has(size_t off, size_t len) const { return off <= n && len <= n - off; }
  uint8_t u8(size_t off) const { return p[off]; }
  uint16_t be16(size_t off) const { return static_cast<uint16_t>(p[off] << 8 | p[off + 1]); }
  uint32_t be32(size_t off) const { return uint32_t{be16(off)} << 16 | be16(off + 2); }
  uint32_t host32(size_t off) const {  // DLT_NULL: the address family in the capturing host's order
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{p[off + i]} << (8 * i);  // little-endian writers
    if (v > 0xffff) v = be32(off);                                      // big-endian writers
    return v;
  }
};

constexpr uint16_t kEtherIPv4 = 0x0800, kEtherIPv6 = 0x86dd, kEtherVlan = 0x8100, kEtherQinQ = 0x88a8;

// One's-complement sum of the octets [off, off+len) (odd length padded with a zero octet).
uint32_t ones_sum(const Bytes& b, size_t off, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += b.be16(off + i);
  if (len & 1) sum += uint32_t{b.u8(off + len - 1)} << 8;
  return sum;
}
uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

std::string at(size_t off) { return " (at octet " + std::to_string(off) + ")"; }

// The network-layer protocol after the link header: IP version 4 or 6, 0 when not IP, and where
// the IP header starts. An error when the link header itself is cut short.
struct LinkResult {
  int ip = 0;
  size_t off = 0;
  std::string skipped, error;
};

int ether_ip(uint16_t type) { return type == kEtherIPv4 ? 4 : type == kEtherIPv6 ? 6 : 0; }
// BSD address families of IPv6 differ by system (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS).
int family_ip(uint32_t af) { return af == 2 ? 4 : (af == 24 || af == 28 || af == 30 || af == 10) ? 6 : 0; }

LinkResult link_header(int dlt, const Bytes& b) {
  LinkResult r;
  auto need = [&](size_t len, const char* what) {
    if (b.has(0, len)) return true;
    r.error = std::string(what) + " header cut short: " + std::to_string(b.n) + " of " + std::to_string(len) + " octets captured";
    return false;
  };
  switch (dlt) {
    case DLT_EN10MB: {
      if (!need(14, "Ethernet")) return r;
      size_t off = 12;
      uint16_t type = b.be16(off);
      while (type == kEtherVlan || type == kEtherQinQ) {  // 802.1Q / 802.1ad tags: 4 octets each
        off += 4;
        if (!b.has(off, 2)) {
          r.error = "Ethernet VLAN tag cut short" + at(off);
          return r;
        }
        type = b.be16(off);
      }
      r.off = off + 2;
      r.ip = ether_ip(type);
      if (!r.ip) r.skipped = "ether type 0x" + [&] { char s[8]; std::snprintf(s, sizeof s, "%04x", type); return std::string(s); }();
      return r;
    }
    case DLT_LINUX_SLL:
      if (!need(16, "Linux cooked (SLL)")) return r;
      r.off = 16;
      r.ip = ether_ip(b.be16(14));
      if (!r.ip) r.skipped = "not IP (SLL protocol " + std::to_string(b.be16(14)) + ")";
      return r;
    case DLT_LINUX_SLL2:
      if (!need(20, "Linux cooked (SLL2)")) return r;
      r.off = 20;
      r.ip = ether_ip(b.be16(0));
      if (!r.ip) r.skipped = "not IP (SLL2 protocol " + std::to_string(b.be16(0)) + ")";
      return r;
    case DLT_NULL:
    case DLT_LOOP: {
      if (!need(4, dlt == DLT_NULL ? "null/loopback" : "OpenBSD loopback")) return r;
      r.off = 4;
      r.ip = family_ip(dlt == DLT_NULL ? b.host32(0) : b.be32(0));
      if (!r.ip) r.skipped = "not IP (address family " + std::to_string(dlt == DLT_NULL ? b.host32(0) : b.be32(0)) + ")";
      return r;
    }
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
      if (!need(1, "raw IP")) return r;
      r.off = 0;
      r.ip = b.u8(0) >> 4;
      if (r.ip != 4 && r.ip != 6) {
        r.skipped = "IP version " + std::to_string(r.ip);
        r.ip = 0;
      }
      return r;
    default:
      r.error = "link type " + std::to_string(dlt) + " is not supported";
      return r;
  }
}

}  // namespace

bool link_type_supported(int dlt) {
  return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 || dlt == DLT_NULL || dlt == DLT_LOOP ||
         dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

std::string link_type_name(int dlt) {
  switch (dlt) {
    case DLT_EN10MB: return "Ethernet";
    case DLT_LINUX_SLL: return "Linux cooked (SLL)";
    case DLT_LINUX_SLL2: return "Linux cooked (SLL2)";
    case DLT_NULL: return "BSD loopback (null)";
    case DLT_LOOP: return "OpenBSD loopback";
    case DLT_RAW: case DLT_IPV4: case DLT_IPV6: return "raw IP";
    default: return "link type " + std::to_string(dlt);
  }
}

DecodedPacket decode_packet(int dlt, const uint8_t* bytes, size_t caplen, size_t wirelen) {
  DecodedPacket d;
  const Bytes b{bytes, caplen};
  LinkResult link = link_header(dlt, b);
  if (!link.error.empty()) {
    d.error = link.error;
    return d;
  }
  if (!link.ip) {
    d.skipped = link.skipped;
    return d;
  }
  TcpSegment s;
  size_t ip = link.off, tcp = 0;
  size_t ip_end = 0;  // where the IP packet ends, by its length field
  std::string warning;
  if (link.ip == 4) {
    if (!b.has(ip, 20)) {
      d.error = "IPv4 header cut short: " + std::to_string(caplen - std::min(caplen, ip)) + " of 20 octets captured";
      return d;
    }
    if ((b.u8(ip) >> 4) != 4) {
      d.skipped = "not IPv4 despite its link header";
      return d;
    }
    const size_t ihl = size_t{b.u8(ip) & 0x0fu} * 4;
    if (ihl < 20) {
      d.error = "IPv4 header length " + std::to_string(ihl) + " is below 20";
      return d;
    }
    if (b.u8(ip + 9) != 6) {
      d.skipped = "IP protocol " + std::to_string(b.u8(ip + 9)) + ", not TCP";
      return d;
    }
    const uint16_t frag = b.be16(ip + 6);
    if ((frag & 0x1fff) != 0 || (frag & 0x2000) != 0) {
      d.skipped = "an IPv4 fragment (not reassembled)";
      return d;
    }
    if (!b.has(ip, ihl)) {
      d.error = "IPv4 options cut short" + at(ip + 20);
      return d;
    }
    if (fold(ones_sum(b, ip, ihl)) != 0xffff) warning = "wrong IPv4 header checksum";
    s.src.version = s.dst.version = 4;
    for (int i = 0; i < 4; ++i) {
      s.src.octets[i] = b.u8(ip + 12 + i);
      s.dst.octets[i] = b.u8(ip + 16 + i);
    }
    ip_end = ip + b.be16(ip + 2);
    if (ip_end < ip + ihl) {
      d.error = "IPv4 total length " + std::to_string(b.be16(ip + 2)) + " is shorter than its header";
      return d;
    }
    tcp = ip + ihl;
  } else {
    if (!b.has(ip, 40)) {
      d.error = "IPv6 header cut short: " + std::to_string(caplen - std::min(caplen, ip)) + " of 40 octets captured";
      return d;
    }
    s.src.version = s.dst.version = 6;
    for (int i = 0; i < 16; ++i) {
      s.src.octets[i] = b.u8(ip + 8 + i);
      s.dst.octets[i] = b.u8(ip + 24 + i);
    }
    ip_end = ip + 40 + b.be16(ip + 4);
    uint8_t next = b.u8(ip + 6);
    size_t off = ip + 40;
    // Extension headers: hop-by-hop 0, routing 43, destination options 60 (8-octet units after
    // the first 8), fragment 44 (8 octets; only an unfragmented one or a first fragment).
    for (int guard = 0; guard < 16 && next != 6; ++guard) {
      if (next == 0 || next == 43 || next == 60 || next == 44) {
        if (!b.has(off, 8)) {
          d.error = "IPv6 extension header cut short" + at(off);
          return d;
        }
        if (next == 44 && (b.be16(off + 2) & 0xfff9) != 0) {
          d.skipped = "an IPv6 fragment (not reassembled)";
          return d;
        }
        const size_t len = next == 44 ? 8 : (size_t{b.u8(off + 1)} + 1) * 8;
        next = b.u8(off);
        off += len;
      } else {
        d.skipped = "IPv6 next header " + std::to_string(next) + ", not TCP";
        return d;
      }
    }
    if (next != 6) {
      d.skipped = "too many IPv6 extension headers";
      return d;
    }
    tcp = off;
  }
  if (!b.has(tcp, 20)) {
    d.error = "TCP header cut short: " + std::to_string(caplen - std::min(caplen, tcp)) + " of 20 octets captured (snap length too small?)";
    return d;
  }
  const size_t doff = static_cast<size_t>(b.u8(tcp + 12) >> 4) * 4;
  if (doff < 20) {
    d.error = "TCP data offset " + std::to_string(doff) + " is below 20";
    return d;
  }
  if (!b.has(tcp, doff)) {
    d.error = "TCP options cut short: " + std::to_string(caplen - tcp) + " of " + std::to_string(doff) +
              " header octets captured (snap length too small?)";
    return d;
  }
  if (ip_end < tcp + doff) {
    d.error = "the IP length ends inside the TCP header";
    return d;
  }
  // The link may report fewer octets than the IP length claims only when the packet was cut on the
  // wire; a capture's wirelen is what the link carried.
  if (ip_end > wirelen) {
    if (!warning.empty()) warning += "; ";
    warning += "IP length beyond the packet's length on the link";
  }
  s.src.port = b.be16(tcp);
  s.dst.port = b.be16(tcp + 2);
  s.seq = b.be32(tcp + 4);
  s.ack = b.be32(tcp + 8);
  s.flags = static_cast<uint8_t>(b.u8(tcp + 13) & 0x3f);
  s.window = b.be16(tcp + 14);
  s.payload = static_cast<uint32_t>(ip_end - tcp - doff);
  s.has_options = doff > 20;
  // The TCP checksum can be checked only when the whole segment was captured.
  if (b.has(tcp, ip_end - tcp)) {
    const size_t tcp_len = ip_end - tcp;
    uint32_t sum = 0;
    if (link.ip == 4) {
      sum = ones_sum(b, ip + 12, 8) + 6 + static_cast<uint32_t>(tcp_len);
    } else {
      sum = ones_sum(b, ip + 8, 32) + 6 + static_cast<uint32_t>(tcp_len >> 16) + static_cast<uint32_t>(tcp_len & 0xffff);
    }
    if (fold(ones_sum(b, tcp, tcp_len, sum)) != 0xffff) {
      if (!warning.empty()) warning += "; ";
      warning += "wrong TCP checksum (a segment sent with checksum offload shows one)";
    }
  }
  d.warning = warning;
  d.segment = s;
  return d;
}

std::string address_text(const Address& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.version == 4 ? AF_INET : AF_INET6, a.octets.data(), buf, sizeof buf);
  return a.version == 4 ? std::string(buf) + ":" + std::to_string(a.port)
                        : "[" + std::string(buf) + "]:" + std::to_string(a.port);
}

std::string tcp_flags_text(uint8_t f) {
  std::string s;
  if (f & kSyn) s += 'S';
  if (f & kFin) s += 'F';
  if (f & kRst) s += 'R';
  if (f & kPsh) s += 'P';
  if (f & kUrg) s += 'U';
  if (f & kAck) s += '.';
  return "[" + (s.empty() ? std::string("none") : s) + "]";
}

}  // namespace tcpmc::conform
