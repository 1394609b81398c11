// Writing output files completely or not at all: data goes to a temporary file beside the
// target, which is renamed over it only after a successful write and flush. A failure leaves
// any previous file untouched and returns a message.
#pragma once
#include <optional>
#include <string>

namespace tcpmc {

// Returns an error message, or nullopt on success.
std::optional<std::string> write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace tcpmc
