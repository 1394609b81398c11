#include "commands.hpp"

#include <filesystem>
#include <map>
#include <ostream>

#include "command_support.hpp"
#include "interrupt.hpp"
#include "report_writer.hpp"
#include "text_report.hpp"

namespace tcpmc {

int run_report(const CheckCommand& cmd, const std::string& out_dir, std::ostream& out, std::ostream& err) {
  ExitStatus status;
  Diagnostics path_diags;
  std::vector<std::string> specs = expand_spec_paths(cmd.specs, path_diags);
  err << format_diagnostics(path_diags);
  if (path_diags.has_errors()) status.bad_input = true;
  if (int c = check_property_selection(cmd.specs, cmd.options, err)) return c;
  // Each spec's report is the folder named after the spec: two specs of one name would overwrite
  // each other.
  std::map<std::string, std::string> by_name;
  for (const auto& path : specs) {
    auto [it, fresh] = by_name.emplace(report_name(path), path);
    if (!fresh) {
      err << "tcpmc: error: " << it->second << " and " << path << " would both be reported in " << out_dir << "/"
          << it->first << "/: rename one\n";
      return exit_code::kBadInput;
    }
  }
  std::vector<SummaryRow> rows;
  for (const auto& path : specs) {
    auto r = check_reporting(path, cmd.options, err, status);
    if (!r) continue;
    status.add(*r);
    auto rs = summary_rows(*r);
    rows.insert(rows.end(), rs.begin(), rs.end());
    if (r->exploration.interrupted || interrupt_requested()) {  // an interrupted run is no report
      err << "tcpmc: interrupted after " << r->exploration.states << " states of " << path
          << ": no report written for it, nor for the specs after it\n";
      break;
    }
    if (auto e = write_spec_report(*r, out_dir)) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
      continue;
    }
    out << "wrote " << out_dir << "/" << report_name(path) << "/\n";
  }
  if (interrupt_requested()) {
    status.inconclusive = true;
  } else if (std::filesystem::is_directory(out_dir)) {
    std::vector<std::string> warnings;
    if (auto e = write_report_index(out_dir, &warnings)) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
    }
    for (const auto& w : warnings) err << "tcpmc: warning: " << w << "\n";
  }
  out << format_summary(rows);
  return status.code();
}

}  // namespace tcpmc
