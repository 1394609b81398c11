#include "commands.hpp"

#include <algorithm>
#include <filesystem>

namespace tcpmc {

std::vector<std::string> expand_spec_paths(const std::vector<std::string>& paths, Diagnostics& diags) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.path().extension() == ".tcp") found.push_back(e.path().string());
      if (ec) diags.error_at_path(p, "cannot list directory: " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty() && !ec) diags.error_at_path(p, "no .tcp spec files in this directory");
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(p);  // unreadable files are reported by the loader
    }
  }
  return out;
}

}  // namespace tcpmc
