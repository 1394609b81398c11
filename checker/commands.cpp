#include "commands.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include "exit_codes.hpp"
#include "file_output.hpp"
#include "json_report.hpp"
#include "text_report.hpp"

namespace tcpmc {

std::vector<std::string> expand_spec_paths(const std::vector<std::string>& paths, Diagnostics& diags) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.path().extension() == ".tcp") found.push_back(e.path().string());
      if (ec) diags.error_at_path(p, "cannot list directory: " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty() && !ec) diags.error_at_path(p, "no .tcp spec files in this directory");
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(p);  // unreadable files are reported by the loader
    }
  }
  return out;
}

int run_check(const CheckCommand& cmd, std::ostream& out_stream, std::ostream& err) {
  std::ostream& out = cmd.json_path == "-" ? err : out_stream;
  Diagnostics path_diags;
  std::vector<std::string> specs = expand_spec_paths(cmd.specs, path_diags);
  int code = exit_code::kAllAsExpected;
  bool bad_input = path_diags.has_errors(), usage = false, unexpected = false, inconclusive = false, internal = false;
  err << format_diagnostics(path_diags);

  JsonWriter json;
  json.begin_array();
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
      json.begin_object().key("spec").value(path).key("valid").value(false).key("diagnostics").begin_array();
      for (const auto& d : diags.all()) json.value(format_diagnostic(d));
      json.end_array().end_object();
      rows.push_back({path, "(spec not checked)", "-", "bad spec", "-", "-"});
      continue;
    }
    err << format_diagnostics(diags);  // warnings
    if (!cmd.quiet) out << format_spec_result(*r, topt) << "\n";
    write_spec_json(json, *r);
    for (const auto& p : r->properties) {
      if (p.verdict == Verdict::Inconclusive) inconclusive = true;
      else if (!p.as_expected()) unexpected = true;
    }
    if (r->exploration.model_error) bad_input = true;
    if (r->replay_failed) internal = true;
    auto rs = summary_rows(*r);
    rows.insert(rows.end(), rs.begin(), rs.end());
  }
  json.end_array();
  out << format_summary(rows);

  if (!cmd.json_path.empty()) {
    if (cmd.json_path == "-") {
      out_stream << json.str() << "\n";
    } else if (auto e = write_file_atomically(cmd.json_path, json.str() + "\n")) {
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
