#include "commands.hpp"

#include <algorithm>
#include <ostream>
#include "command_support.hpp"
#include "exit_codes.hpp"
#include "file_output.hpp"
#include "interrupt.hpp"
#include "json_report.hpp"

namespace tcpmc {

int run_sweep(const CheckCommand& cmd, const std::string& name, int64_t lo, int64_t hi, std::ostream& out_stream,
              std::ostream& err) {
  if (!output_target_ok(cmd.json_path, err)) return exit_code::kBadInput;
  std::ostream& out = is_stdout_name(cmd.json_path) ? err : out_stream;
  if (cmd.specs.size() != 1) {
    err << "tcpmc: error: sweep takes exactly one spec\n";
    return exit_code::kUsage;
  }
  if (lo > hi || hi - lo > 1000) {
    err << "tcpmc: error: sweep range " << lo << ".." << hi << " must be non-empty and at most 1001 values\n";
    return exit_code::kUsage;
  }
  Json runs = Json::array();
  std::vector<std::string> props;
  std::vector<std::vector<std::string>> table;
  ExitStatus status;
  bool any_unexpected = false, interrupted = false;
  for (int64_t v = lo; v <= hi; ++v) {
    CheckOptions opts = cmd.options;
    opts.defines[name] = v;
    opts.limits.progress_label = "sweep " + name + "=" + std::to_string(v) + " (" + std::to_string(v - lo + 1) + "/" +
                                 std::to_string(hi - lo + 1) + ")";
    auto r = check_reporting(cmd.specs[0], opts, err, status);
    std::vector<std::string> row = {name + "=" + std::to_string(v)};
    if (!r) {  // the rows so far are kept; this value is marked and the sweep goes on
      row.push_back("(spec not checked)");
      table.push_back(row);
      runs.push_back({{"value", v}, {"valid", false}});
      continue;
    }
    status.add(*r);
    if (r->exploration.model_error) row.push_back("(model error)");
    if (props.empty())
      for (const auto& p : r->properties) props.push_back(p.name);
    Json verdicts = Json::object();
    std::vector<std::string> unexpected;
    for (const auto& p : r->properties) {
      std::string cell = verdict_name(p.verdict);
      if (p.counterexample) cell += " (" + std::to_string(p.counterexample->steps.size()) + ")";
      if (p.verdict != Verdict::Inconclusive && !p.as_expected()) {
        cell += " *";
        any_unexpected = true;
        unexpected.push_back(p.name);
      }
      row.push_back(cell);
      verdicts[p.name] = verdict_name(p.verdict);
    }
    Json run = Json::object();
    run["value"] = v;
    run["states"] = r->exploration.states;
    run["verdicts"] = std::move(verdicts);
    run["unexpected"] = unexpected;
    runs.push_back(std::move(run));
    row.push_back(std::to_string(r->exploration.states));
    table.push_back(row);
    if (r->exploration.interrupted) {  // the table so far; the values after it are not checked
      interrupted = status.inconclusive = true;
      table.back().back() += " (interrupted)";
      err << "tcpmc: interrupted at " << name << "=" << v << " after " << r->exploration.states << " states";
      if (v < hi) err << "; " << name << "=" << v + 1 << ".." << hi << " not checked";
      err << "\n";
      break;
    }
  }
  Json json = Json::object();
  json["spec"] = cmd.specs[0];
  json["constant"] = name;
  json["runs"] = std::move(runs);
  json["interrupted"] = interrupted;
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
  if (interrupt_requested()) status.inconclusive = true;
  if (!cmd.json_path.empty())
    if (auto e = write_output(cmd.json_path, json_text(json) + "\n", out_stream, err)) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
    }
  return status.code();
}

}  // namespace tcpmc
