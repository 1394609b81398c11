#include "file_output.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <ostream>
#include <sys/stat.h>
#include <unistd.h>

namespace tcpmc {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

}  // namespace

std::optional<std::string> not_replaceable(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;  // absent (or unreachable: open will say)
  if (S_ISREG(st.st_mode)) return std::nullopt;
  return "it is " + kind_of(st.st_mode);
}

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& contents) {
  if (path.empty()) return std::string("cannot write an output file with an empty name");
  if (auto why = not_replaceable(path)) return "refusing to write " + path + ": " + *why + " (only a regular file is replaced)";
  struct stat old {};
  const bool had_file = ::stat(path.c_str(), &old) == 0;

  // The temporary file lives in the target's folder, so that rename() is atomic.
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path target(path);
  const std::string tmp = (target.parent_path() / ("." + target.filename().string() + ".tmp." +
                                                   std::to_string(::getpid()) + "." + std::to_string(counter++)))
                              .string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) return "cannot write " + path + ": " + std::strerror(errno);
  auto fail = [&](int err) -> std::optional<std::string> {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return "cannot write " + path + ": " + std::strerror(err);
  };
  size_t off = 0;
  while (off < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    if (n == 0) return fail(EIO);
    off += static_cast<size_t>(n);
  }
  if (had_file && ::fchmod(fd, old.st_mode & 07777) != 0) return fail(errno);
  if (::fsync(fd) != 0) return fail(errno);
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) return fail(errno);
  // Checked again just before the rename: something may have appeared at the target meanwhile.
  if (auto why = not_replaceable(path)) {
    ::unlink(tmp.c_str());
    return "refusing to write " + path + ": " + *why + " (only a regular file is replaced)";
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail(errno);
  return std::nullopt;
}

bool is_stdout_name(const std::string& path) { return path == "-" || path == "/dev/stdout"; }

std::optional<std::string> write_output(const std::string& path, const std::string& contents, std::ostream& out,
                                        std::ostream& err) {
  if (is_stdout_name(path) || path == "/dev/stderr") {
    std::ostream& s = path == "/dev/stderr" ? err : out;
    s << contents;
    s.flush();
    if (!s) return "cannot write " + std::string(path == "-" ? "standard output" : path) + ": " + std::strerror(errno ? errno : EIO);
    return std::nullopt;
  }
  return write_file_atomically(path, contents);
}

}  // namespace tcpmc
