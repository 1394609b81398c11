// Writing output files completely or not at all, and never over something that is not a file.
//
// write_file_atomically: the data goes to a new temporary file in the target's folder
// (".NAME.tmp.PID.N", created exclusively), which is flushed to disk and renamed over the target
// only after every byte was written; on any failure (a full disk, a write error) the temporary
// file is removed and any previous file is untouched. An existing symlink, FIFO, socket, device
// or directory at the target is refused, never replaced or written through. An existing regular
// file keeps its permission bits.
// write_output: the same for a user-named output (`--json FILE`), except that "-",
// "/dev/stdout" and "/dev/stderr" mean the process's own streams, written through.
// Errors come back as a message; nothing here prints.
#pragma once
#include <iosfwd>
#include <optional>
#include <string>

namespace tcpmc {

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& contents);

// `out` and `err` stand for standard output and standard error.
std::optional<std::string> write_output(const std::string& path, const std::string& contents, std::ostream& out,
                                        std::ostream& err);

// True for the names write_output writes through to standard output.
bool is_stdout_name(const std::string& path);

// Why an existing path may not be replaced by a file ("it is a symlink", ...), or nullopt when it
// does not exist or is a regular file.
std::optional<std::string> not_replaceable(const std::string& path);

}  // namespace tcpmc
