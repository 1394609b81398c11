// The memory this process really holds: its resident set size, read from /proc/self/statm (0
// where that is not available). Used to honour --memory-limit against what the machine sees, not
// an estimate. Cost: one small read of procfs per call; callers sample it.
#pragma once
#include <cstdint>

namespace tcpmc {

uint64_t resident_bytes();

}  // namespace tcpmc
