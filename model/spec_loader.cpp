#include "spec_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parser.hpp"
#include "spec_include.hpp"

namespace tcpmc {
namespace {

constexpr int kMaxIncludeDepth = 8;

// What a file that is not a regular file is, for the diagnostic.
const char* file_kind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "a special file";
}

// Reads a whole regular file; on failure records a diagnostic (at `where` if given) and returns
// nullopt. A directory, FIFO, socket, character or block device is refused without reading it and
// without blocking: the file is opened with O_NONBLOCK (opening a FIFO for reading would otherwise
// wait for a writer) and checked again with fstat, in case it changed since stat. The read is
// bounded too, in case a regular file grows while it is read.
std::optional<std::string> read_file(const std::string& path, Diagnostics& diags, SourceRange where = {}) {
  auto fail = [&](const std::string& why) {
    if (where.valid())
      diags.error(where, "cannot read '" + path + "': " + why);
    else
      diags.error_at_path(path, "cannot read spec: " + why);
    return std::nullopt;
  };
  auto readable = [](mode_t mode) { return S_ISREG(mode); };
  auto not_regular = [&](mode_t mode) {
    if (S_ISDIR(mode)) return fail("it is a directory");
    return fail(std::string("not a regular file (") + file_kind(mode) + ")");
  };
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return fail(std::strerror(errno));
  if (!readable(st.st_mode)) return not_regular(st.st_mode);
  constexpr size_t kMaxSize = 16 * 1024 * 1024;
  if (st.st_size > static_cast<off_t>(kMaxSize)) return fail("larger than 16 MiB");
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  if (fstat(fd, &st) != 0) return fail(std::strerror(errno));
  if (!readable(st.st_mode)) return not_regular(st.st_mode);
  // Read at most kMaxSize + 1 bytes: the file may have grown since fstat.
  std::string text;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(std::strerror(errno));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxSize) return fail("larger than 16 MiB");
  }
  return text;
}

// Parses `text` and resolves its includes recursively. `chain` holds the files being included,
// for cycle detection.
// How includes are found: on the file system (read_file, weakly_canonical paths for cycle
// detection), or in memory through an IncludeReader (lexically normalized paths, no file access).
struct IncludeSource {
  bool from_files = true;
  const IncludeReader* reader = nullptr;  // when !from_files; empty: includes are refused
};

std::optional<ast::Spec> parse_with_includes(const std::string& path, std::string text, LoadedSpec& keep,
                                             Diagnostics& diags, std::vector<std::string>& chain,
                                             const IncludeSource& source) {
  if (text.find('\0') != std::string::npos) {
    diags.error_at_path(path, "not a spec: the file contains NUL bytes");
    return std::nullopt;
  }
  auto src = std::make_shared<SourceFile>(path, std::move(text));
  diags.retain(src);
  keep.sources.push_back(src);
  ast::Spec spec = parse_spec(*src, diags);
  if (spec.includes.empty()) {
    check_no_edits_without_include(spec, diags);
    // Reported above; an override that only changes an expectation has no expression for the
    // type checker to check, so drop it.
    std::erase_if(spec.properties, [](const ast::Property& p) { return p.is_override && !p.expr; });
    return spec;
  }
  if (spec.includes.size() > 1) {
    diags.error(spec.includes[1].range, "a spec includes at most one other spec");
    return std::nullopt;
  }
  const ast::Include& inc = spec.includes[0];
  namespace fs = std::filesystem;
  fs::path target = fs::path(path).parent_path() / inc.path;
  std::string canonical;
  if (source.from_files) {
    std::error_code ec;
    canonical = fs::weakly_canonical(target, ec).string();
    if (ec) canonical = target.string();
  } else {
    target = target.lexically_normal();
    canonical = target.string();
  }
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    diags.error(inc.range, "include cycle: '" + inc.path + "' includes this file again");
    return std::nullopt;
  }
  if (chain.size() > kMaxIncludeDepth) {  // this include is the chain.size()-th nested one
    diags.error(inc.range, "includes nested too deeply (at most " + std::to_string(kMaxIncludeDepth) + ")");
    return std::nullopt;
  }
  std::optional<std::string> base_text;
  if (source.from_files) {
    base_text = read_file(target.string(), diags, inc.range);
  } else if (source.reader && *source.reader) {
    base_text = (*source.reader)(target.string(), inc.range, diags);
  } else {
    diags.error(inc.range, "cannot include '" + inc.path + "': this spec was loaded without access to other files");
  }
  if (!base_text) return std::nullopt;
  chain.push_back(canonical);
  auto base = parse_with_includes(target.string(), std::move(*base_text), keep, diags, chain, source);
  chain.pop_back();
  if (!base) return std::nullopt;
  return apply_edits(std::move(*base), std::move(spec), diags);
}

std::optional<LoadedSpec> load_with(const std::string& path, std::string text, const ConstOverrides& overrides,
                                    Diagnostics& diags, const IncludeSource& source) {
  size_t before = diags.error_count();
  LoadedSpec out;
  std::vector<std::string> chain;
  if (source.from_files) {
    std::error_code ec;
    chain.push_back(std::filesystem::weakly_canonical(path, ec).string());
  } else {
    chain.push_back(std::filesystem::path(path).lexically_normal().string());
  }
  auto spec = parse_with_includes(path, std::move(text), out, diags, chain, source);
  if (!spec) return std::nullopt;
  out.model = check_spec(*spec, overrides, diags);
  if (diags.error_count() > before) return std::nullopt;
  out.model.path = path;
  return out;
}

}  // namespace

std::optional<LoadedSpec> load_spec_text(const std::string& path, std::string text, const ConstOverrides& overrides,
                                         Diagnostics& diags) {
  return load_with(path, std::move(text), overrides, diags, IncludeSource{});
}

std::optional<LoadedSpec> load_spec_text_in_memory(const std::string& path, std::string text,
                                                   const ConstOverrides& overrides, Diagnostics& diags,
                                                   const IncludeReader& read_include) {
  return load_with(path, std::move(text), overrides, diags, IncludeSource{false, &read_include});
}

std::optional<LoadedSpec> load_spec_file(const std::string& path, const ConstOverrides& overrides, Diagnostics& diags) {
  auto text = read_file(path, diags);
  if (!text) return std::nullopt;
  return load_spec_text(path, std::move(*text), overrides, diags);
}

}  // namespace tcpmc
