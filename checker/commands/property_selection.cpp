// `--property NAME`: names are checked against each spec before anything runs, so that a typo is
// a usage error with a suggestion rather than a run that reports nothing.
#include <ostream>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace tcpmc {

int check_property_selection(const std::vector<std::string>& specs, const CheckOptions& opts, std::ostream& err) {
  if (opts.properties.empty()) return exit_code::kAllAsExpected;
  Diagnostics ignored;  // missing paths and bad specs are the run's to report
  bool unknown = false;
  for (const auto& path : expand_spec_paths(specs, ignored)) {
    Diagnostics diags;
    auto loaded = load_spec_file(path, opts.defines, diags);
    if (!loaded || diags.has_errors()) continue;
    for (const auto& msg : unknown_properties(loaded->model, opts.properties)) {
      err << "tcpmc: error: --property: " << path << ": " << msg << "\n";
      unknown = true;
    }
  }
  return unknown ? exit_code::kUsage : exit_code::kAllAsExpected;
}

}  // namespace tcpmc
