#include "commands.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include "command_support.hpp"
#include "exit_codes.hpp"
#include "report_writer.hpp"
#include "run_summary.hpp"

namespace tcpmc {

int run_regress(const std::string& baseline_dir, const std::string& specs_dir, bool update, const EngineLimits& limits,
                std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  std::vector<fs::path> results;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(baseline_dir, ec))
    if (e.is_directory() && e.path().filename().string()[0] != '.' && fs::exists(e.path() / "result.json"))
      results.push_back(e.path() / "result.json");
  if (ec) {
    err << "error: cannot read baseline " << baseline_dir << ": " << ec.message() << "\n";
    return exit_code::kBadInput;
  }
  if (results.empty()) {
    err << "error: no reports with result.json in " << baseline_dir << "\n";
    return exit_code::kBadInput;
  }
  std::sort(results.begin(), results.end());
  bool bad = false, changed = false;
  for (const auto& rj : results) {
    std::ifstream in(rj);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string error;
    auto base = summary_from_json(ss.str(), error);
    if (!base) {
      err << rj.string() << ": error: not a tcpmc result: " << error << "\n";
      bad = true;
      continue;
    }
    CheckOptions opts;
    opts.defines = base->defines;
    opts.loss = base->loss;
    opts.dup = base->dup;
    opts.reorder = base->reorder;
    opts.limits = limits;
    opts.limits.max_states = base->max_states;
    auto r = check_reporting(base->spec, opts, err);
    if (!r) {
      bad = true;
      continue;
    }
    std::string d = diff_summaries(*base, summarize(*r));
    if (d.empty()) {
      out << "ok      " << base->spec << " (" << base->states << " states)\n";
      continue;
    }
    changed = true;
    out << "CHANGED " << base->spec << " (baseline " << rj.string() << "):\n" << d;
    if (update) {
      if (auto e = write_spec_report(*r, baseline_dir)) {
        err << "error: " << *e << "\n";
        bad = true;
      } else {
        out << "        baseline updated\n";
      }
    }
  }
  // Every shipped spec needs a baseline: a new spec without one is a change, like an edit.
  if (!specs_dir.empty()) {
    std::set<std::string> have;
    for (const auto& rj : results) have.insert(rj.parent_path().filename().string());
    Diagnostics diags;
    for (const auto& spec : expand_spec_paths({specs_dir}, diags)) {
      if (have.count(report_name(spec))) continue;
      changed = true;
      out << "MISSING " << spec << ": no baseline in " << baseline_dir << "\n";
      if (!update) continue;
      CheckOptions opts;
      opts.limits = limits;
      auto r = check_reporting(spec, opts, err);
      if (!r) {
        bad = true;
      } else if (auto e = write_spec_report(*r, baseline_dir)) {
        err << "error: " << *e << "\n";
        bad = true;
      } else {
        out << "        baseline written\n";
      }
    }
    if (diags.has_errors()) {
      err << format_diagnostics(diags);
      bad = true;
    }
  }
  if (update && changed)
    if (auto e = write_report_index(baseline_dir)) {
      err << "error: " << *e << "\n";
      bad = true;
    }
  if (bad) return exit_code::kBadInput;
  if (changed && !update) return exit_code::kUnexpectedVerdict;
  return exit_code::kAllAsExpected;
}

}  // namespace tcpmc
