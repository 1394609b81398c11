#include "native_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace tcpmc {
namespace {

namespace fs = std::filesystem;

// Ours and writable by no one else.
bool private_to_us(const struct stat& st) {
  return st.st_uid == geteuid() && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

bool safe_dir(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && private_to_us(st);
}

// Opens a regular file of ours, never through a symbolic link; -1 otherwise.
int open_private_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !private_to_us(st)) {
    close(fd);
    return -1;
  }
  return fd;
}

std::optional<std::string> read_private_file(const std::string& path) {
  const int fd = open_private_file(path);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return text;
}

// Writes `bytes` to a new file in `dir` and renames it to `target` (atomic within the directory).
bool write_into_place(const std::string& dir, const std::string& bytes, const std::string& target) {
  std::string tmp = dir + "/.incoming-XXXXXX";
  const int fd = mkstemp(tmp.data());  // mode 0600
  if (fd < 0) return false;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = close(fd) == 0 && done == bytes.size() && std::rename(tmp.c_str(), target.c_str()) == 0;
  if (!ok) unlink(tmp.c_str());
  return ok;
}

std::string default_dir() {
  if (const char* d = std::getenv("TCPMC_CACHE_DIR")) return d;  // set and empty: no cache
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x == '/') return std::string(x) + "/tcpmc/native";
  if (const char* h = std::getenv("HOME"); h && *h == '/') return std::string(h) + "/.cache/tcpmc/native";
  return "";
}

}  // namespace

NativeCache::NativeCache() {
  const std::string dir = default_dir();
  if (dir.empty()) return;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) {
    fs::create_directories(fs::path(dir).parent_path(), ec);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return;
  }
  if (safe_dir(dir)) dir_ = dir;
}

std::string NativeCache::entry(const std::string& text) const {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a: a name, not a proof (lookup compares the text)
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  char name[32];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
  return dir_ + "/" + name;
}

std::optional<std::string> NativeCache::lookup(const std::string& text) const {
  if (disabled() || !safe_dir(dir_)) return std::nullopt;
  const std::string base = entry(text), cpp = base + ".cpp", so = base + ".so";
  const auto stored = read_private_file(cpp);
  if (!stored || *stored != text) return std::nullopt;
  const int fd = open_private_file(so);
  if (fd < 0) return std::nullopt;
  close(fd);
  utimensat(AT_FDCWD, cpp.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);  // just used: kept longest
  return so;
}

void NativeCache::store(const std::string& text, const std::string& built) const {
  if (disabled() || !safe_dir(dir_)) return;
  const auto library = read_private_file(built);
  if (!library) return;
  const std::string base = entry(text);
  if (!write_into_place(dir_, *library, base + ".so")) return;
  if (!write_into_place(dir_, text, base + ".cpp")) return;
  prune();
}

void NativeCache::prune() const {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.path().extension() == ".cpp" && e.is_regular_file(ec)) entries.emplace_back(e.last_write_time(ec), e.path());
  if (entries.size() <= static_cast<size_t>(kMaxEntries)) return;
  std::sort(entries.begin(), entries.end());
  for (size_t i = 0; i + kMaxEntries < entries.size(); ++i) {
    fs::path p = entries[i].second;
    fs::remove(p, ec);  // the .cpp first: without it the .so is never used
    fs::remove(p.replace_extension(".so"), ec);
  }
}

}  // namespace tcpmc
