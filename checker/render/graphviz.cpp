#include "graphviz.hpp"

#include <filesystem>

#include "child_process.hpp"

namespace tcpmc {

GraphvizStatus render_dot_to_svg(const std::string& dot_path, const std::string& svg_path) {
  // Absolute paths: a relative name that starts with '-' must not read as an option.
  std::error_code ec;
  const std::string in = std::filesystem::absolute(dot_path, ec).string();
  const std::string out = std::filesystem::absolute(svg_path, ec).string();
  if (ec) return GraphvizStatus::Failed;
  const ChildStatus st = run_child({"dot", "-Tsvg", "-o", out, in}, "/dev/null");
  if (st.kind == ChildStatus::Kind::NotFound) return GraphvizStatus::NotInstalled;
  return st.ok() ? GraphvizStatus::Rendered : GraphvizStatus::Failed;
}

}  // namespace tcpmc
