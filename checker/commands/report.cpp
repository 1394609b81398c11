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
  bool bad = path_diags.has_errors(), unexpected = false, inconclusive = false, internal = false, interrupted = false;
  if (int c = check_property_selection(cmd.specs, cmd.options, err)) return c;
  std::vector<SummaryRow> rows;
  for (const auto& path : specs) {
    auto r = check_reporting(path, cmd.options, err);
    if (!r) {
      bad = true;
      continue;
    }
    if (r->exploration.interrupted) {  // an interrupted run is no report: nothing is written for it
      err << "tcpmc: interrupted after " << r->exploration.states << " states of " << path
          << ": no report written for it, nor for the specs after it\n";
      interrupted = true;
      break;
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
  if (interrupted) {
    out << format_summary(rows);
    return internal ? exit_code::kInternal : bad ? exit_code::kBadInput : exit_code::kInconclusive;
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
