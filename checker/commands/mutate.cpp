// `tcpmc mutate SPEC`: the mutation engine (mutate/mutate.hpp) with its table, JSON and Markdown
// report. The rendering is small enough to live here.
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <sstream>

#include "command_support.hpp"
#include "commands.hpp"
#include "file_output.hpp"
#include "interrupt.hpp"
#include "json_report.hpp"
#include "mutate.hpp"

namespace tcpmc {

namespace {

using namespace mutate;

std::string fixed(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

std::string result_text(const MutantResult& r) {
  std::string s = outcome_name(r.outcome);
  if (r.outcome == Outcome::Killed) {
    s += " by " + r.killed_by;
    if (r.cex_length) s += " (" + std::to_string(*r.cex_length) + " steps)";
  } else if (r.outcome == Outcome::Equivalent) {
    s = r.ran ? "probably equivalent" : "equivalent (rule never fires)";
  } else if (!r.detail.empty() && r.outcome != Outcome::Survived) {
    s += ": " + r.detail;
  }
  return s;
}

std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string summary_text(const Summary& s) {
  return std::to_string(s.total) + " mutants: " + std::to_string(s.killed) + " killed, " +
         std::to_string(s.survived) + " survived, " + std::to_string(s.equivalent) + " probably equivalent, " +
         std::to_string(s.invalid) + " invalid, " + std::to_string(s.inconclusive) + " inconclusive" +
         (s.not_run ? ", " + std::to_string(s.not_run) + " not run" : std::string()) +
         "; score " + fixed(100.0 * s.score(), 1) + "% (killed / not equivalent, not invalid)";
}

Json mutation_json(const MutationRun& run, const MutateCommand& cmd, const std::vector<std::string>& op_names) {
  const SpecResult& o = *run.original;
  Json j;
  j["spec"] = cmd.spec;
  Json ops = Json::array();
  for (const auto& n : op_names.empty() ? operator_names() : op_names) ops.push_back(n);
  j["operators"] = ops;
  j["faults"] = {{"loss", o.faults.unbounded_loss() ? nlohmann::json("unbounded") : nlohmann::json(o.faults.loss)}, {"dup", o.faults.dup}, {"reorder", o.faults.reorder}};
  j["original"] = {{"states", o.exploration.states},
                   {"transitions", o.exploration.transitions},
                   {"complete", o.exploration.complete}};
  Json ms = Json::array();
  for (size_t i = 0; i < run.mutants.size(); ++i) {
    const Mutant& m = run.mutants[i];
    const MutantResult& r = run.results[i];
    Json x;
    x["id"] = m.id;
    x["operator"] = operator_name(m.op);
    x["rule"] = m.rule_name;
    x["location"] = m.location;
    x["original"] = m.original;
    x["replacement"] = m.replacement;
    x["description"] = m.description();
    x["result"] = outcome_name(r.outcome);
    x["ran"] = r.ran;
    x["killed_by"] = r.outcome == Outcome::Killed ? Json(r.killed_by) : Json(nullptr);
    x["counterexample_length"] = r.cex_length ? Json(*r.cex_length) : Json(nullptr);
    x["states"] = r.states;
    x["transitions"] = r.transitions;
    x["detail"] = r.detail;
    ms.push_back(std::move(x));
  }
  j["mutants"] = std::move(ms);
  Summary s = run.summary();
  j["summary"] = {{"total", s.total},         {"killed", s.killed},   {"survived", s.survived},
                  {"equivalent", s.equivalent}, {"invalid", s.invalid}, {"inconclusive", s.inconclusive},
                  {"not_run", s.not_run},     {"score", s.score()}};
  j["interrupted"] = run.interrupted;
  j["seconds"] = run.seconds;
  return j;
}

std::string markdown_report(const MutationRun& run, const MutateCommand& cmd) {
  std::ostringstream md;
  Summary s = run.summary();
  md << "# Mutation testing of `" << cmd.spec << "`\n\n";
  md << summary_text(s) << ".\n\n";
  md << "Original run: " << run.original->exploration.states << " states, " << run.original->exploration.transitions
     << " transitions; faults loss " << run.original->faults.loss_text() << ", dup " << run.original->faults.dup
     << (run.original->faults.reorder ? ", reorder" : ", no reorder") << ". Time " << fixed(run.seconds, 1)
     << " s.\n\n";
  md << "## Survivors\n\nEach changes the spec and no property noticed: a missing property, or a change that "
        "does not matter.\n\n";
  bool any = false;
  for (size_t i = 0; i < run.mutants.size(); ++i) {
    if (run.results[i].outcome != Outcome::Survived) continue;
    const Mutant& m = run.mutants[i];
    md << "- #" << m.id << " `" << m.location << "` (" << m.rule_name << ", " << operator_name(m.op) << "): "
       << m.description() << "\n";
    any = true;
  }
  if (!any) md << "None.\n";
  md << "\n## All mutants\n\n| id | operator | rule | location | result | change |\n|---|---|---|---|---|---|\n";
  for (size_t i = 0; i < run.mutants.size(); ++i) {
    const Mutant& m = run.mutants[i];
    std::string change = m.description();
    for (size_t p = 0; (p = change.find('|', p)) != std::string::npos; p += 2) change.replace(p, 1, "\\|");
    md << "| " << m.id << " | " << operator_name(m.op) << " | " << m.rule_name << " | " << m.location << " | "
       << result_text(run.results[i]) << " | " << change << " |\n";
  }
  return md.str();
}

}  // namespace

int run_mutate(const MutateCommand& cmd, std::ostream& out_stream, std::ostream& err) {
  MutationOptions mo;
  std::vector<std::string> names;
  for (const auto& list : cmd.operators) {
    size_t b = 0;
    for (;;) {
      size_t e = list.find(',', b);
      std::string n = list.substr(b, e == std::string::npos ? std::string::npos : e - b);
      if (!n.empty()) names.push_back(n);
      if (e == std::string::npos) break;
      b = e + 1;
    }
  }
  for (const auto& n : names) {
    auto op = operator_by_name(n);
    if (!op) {
      err << "tcpmc: error: --operators: " << with_suggestion("unknown operator '" + n + "'", n, operator_names())
          << " (operators:";
      for (const auto& o : operator_names()) err << " " << o;
      err << ")\n";
      return exit_code::kUsage;
    }
    mo.operators.push_back(*op);
  }
  if (!output_target_ok(cmd.json_path, err)) return exit_code::kBadInput;
  std::ostream& out = is_stdout_name(cmd.json_path) ? err : out_stream;
  if (int c = check_property_selection({cmd.spec}, cmd.options, err)) return c;
  ExitStatus status;
  auto loaded = load_reporting(cmd.spec, cmd.options.defines, err, status);
  if (!loaded || !engine_accepts_reporting(*loaded, cmd.options.engine, err, status)) return status.code();

  mo.check = cmd.options;
  mo.jobs = cmd.jobs;
  const bool progress = cmd.options.limits.progress;
  if (progress)
    mo.on_result = [&err](const Mutant&, const MutantResult&, size_t done, size_t total) {
      err << "\rmutants: " << done << "/" << total << std::flush;
    };
  MutationRun run = run_mutation(*loaded, mo);
  if (progress && !run.mutants.empty()) err << "\r\033[K" << std::flush;

  const SpecResult& o = *run.original;
  if (o.exploration.model_error) {
    err << describe_model_error(*o.exploration.model_error) << "\n"
        << cmd.spec << ": the original spec has a model error: fix it before mutation testing\n";
    return exit_code::kBadInput;
  }
  if (!o.exploration.complete && !o.exploration.interrupted)
    err << "tcpmc: warning: the original run is incomplete (" << o.exploration.stop_reason
        << "): no mutant is equivalent without a run, and a mutant stopped by the same limit is inconclusive\n";
  for (const auto& p : o.properties)
    if (p.verdict != Verdict::Inconclusive && !p.as_expected())
      err << "tcpmc: warning: property " << p.name << " is " << verdict_name(p.verdict)
          << " in the original spec, not as it expects; mutants are compared with that verdict\n";

  out << "original: " << o.exploration.states << " states, " << o.exploration.transitions << " transitions\n";
  size_t wid = 2, wop = 8, wloc = 8, wres = 6;
  for (size_t i = 0; i < run.mutants.size(); ++i) {
    if (cmd.quiet && run.results[i].outcome != Outcome::Survived) continue;
    wid = std::max(wid, std::to_string(run.mutants[i].id).size());
    wop = std::max(wop, std::string(operator_name(run.mutants[i].op)).size());
    wloc = std::max(wloc, run.mutants[i].location.size());
    wres = std::max(wres, result_text(run.results[i]).size());
  }
  wres = std::min<size_t>(wres, 48);
  out << pad("id", wid) << "  " << pad("operator", wop) << "  " << pad("location", wloc) << "  " << pad("result", wres)
      << "  change\n";
  for (size_t i = 0; i < run.mutants.size(); ++i) {
    const Mutant& m = run.mutants[i];
    const MutantResult& r = run.results[i];
    if (cmd.quiet && r.outcome != Outcome::Survived) continue;
    out << pad(std::to_string(m.id), wid) << "  " << pad(operator_name(m.op), wop) << "  " << pad(m.location, wloc)
        << "  " << pad(result_text(r), wres) << "  " << m.description() << "\n";
  }
  out << summary_text(run.summary()) << "\n";
  out << "time: " << fixed(run.seconds, 1) << " s with " << std::max(1, cmd.jobs) << " job(s)\n";

  if (!cmd.json_path.empty())
    if (auto e = write_output(cmd.json_path, json_text(mutation_json(run, cmd, names), 2) + "\n", out_stream, err)) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
    }
  if (!cmd.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(cmd.out_dir, ec);
    std::string path =
        (std::filesystem::path(cmd.out_dir) / (std::filesystem::path(cmd.spec).stem().string() + "-mutants.md")).string();
    if (auto e = write_file_atomically(path, markdown_report(run, cmd))) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
    } else {
      out << "wrote " << path << "\n";
    }
  }
  if (run.interrupted || interrupt_requested()) {
    err << "tcpmc: interrupted: the mutants not yet checked are 'not run'\n";
    status.inconclusive = true;
  }
  return status.code();
}

}  // namespace tcpmc
