// `tcpmc simulate`: random runs of one spec (simulate/random_walk.hpp), reported like a check
// where it can be (counterexamples through the same renderers, JSON traces through trace_json)
// and honestly where it cannot: a property never violated is "not violated in N runs", and a
// counterexample is marked as found by random simulation, not necessarily shortest.
#include <random>
#include <ostream>

#include "command_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "file_output.hpp"
#include "json_report.hpp"
#include "progress_line.hpp"
#include "random_walk.hpp"
#include "text_report.hpp"
#include "trace_format.hpp"

namespace tcpmc {

int run_simulate(const SimulateCommand& cmd, std::ostream& out_stream, std::ostream& err) {
  if (!output_target_ok(cmd.json_path, err)) return exit_code::kBadInput;
  std::ostream& out = is_stdout_name(cmd.json_path) ? err : out_stream;
  if (int c = check_property_selection({cmd.spec}, cmd.options, err)) return c;
  ExitStatus load_status;
  auto loaded = load_reporting(cmd.spec, cmd.options.defines, err, load_status);
  // Random runs pick among the successors the explicit engine enumerates, whatever --engine says.
  if (!loaded || !engine_accepts_reporting(*loaded, EngineKind::Explicit, err, load_status)) return load_status.code();
  const ir::Model& m = loaded->model;
  const ir::FaultBudget faults = run_faults(m, cmd.options);
  CompiledSystem sys(m, faults);

  SimulationOptions so;
  so.seed = cmd.seed_given ? cmd.seed : std::random_device{}();
  so.runs = cmd.runs;
  so.max_steps = cmd.steps;
  so.selected = select_properties(m, cmd.options.properties);
  std::shared_ptr<ProgressLine> line;
  if (cmd.options.limits.progress && cmd.options.limits.on_progress) {
    line = stderr_progress_line();
    const std::string label = m.name.empty() ? cmd.spec : m.name;
    so.on_progress = [line, label](const SimulationProgress& p) {
      if (p.final) return line->finish();
      line->update("[tcpmc] simulate " + label + ": run " + std::to_string(p.runs_done) + " of " +
                       std::to_string(p.runs) + ", " + std::to_string(p.steps) + " steps, " +
                       std::to_string(p.violated) + " properties violated, " + format_elapsed(p.seconds),
                   p.seconds);
    };
  }
  const SimulationResult R = simulate(sys, so);

  // Report.
  const std::string seed = std::to_string(so.seed);
  out << "== " << cmd.spec << (m.name.empty() ? "" : " (" + m.name + ")") << ": random simulation, seed " << seed
      << (cmd.seed_given ? "" : " (chosen at random; repeat with --seed " + seed + ")") << "\n";
  out << "   " << R.runs << " runs of at most " << cmd.steps << " steps" << (R.interrupted ? " (INTERRUPTED)" : "")
      << ": " << R.steps << " steps, longest run " << R.longest_run << ", " << R.dead_ends
      << " runs ended in a state without successors\n";
  out << "   faults: loss " << faults.loss_text() << ", dup " << faults.dup << ", " << (faults.reorder ? "reorder" : "no reorder")
      << "; capacity " << m.capacity << ", msl " << m.msl << "\n";
  const size_t nstates = m.state_enum().members.size();
  out << "   states visited: " << (R.distinct_capped ? "at least " : "") << R.distinct_states << " distinct; TCP state pairs seen: "
      << R.tcp_state_pairs.size() << " of " << nstates * nstates << "\n";

  bool unexpected = false, inconclusive = R.interrupted;
  size_t w = 8;
  for (const auto& p : m.properties) w = std::max(w, p.name.size());
  Json props = Json::array();
  std::string traces;
  for (size_t p = 0; p < m.properties.size(); ++p) {
    const SimulatedProperty& sp = R.properties[p];
    if ((m.properties[p].kind == ir::Property::Kind::Coverage || m.properties[p].temporal()) &&
        (so.selected.empty() || (p < so.selected.size() && so.selected[p]))) {
      out << "   " << m.properties[p].name << std::string(w + 2 - m.properties[p].name.size(), ' ')
          << "not judged by random simulation (tcpmc check judges it)\n";
      continue;
    }
    if (!sp.checked) continue;
    const ir::Property& ip = m.properties[p];
    const bool reach = ip.kind == ir::Property::Kind::Reachable;
    std::string verdict;
    if (reach) {  // found in a run: it holds (a witness); never found: not a verdict
      if (sp.violated) {
        verdict = "reached in " + std::to_string(sp.violating_runs) + " of " + std::to_string(R.runs) + " runs";
        if (!ip.expect_hold) {
          verdict += "   <-- NOT AS EXPECTED";
          unexpected = true;
        }
      } else {
        verdict = "not reached in " + std::to_string(R.runs) + " runs";
        if (ip.expect_hold) {
          verdict += " (inconclusive: the expected witness was not found)";
          inconclusive = true;
        }
      }
    } else if (sp.violated) {
      verdict = "violated in " + std::to_string(sp.violating_runs) + " of " + std::to_string(R.runs) + " runs";
      if (ip.expect_hold) {
        verdict += "   <-- NOT AS EXPECTED";
        unexpected = true;
      }
    } else {
      verdict = "not violated in " + std::to_string(R.runs) + " runs";
      if (!ip.expect_hold) {
        verdict += " (inconclusive: the expected violation was not found)";
        inconclusive = true;
      }
    }
    out << "   " << ip.name << std::string(w + 2 - ip.name.size(), ' ')
        << (ip.expect_hold ? "expect hold       " : "expect violation  ") << verdict << "\n";
    const std::string expression = property_expression(ip);
    if (sp.witness)
      traces += format_counterexample(sys, ip.name, expression, *sp.witness,
                                      "found by random simulation in run " + std::to_string(sp.found_in_run) +
                                          ", seed " + seed + "; NOT necessarily shortest; replayed through the model",
                                      reach ? "witness" : "counterexample");
    Json pj = Json::object();
    pj["name"] = ip.name;
    pj["kind"] = ir::property_kind_name(ip.kind);
    pj["expression"] = expression;
    pj["expect"] = ip.expect_hold ? "hold" : "violation";
    if (reach) {
      pj["verdict"] = sp.violated ? "reached" : "not_reached";
      pj["reaching_runs"] = sp.violating_runs;
    } else {
      pj["verdict"] = sp.violated ? "violated" : "not_violated";
      pj["violating_runs"] = sp.violating_runs;
    }
    pj["found_in_run"] = sp.violated ? Json(sp.found_in_run) : Json(nullptr);
    pj["counterexample"] = sp.witness && !reach ? trace_json(sys, *sp.witness) : Json(nullptr);
    pj["witness"] = sp.witness && reach ? trace_json(sys, *sp.witness) : Json(nullptr);
    props.push_back(std::move(pj));
  }
  out << traces;
  if (R.model_error) {
    out << "   " << describe_model_error(*R.model_error) << " in: " << describe_error_site(sys, *R.model_error) << "\n";
    if (R.model_error_trace) out << format_trace_table(sys, *R.model_error_trace);
  }
  if (R.replay_failed) out << "   internal error: a simulated run did not replay through the model\n";
  if (R.interrupted) out << "   interrupted after " << R.runs << " complete runs; nothing above is a verdict\n";

  if (!cmd.json_path.empty()) {
    Json j = Json::object();
    j["spec"] = cmd.spec;
    j["name"] = m.name;
    j["mode"] = "simulation";
    j["seed"] = so.seed;
    j["runs"] = R.runs;
    j["max_steps"] = cmd.steps;
    j["steps"] = R.steps;
    j["longest_run"] = R.longest_run;
    j["dead_ends"] = R.dead_ends;
    j["distinct_states"] = R.distinct_states;
    j["distinct_states_capped"] = R.distinct_capped;
    Json pairs = Json::array();
    for (const auto& [a, b] : R.tcp_state_pairs)
      pairs.push_back({m.state_enum().members[a], m.state_enum().members[b]});
    j["tcp_state_pairs"] = std::move(pairs);
    j["interrupted"] = R.interrupted;
    j["faults"] = {{"loss", faults.unbounded_loss() ? Json("unbounded") : Json(faults.loss)}, {"dup", faults.dup}, {"reorder", faults.reorder}};
    j["properties"] = std::move(props);
    j["model_error"] = R.model_error ? Json(describe_model_error(*R.model_error)) : Json(nullptr);
    if (auto e = write_output(cmd.json_path, json_text(j) + "\n", out_stream, err)) {
      err << "tcpmc: error: " << *e << "\n";
      return exit_code::kBadInput;
    }
  }
  if (R.replay_failed) return exit_code::kInternal;
  if (R.model_error) return exit_code::kBadInput;
  if (unexpected) return exit_code::kUnexpectedVerdict;
  if (inconclusive) return exit_code::kInconclusive;
  return exit_code::kAllAsExpected;
}

}  // namespace tcpmc
