#include "capture_file.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <memory>

namespace tcpmc::conform {

RawCapture read_raw_capture(const std::string& path) {
  RawCapture c;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, decltype(&pcap_close)> p(
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf), &pcap_close);
  if (!p) {
    c.error = errbuf;
    return c;
  }
  c.opened = true;
  c.dlt = pcap_datalink(p.get());
  c.snaplen = pcap_snapshot(p.get());
  for (;;) {
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    const int r = pcap_next_ex(p.get(), &h, &data);
    if (r == PCAP_ERROR_BREAK) break;
    if (r != 1) {
      c.error = pcap_geterr(p.get());
      break;
    }
    RawPacket pk;
    pk.time_ns = int64_t{h->ts.tv_sec} * 1000000000 + h->ts.tv_usec;
    pk.wirelen = h->len;
    pk.bytes.assign(data, data + h->caplen);
    c.packets.push_back(std::move(pk));
  }
  return c;
}

std::optional<std::string> write_raw_capture(const std::string& path, const RawCapture& c) {
  std::unique_ptr<pcap_t, decltype(&pcap_close)> p(
      pcap_open_dead_with_tstamp_precision(c.dlt, c.snaplen, PCAP_TSTAMP_PRECISION_NANO), &pcap_close);
  if (!p) return "libpcap cannot make a capture of link type " + std::to_string(c.dlt);
  pcap_dumper_t* d = pcap_dump_open(p.get(), path.c_str());
  if (!d) return path + ": " + pcap_geterr(p.get());
  for (const RawPacket& pk : c.packets) {
    pcap_pkthdr h{};
    h.ts.tv_sec = pk.time_ns / 1000000000;
    h.ts.tv_usec = static_cast<decltype(h.ts.tv_usec)>(pk.time_ns % 1000000000);  // nanoseconds, as opened
    h.caplen = static_cast<bpf_u_int32>(pk.bytes.size());
    h.len = std::max<bpf_u_int32>(pk.wirelen, h.caplen);
    pcap_dump(reinterpret_cast<u_char*>(d), &h, pk.bytes.data());
  }
  const bool ok = pcap_dump_flush(d) == 0;
  pcap_dump_close(d);
  if (!ok) return path + ": cannot write the capture";
  return std::nullopt;
}

}  // namespace tcpmc::conform
