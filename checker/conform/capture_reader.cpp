// read_raw_capture (libpcap) reads the records; decode_packet reads each record's headers.
#include "capture_reader.hpp"

#include <filesystem>
#include <map>

#include "capture_file.hpp"
#include "packet_decode.hpp"

namespace tcpmc::conform {

Capture read_capture(const std::string& path) {
  Capture c;
  c.path = path;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    c.error = path + ": cannot open the capture: no such file";
    return c;
  }
  if (std::filesystem::is_directory(status)) {
    c.error = path + ": is a directory, not a capture file";
    return c;
  }
  const RawCapture raw = read_raw_capture(path);
  if (!raw.opened) {
    c.error = path + ": not a capture libpcap can read (pcap or pcapng): " + raw.error;
    return c;
  }
  const int dlt = raw.dlt;
  c.link = link_type_name(dlt);
  if (!link_type_supported(dlt)) {
    c.error = path + ": link type " + std::to_string(dlt) +
              " is not supported (Ethernet, Linux cooked SLL/SLL2, null/loopback and raw IP are)";
    return c;
  }
  std::map<std::string, std::vector<size_t>> warned;  // warning -> the packets that have it
  for (const RawPacket& pk : raw.packets) {
    ++c.packets;
    const DecodedPacket d = decode_packet(dlt, pk.bytes.data(), pk.bytes.size(), pk.wirelen);
    if (!d.error.empty()) {
      c.error = path + ": packet " + std::to_string(c.packets) + ": " + d.error;
      return c;
    }
    if (!d.segment) {
      ++c.not_tcp;
      continue;
    }
    if (!d.warning.empty()) warned[d.warning].push_back(c.packets);
    TcpSegment s = *d.segment;
    s.packet = c.packets;
    s.time_ns = pk.time_ns;
    c.segments.push_back(s);
  }
  if (!raw.error.empty()) {
    c.error = path + ": after packet " + std::to_string(c.packets) + ": " + raw.error;
    return c;
  }
  for (const auto& [what, packets] : warned) {
    std::string list;
    for (size_t i = 0; i < packets.size() && i < 5; ++i) list += (i ? ", " : "") + std::to_string(packets[i]);
    if (packets.size() > 5) list += ", ...";
    c.warnings.push_back(what + ": " + std::to_string(packets.size()) + " of " + std::to_string(c.packets) +
                         " packets (" + list + ")");
  }
  if (c.segments.empty())
    c.error = path + ": no TCP segment in " + std::to_string(c.packets) + " packet" + (c.packets == 1 ? "" : "s") +
              " (" + c.link + ")";
  return c;
}

}  // namespace tcpmc::conform
