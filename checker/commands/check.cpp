#include "commands.hpp"

#include <ostream>

#include "command_support.hpp"
#include "file_output.hpp"
#include "interrupt.hpp"
#include "json_report.hpp"
#include "text_report.hpp"

namespace tcpmc {

int run_check(const CheckCommand& cmd, std::ostream& out_stream, std::ostream& err) {
  ExitStatus status;
  if (!output_target_ok(cmd.json_path, err)) return exit_code::kBadInput;
  std::ostream& out = is_stdout_name(cmd.json_path) ? err : out_stream;
  if (!cmd.trace_property.empty()) return run_trace(cmd, out_stream, err);
  if (int c = check_property_selection(cmd.specs, cmd.options, err)) return c;
  Diagnostics path_diags;
  std::vector<std::string> specs = expand_spec_paths(cmd.specs, path_diags);
  if (path_diags.has_errors()) status.bad_input = true;
  err << format_diagnostics(path_diags);

  Json json = Json::array();
  std::vector<SummaryRow> rows;
  TextOptions topt;
  topt.coverage = cmd.coverage;
  for (const auto& path : specs) {
    Diagnostics diags;
    std::unique_ptr<SpecResult> r;
    try {
      r = check_spec_file(path, cmd.options, diags);
    } catch (const std::bad_alloc&) {
      err << path << ": error: out of memory (use --memory-limit to bound the search)\n";
      status.internal = true;
      continue;
    }
    if (!r) {
      err << format_diagnostics(diags);
      err << path << ": " << count_errors(diags.error_count()) << "\n";
      status.add_load_failure(diags);
      Json dj = Json::array();
      for (const auto& d : diags.all()) dj.push_back(format_diagnostic(d));
      json.push_back({{"spec", path}, {"valid", false}, {"diagnostics", std::move(dj)}});
      rows.push_back({path, "(spec not checked)", "-", "bad spec", "-", "-"});
      continue;
    }
    err << format_diagnostics(diags);  // warnings
    warn_if_not_native(*r, err);
    if (!cmd.quiet) out << format_spec_result(*r, topt) << "\n";
    json.push_back(spec_json(*r));
    status.add(*r);
    auto rs = summary_rows(*r);
    rows.insert(rows.end(), rs.begin(), rs.end());
    if (r->exploration.interrupted) {  // the summary so far; the specs after it are not checked
      status.inconclusive = true;
      const size_t left = specs.size() - static_cast<size_t>(&path - specs.data()) - 1;
      err << "tcpmc: interrupted after " << r->exploration.states << " states of " << path
          << ": its verdicts not yet established are inconclusive"
          << (left ? "; " + std::to_string(left) + " more spec(s) not checked" : "") << "\n";
      break;
    }
  }
  out << format_summary(rows);

  if (!cmd.json_path.empty())
    if (auto e = write_output(cmd.json_path, json_text(json) + "\n", out_stream, err)) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
    }
  if (interrupt_requested()) status.inconclusive = true;
  return status.code();
}

}  // namespace tcpmc
