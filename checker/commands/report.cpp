#include "commands.hpp"

#include <ostream>
#include "command_support.hpp"
#include "exit_codes.hpp"
#include "report_writer.hpp"
#include "text_report.hpp"

namespace tcpmc {

int run_report(const CheckCommand& cmd, const std::string& out_dir, std::ostream& out, std::ostream& err) {
  Diagnostics path_diags;
  std::vector<std::string> specs = expand_spec_paths(cmd.specs, path_diags);
  err << format_diagnostics(path_diags);
  bool bad = path_diags.has_errors(), unexpected = false, inconclusive = false, internal = false;
  std::vector<SummaryRow> rows;
  for (const auto& path : specs) {
    auto r = check_reporting(path, cmd.options, err);
    if (!r) {
      bad = true;
      continue;
    }
    if (r->replay_failed) internal = true;
    if (r->exploration.model_error) bad = true;
    for (const auto& p : r->properties) {
      if (p.verdict == Verdict::Inconclusive) inconclusive = true;
      else if (!p.as_expected()) unexpected = true;
    }
    if (auto e = write_spec_report(*r, out_dir)) {
      err << "error: " << *e << "\n";
      bad = true;
      continue;
    }
    out << "wrote " << out_dir << "/" << report_name(path) << "/\n";
    auto rs = summary_rows(*r);
    rows.insert(rows.end(), rs.begin(), rs.end());
  }
  if (auto e = write_report_index(out_dir)) {
    err << "error: " << *e << "\n";
    bad = true;
  }
  out << format_summary(rows);
  if (internal) return exit_code::kInternal;
  if (bad) return exit_code::kBadInput;
  if (unexpected) return exit_code::kUnexpectedVerdict;
  if (inconclusive) return exit_code::kInconclusive;
  return exit_code::kAllAsExpected;
}

}  // namespace tcpmc
