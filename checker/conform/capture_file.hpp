// Whole capture files as raw records, read and written through libpcap (the only code that calls
// it): capture_reader.hpp decodes what read_raw_capture reads; tests write edited copies of
// captures (tests/unit/conform_test.cpp). Files are written as classic pcap with nanosecond time
// stamps. Cost: the whole file in memory.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tcpmc::conform {

struct RawPacket {
  int64_t time_ns = 0;
  uint32_t wirelen = 0;         // the packet's length on the link (>= bytes.size())
  std::vector<uint8_t> bytes;   // what was captured
};

struct RawCapture {
  int dlt = 1;                  // link type (DLT_EN10MB)
  int snaplen = 65535;
  std::vector<RawPacket> packets;  // the records read (all, or those before a read error)
  bool opened = false;          // libpcap recognised the file as a capture (pcap or pcapng)
  std::string error;            // libpcap's message when the file cannot be opened or a record read
};

RawCapture read_raw_capture(const std::string& path);
// nullopt on success, else why not.
std::optional<std::string> write_raw_capture(const std::string& path, const RawCapture& capture);

}  // namespace tcpmc::conform
