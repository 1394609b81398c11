#include "file_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace tcpmc {

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& contents) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return "cannot write " + path + ": " + std::strerror(errno);
  size_t off = 0;
  while (off < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string msg = "cannot write " + path + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return msg;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string msg = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return msg;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string msg = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return msg;
  }
  return std::nullopt;
}

}  // namespace tcpmc
