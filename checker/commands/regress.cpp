#include "commands.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

#include "command_support.hpp"
#include "interrupt.hpp"
#include "report_writer.hpp"
#include "run_summary.hpp"

namespace tcpmc {

namespace fs = std::filesystem;

namespace {

// The spec a baseline was made from: recorded relative to the baseline folder (reports written
// by this version), else as recorded (relative to where the report was made). The path as
// recorded is kept where it names the same file, for the messages.
std::string baseline_spec_path(const RunSummary& base, const std::string& baseline_dir) {
  if (base.spec_from_baseline.empty()) return base.spec;
  const fs::path p = (fs::path(baseline_dir) / base.spec_from_baseline).lexically_normal();
  std::error_code ec, ec2;
  if (fs::exists(base.spec, ec) && fs::equivalent(base.spec, p, ec2)) return base.spec;
  return p.string();
}

}  // namespace

int run_regress(const std::string& baseline_dir, const std::string& specs_dir, bool update, const EngineLimits& limits,
                std::ostream& out, std::ostream& err) {
  std::vector<fs::path> results;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(baseline_dir, ec))
    if (e.is_directory() && e.path().filename().string()[0] != '.' && fs::exists(e.path() / "result.json"))
      results.push_back(e.path() / "result.json");
  if (ec) {
    err << "tcpmc: error: cannot read baseline " << baseline_dir << ": " << ec.message() << "\n";
    return exit_code::kBadInput;
  }
  if (results.empty()) {
    err << "tcpmc: error: no reports with result.json in " << baseline_dir << "\n";
    return exit_code::kBadInput;
  }
  std::sort(results.begin(), results.end());
  ExitStatus status;
  bool changed = false;
  std::set<std::string> covered;  // spec files (canonical) that have a baseline
  for (const auto& rj : results) {
    if (interrupt_requested()) break;
    std::ifstream in(rj);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string error;
    auto base = summary_from_json(ss.str(), error);
    if (!base) {
      err << rj.string() << ": error: not a tcpmc result: " << error << "\n";
      status.bad_input = true;
      continue;
    }
    const std::string spec = baseline_spec_path(*base, baseline_dir);
    if (!fs::exists(spec, ec)) {
      changed = true;
      out << "ORPHAN  " << rj.parent_path().string() << ": its spec " << spec << " no longer exists\n";
      if (update) {
        fs::remove_all(rj.parent_path(), ec);
        out << "        baseline removed\n";
      }
      continue;
    }
    covered.insert(fs::weakly_canonical(spec, ec).string());
    CheckOptions opts;
    opts.defines = base->defines;
    opts.loss = base->loss;
    opts.dup = base->dup;
    opts.reorder = base->reorder;
    opts.limits = limits;
    opts.limits.max_states = base->max_states;  // the bounds are the baseline's, not the caller's
    opts.limits.fairness = base->fairness;
    auto r = check_reporting(spec, opts, err, status);
    if (!r) continue;
    if (interrupt_requested()) break;
    RunSummary now = summarize(*r);
    now.spec = base->spec;  // the same spec, whatever folder regress runs from
    std::string d = diff_summaries(*base, now);
    if (d.empty()) {
      out << "ok      " << spec << " (" << base->states << " states)\n";
      continue;
    }
    changed = true;
    out << "CHANGED " << spec << " (baseline " << rj.string() << "):\n" << d;
    if (update) {
      if (auto e = write_spec_report(*r, baseline_dir)) {
        err << "tcpmc: error: " << *e << "\n";
        status.bad_input = true;
      } else {
        out << "        baseline updated\n";
      }
    }
  }
  if (interrupt_requested()) {
    err << "tcpmc: interrupted: the comparison so far\n";
    status.inconclusive = true;
    return status.code();
  }
  // Every shipped spec needs a baseline: a new spec without one is a change, like an edit.
  // (A folder with no spec left has none to miss: its baselines showed up as orphans above.)
  bool any_spec = false;
  for (const auto& e : fs::directory_iterator(specs_dir.empty() ? "." : specs_dir, ec))
    any_spec = any_spec || e.path().extension() == ".tcp";
  if (!specs_dir.empty() && (any_spec || !fs::is_directory(specs_dir, ec))) {
    Diagnostics diags;
    for (const auto& spec : expand_spec_paths({specs_dir}, diags)) {
      if (covered.count(fs::weakly_canonical(spec, ec).string())) continue;
      changed = true;
      out << "MISSING " << spec << ": no baseline in " << baseline_dir << "\n";
      if (!update) continue;
      CheckOptions opts;
      opts.limits = limits;
      auto r = check_reporting(spec, opts, err, status);
      if (!r) continue;
      if (auto e = write_spec_report(*r, baseline_dir)) {
        err << "tcpmc: error: " << *e << "\n";
        status.bad_input = true;
      } else {
        out << "        baseline written\n";
      }
    }
    if (diags.has_errors()) {
      err << format_diagnostics(diags);
      status.bad_input = true;
    }
  }
  if (update && changed) {
    std::vector<std::string> warnings;
    if (auto e = write_report_index(baseline_dir, &warnings)) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
    }
    for (const auto& w : warnings) err << "tcpmc: warning: " << w << "\n";
  }
  if (changed && !update) status.unexpected = true;
  return status.code();
}

}  // namespace tcpmc
