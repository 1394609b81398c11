#include "commands.hpp"

#include <ostream>
#include "exit_codes.hpp"
#include "file_output.hpp"
#include "json_report.hpp"
#include "text_report.hpp"

namespace tcpmc {

int run_check(const CheckCommand& cmd, std::ostream& out_stream, std::ostream& err) {
  std::ostream& out = cmd.json_path == "-" ? err : out_stream;
  if (!cmd.trace_property.empty()) return run_trace(cmd, out_stream, err);
  if (int c = check_property_selection(cmd.specs, cmd.options, err)) return c;
  Diagnostics path_diags;
  std::vector<std::string> specs = expand_spec_paths(cmd.specs, path_diags);
  int code = exit_code::kAllAsExpected;
  bool bad_input = path_diags.has_errors(), usage = false, unexpected = false, inconclusive = false, internal = false;
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
      internal = true;
      continue;
    }
    if (!r) {
      err << format_diagnostics(diags);
      err << path << ": " << diags.error_count() << (diags.error_count() == 1 ? " error" : " errors") << "\n";
      bool only_usage = true;
      for (const auto& d : diags.all())
        if (d.severity == Severity::Error && d.path.rfind("-D ", 0) != 0) only_usage = false;
      (only_usage ? usage : bad_input) = true;
      Json dj = Json::array();
      for (const auto& d : diags.all()) dj.push_back(format_diagnostic(d));
      json.push_back({{"spec", path}, {"valid", false}, {"diagnostics", std::move(dj)}});
      rows.push_back({path, "(spec not checked)", "-", "bad spec", "-", "-"});
      continue;
    }
    err << format_diagnostics(diags);  // warnings
    if (!cmd.quiet) out << format_spec_result(*r, topt) << "\n";
    json.push_back(spec_json(*r));
    for (const auto& p : r->properties) {
      if (p.verdict == Verdict::Inconclusive) inconclusive = true;
      else if (!p.as_expected()) unexpected = true;
    }
    if (r->exploration.model_error) bad_input = true;
    if (r->replay_failed) internal = true;
    auto rs = summary_rows(*r);
    rows.insert(rows.end(), rs.begin(), rs.end());
    if (r->exploration.interrupted) {  // the summary so far; the specs after it are not checked
      inconclusive = true;
      const size_t left = specs.size() - static_cast<size_t>(&path - specs.data()) - 1;
      err << "tcpmc: interrupted after " << r->exploration.states << " states of " << path
          << ": its verdicts not yet established are inconclusive"
          << (left ? "; " + std::to_string(left) + " more spec(s) not checked" : "") << "\n";
      break;
    }
  }
  out << format_summary(rows);

  if (!cmd.json_path.empty()) {
    if (cmd.json_path == "-") {
      out_stream << json_text(json) << "\n";
    } else if (auto e = write_file_atomically(cmd.json_path, json_text(json) + "\n")) {
      err << "error: " << *e << "\n";
      bad_input = true;
    }
  }
  if (internal) code = exit_code::kInternal;
  else if (usage && !bad_input) code = exit_code::kUsage;
  else if (bad_input) code = exit_code::kBadInput;
  else if (unexpected) code = exit_code::kUnexpectedVerdict;
  else if (inconclusive) code = exit_code::kInconclusive;
  return code;
}

}  // namespace tcpmc
