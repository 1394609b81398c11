// The tcpmc commands as library functions, independent of argument parsing (CLI11 lives only in
// cli/main.cpp). Each returns the process exit code (exit_codes.hpp) and writes human output to
// `out`, diagnostics and progress to `err`.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "verifier.hpp"

namespace tcpmc {

struct CheckCommand {
  std::vector<std::string> specs;   // files or directories (every *.tcp inside, sorted)
  CheckOptions options;
  std::string json_path;            // "" = none, "-" = stdout (human output then goes to err)
  bool quiet = false;               // only the summary table
  bool coverage = false;            // list reachable endpoint transitions and rule counts
};

int run_check(const CheckCommand& cmd, std::ostream& out, std::ostream& err);

// Expands directories into their *.tcp files (sorted); reports missing paths as diagnostics.
std::vector<std::string> expand_spec_paths(const std::vector<std::string>& paths, Diagnostics& diags);

}  // namespace tcpmc
