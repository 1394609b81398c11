// Native cache: compiled models kept between runs, so that checking the same spec again (a sweep
// point or a mutant seen before, a benchmark, the next edit-check cycle) loads its library instead
// of compiling it again.
//
// Contract: the cache is a directory of pairs <key>.cpp / <key>.so, where <key>.cpp holds the
// exact text that was compiled (its first line names the compiler options) and <key>.so what the
// compiler made of it. lookup(text) returns the library's path only when <key>.cpp is byte for
// byte `text` and the directory and both files belong to this user, are writable by no one else
// and are what they seem (a directory, regular files, no symbolic link); anything else is a miss.
// store() copies a freshly built library in under a temporary name and renames it into place,
// the .so first and then the .cpp that validates it, so that no reader ever takes a half-written
// entry; it then removes the least recently used entries beyond kMaxEntries. Storing is best
// effort: a cache that cannot be written only costs the next run a compilation.
// Where: $TCPMC_CACHE_DIR when set (set and empty: no cache), else $XDG_CACHE_HOME/tcpmc/native,
// else $HOME/.cache/tcpmc/native; a directory it creates gets mode 0700.
#pragma once
#include <optional>
#include <string>

namespace tcpmc {

class NativeCache {
 public:
  static constexpr int kMaxEntries = 64;

  // The cache of this process's environment; disabled() when there is none (or it is unsafe).
  NativeCache();
  bool disabled() const { return dir_.empty(); }
  const std::string& dir() const { return dir_; }

  // The path of the library compiled from exactly `text`, if the cache holds a trustworthy one
  // (and marks it as just used).
  std::optional<std::string> lookup(const std::string& text) const;
  // Keeps the library at `built` (compiled from `text`) for later runs.
  void store(const std::string& text, const std::string& built) const;

 private:
  std::string dir_;
  std::string entry(const std::string& text) const;  // the entry's path, without extension
  void prune() const;
};

}  // namespace tcpmc
