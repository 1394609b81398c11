#include "commands.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>

#include "exit_codes.hpp"
#include "file_output.hpp"
#include "json_report.hpp"
#include "text_report.hpp"
#include "report_writer.hpp"
#include "run_summary.hpp"
#include "trace_format.hpp"
#include <fstream>
#include <set>
#include <sstream>

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

namespace tcpmc {

namespace {

// Checks one spec, printing its diagnostics to err; nullptr if it cannot be loaded.
std::unique_ptr<SpecResult> check_reporting(const std::string& path, const CheckOptions& opts, std::ostream& err) {
  Diagnostics diags;
  auto r = check_spec_file(path, opts, diags);
  err << format_diagnostics(diags);
  if (!r) err << path << ": " << diags.error_count() << (diags.error_count() == 1 ? " error" : " errors") << "\n";
  return r;
}

}  // namespace

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

int run_diff(const CheckCommand& cmd, const std::string& old_spec, const std::string& new_spec, std::ostream& out,
             std::ostream& err) {
  auto a = check_reporting(old_spec, cmd.options, err);
  auto b = check_reporting(new_spec, cmd.options, err);
  if (!a || !b) return exit_code::kBadInput;
  if (a->replay_failed || b->replay_failed) return exit_code::kInternal;
  RunSummary sa = summarize(*a), sb = summarize(*b);
  std::string d = diff_summaries(sa, sb);
  out << "--- " << old_spec << "\n+++ " << new_spec << "\n";
  if (d.empty()) {
    out << "  no change: same verdicts, " << sa.states << " states, " << sa.transitions
        << " transitions, same reachable endpoint transitions\n";
    return exit_code::kAllAsExpected;
  }
  out << d;
  // Show each counterexample that is new or changed.
  for (const auto& p : b->properties) {
    if (!p.counterexample) continue;
    auto old_len = sa.cex_length.find(p.name);
    if (old_len != sa.cex_length.end() && old_len->second == p.counterexample->steps.size()) continue;
    out << "\n  new counterexample for " << p.name << " (" << p.counterexample->steps.size() << " steps):\n";
    std::string table = format_trace_table(*b->system, *p.counterexample);
    size_t pos = 0;
    while (pos < table.size()) {
      size_t e = table.find('\n', pos);
      out << "    " << table.substr(pos, e - pos) << "\n";
      pos = e + 1;
    }
  }
  return exit_code::kUnexpectedVerdict;
}

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

int run_sweep(const CheckCommand& cmd, const std::string& name, int64_t lo, int64_t hi, std::ostream& out_stream,
              std::ostream& err) {
  std::ostream& out = cmd.json_path == "-" ? err : out_stream;
  if (cmd.specs.size() != 1) {
    err << "tcpmc: error: sweep takes exactly one spec\n";
    return exit_code::kUsage;
  }
  if (lo > hi || hi - lo > 1000) {
    err << "tcpmc: error: sweep range " << lo << ".." << hi << " must be non-empty and at most 1001 values\n";
    return exit_code::kUsage;
  }
  JsonWriter json;
  json.begin_object().key("spec").value(cmd.specs[0]).key("constant").value(name).key("runs").begin_array();
  std::vector<std::string> props;
  std::vector<std::vector<std::string>> table;
  bool bad = false, inconclusive = false, any_unexpected = false;
  for (int64_t v = lo; v <= hi; ++v) {
    CheckOptions opts = cmd.options;
    opts.defines[name] = v;
    auto r = check_reporting(cmd.specs[0], opts, err);
    if (!r) return exit_code::kBadInput;
    if (r->exploration.model_error) bad = true;
    std::vector<std::string> row = {name + "=" + std::to_string(v)};
    if (props.empty())
      for (const auto& p : r->properties) props.push_back(p.name);
    json.begin_object().key("value").value(v).key("states").value(r->exploration.states);
    json.key("verdicts").begin_object();
    std::vector<std::string> unexpected;
    for (const auto& p : r->properties) {
      std::string cell = verdict_name(p.verdict);
      if (p.counterexample) cell += " (" + std::to_string(p.counterexample->steps.size()) + ")";
      if (p.verdict == Verdict::Inconclusive) inconclusive = true;
      if (p.verdict != Verdict::Inconclusive && !p.as_expected()) {
        cell += " *";
        any_unexpected = true;
        unexpected.push_back(p.name);
      }
      row.push_back(cell);
      json.key(p.name).value(verdict_name(p.verdict));
    }
    json.end_object();
    json.key("unexpected").begin_array();
    for (const auto& u : unexpected) json.value(u);
    json.end_array().end_object();
    row.push_back(std::to_string(r->exploration.states));
    table.push_back(row);
  }
  json.end_array().end_object();
  std::vector<std::string> head = {name};
  head.insert(head.end(), props.begin(), props.end());
  head.push_back("states");
  std::vector<size_t> w(head.size(), 0);
  for (size_t i = 0; i < head.size(); ++i) w[i] = head[i].size();
  for (const auto& row : table)
    for (size_t i = 0; i < row.size() && i < w.size(); ++i) w[i] = std::max(w[i], row[i].size());
  auto line = [&](const std::vector<std::string>& row) {
    std::string s;
    for (size_t i = 0; i < row.size() && i < w.size(); ++i) s += row[i] + std::string(w[i] - row[i].size() + 2, ' ');
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  out << line(head);
  for (const auto& row : table) out << line(row);
  if (any_unexpected) out << "* not the verdict the spec expects for that value\n";
  if (!cmd.json_path.empty()) {
    if (cmd.json_path == "-") out_stream << json.str() << "\n";
    else if (auto e = write_file_atomically(cmd.json_path, json.str() + "\n")) {
      err << "error: " << *e << "\n";
      return exit_code::kBadInput;
    }
  }
  if (bad) return exit_code::kBadInput;
  return inconclusive ? exit_code::kInconclusive : exit_code::kAllAsExpected;
}

}  // namespace tcpmc
