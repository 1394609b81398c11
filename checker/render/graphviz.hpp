// Runs Graphviz `dot` to turn a DOT file into SVG. No shell is involved: the program is started
// with posix_spawnp and an argument vector, so no file name (quotes, `$(...)`, spaces, newlines,
// a leading '-') can be taken for a command or an option. Its standard input is /dev/null and its
// output and diagnostics are discarded; the call waits for it.
#pragma once
#include <string>

namespace tcpmc {

enum class GraphvizStatus { Rendered, NotInstalled, Failed };

GraphvizStatus render_dot_to_svg(const std::string& dot_path, const std::string& svg_path);

}  // namespace tcpmc
