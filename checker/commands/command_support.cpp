#include "command_support.hpp"

#include <ostream>

namespace tcpmc {

std::unique_ptr<SpecResult> check_reporting(const std::string& path, const CheckOptions& opts, std::ostream& err) {
  Diagnostics diags;
  auto r = check_spec_file(path, opts, diags);
  err << format_diagnostics(diags);
  if (!r) err << path << ": " << diags.error_count() << (diags.error_count() == 1 ? " error" : " errors") << "\n";
  return r;
}

}  // namespace tcpmc
