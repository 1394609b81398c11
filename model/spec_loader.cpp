#include "spec_loader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "parser.hpp"

namespace tcpmc {

std::optional<LoadedSpec> load_spec_text(const std::string& path, std::string text, const ConstOverrides& overrides,
                                         Diagnostics& diags) {
  if (text.find('\0') != std::string::npos) {
    diags.error_at_path(path, "not a spec: the file contains NUL bytes");
    return std::nullopt;
  }
  auto src = std::make_shared<SourceFile>(path, std::move(text));
  diags.retain(src);
  size_t before = diags.error_count();
  ast::Spec spec = parse_spec(*src, diags);
  ir::Model model = check_spec(spec, overrides, diags);
  if (diags.error_count() > before) return std::nullopt;
  model.path = path;
  return LoadedSpec{src, std::move(model)};
}

std::optional<LoadedSpec> load_spec_file(const std::string& path, const ConstOverrides& overrides, Diagnostics& diags) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    diags.error_at_path(path, std::string("cannot read spec: ") + std::strerror(errno));
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    diags.error_at_path(path, "cannot read spec: it is a directory");
    return std::nullopt;
  }
  if (st.st_size > 16 * 1024 * 1024) {
    diags.error_at_path(path, "cannot read spec: larger than 16 MiB");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error_at_path(path, std::string("cannot read spec: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    diags.error_at_path(path, "cannot read spec: read error");
    return std::nullopt;
  }
  return load_spec_text(path, ss.str(), overrides, diags);
}

}  // namespace tcpmc
