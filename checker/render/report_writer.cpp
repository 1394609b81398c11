#include "report_writer.hpp"

#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "file_output.hpp"
#include "graphviz.hpp"
#include "interrupt.hpp"
#include "json_report.hpp"
#include "state_diagram.hpp"
#include "svg_sequence.hpp"
#include "text_report.hpp"
#include "trace_format.hpp"
#include "verdict_text.hpp"

namespace tcpmc {

namespace fs = std::filesystem;

std::string report_name(const std::string& spec_path) { return fs::path(spec_path).stem().string(); }

static std::string md_escape(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

static std::string options_text(const SpecResult& r) {
  std::string o = "--loss " + r.faults.loss_text() + " --dup " + std::to_string(r.faults.dup) +
                  (r.faults.reorder ? " --reorder" : " --no-reorder");
  for (const auto& [k, v] : r.options.defines) o += " -D " + k + "=" + std::to_string(v);
  if (r.options.limits.max_states) o += " --max-states " + std::to_string(r.options.limits.max_states);
  if (!r.options.limits.fairness) o += " --fairness none";
  if (r.options.engine != EngineKind::Explicit)
    o += std::string(" --engine ") + engine_kind_name(r.options.engine) + " --depth " +
         std::to_string(r.options.limits.max_depth);
  return o;
}

// The fairness temporal properties were judged under, in words.
static std::string fairness_text(const ir::Model& m, bool spec_fairness) {
  if (!spec_fairness) return "none (--fairness none)";
  std::string s = "time (a run that keeps a timer running or a segment in flight ticks again and again)";
  auto rules = [&](const std::vector<int>& rs, const char* kind) {
    if (rs.empty()) return;
    s += std::string("; ") + kind + " fairness of";
    for (size_t i = 0; i < rs.size(); ++i) s += (i ? ", " : " ") + m.rules[rs[i]].name;
  };
  rules(m.fairness.weak, "weak");
  rules(m.fairness.strong, "strong");
  if (m.fairness.network) s += "; the network (a segment sent again and again is delivered)";
  return s;
}

static std::optional<std::string> write_text(const fs::path& p, const std::string& text) {
  return write_file_atomically(p.string(), text);
}

namespace {

// Removes a temporary directory on every way out of the function that made it, unless released.
struct TempDir {
  fs::path path;
  bool keep = false;
  ~TempDir() {
    std::error_code ec;
    if (!keep && !path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

std::optional<std::string> write_spec_report(const SpecResult& r, const std::string& out_dir) {
  const ir::Model& m = r.spec->model;
  const CompiledSystem& sys = *r.system;
  const std::string name = report_name(r.path);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return "cannot create " + out_dir + ": " + ec.message();
  const fs::path final_dir = fs::path(out_dir) / name;
  // Only a report directory of ours is replaced: a file or a symlink of that name is the user's.
  if (fs::is_symlink(final_dir, ec) || (fs::exists(final_dir, ec) && !fs::is_directory(final_dir, ec)))
    return "refusing to replace " + final_dir.string() + ": it is not a report directory";
  if (fs::exists(final_dir / "report.md", ec) == false && fs::exists(final_dir, ec) && !fs::is_empty(final_dir, ec))
    return "refusing to replace " + final_dir.string() + ": it is a directory that holds no report.md";
  TempDir tmp{fs::path(out_dir) / ("." + name + ".tmp." + std::to_string(::getpid()))};
  const fs::path& tmp_dir = tmp.path;
  fs::remove_all(tmp_dir, ec);
  if (!fs::create_directory(tmp_dir, ec)) return "cannot create " + tmp_dir.string() + ": " + ec.message();

  // Beside "spec": where the spec is as seen from the report folder, so that `tcpmc regress`
  // finds it from any working directory.
  Json plain = spec_json(r, /*timing=*/false), result = Json::object();
  for (auto& [key, value] : plain.items()) {
    result[key] = std::move(value);
    if (key == "spec")
      result["spec_from_baseline"] = fs::absolute(r.path, ec).lexically_normal().lexically_relative(
          fs::absolute(out_dir, ec).lexically_normal()).string();
  }
  if (auto e = write_text(tmp_dir / "result.json", json_text(result, 2) + "\n")) return e;

  const std::string dot = state_diagram_dot(r);
  if (auto e = write_text(tmp_dir / "states.dot", dot)) return e;
  const bool have_svg =
      render_dot_to_svg((tmp_dir / "states.dot").string(), (tmp_dir / "states.svg").string()) == GraphvizStatus::Rendered;
  if (interrupt_requested()) return std::string("interrupted: no report written for ") + name;

  const EngineResult& x = r.exploration;
  std::ostringstream md;
  md << "# " << (m.name.empty() ? name : m.name) << "\n\n";
  if (!m.description.empty()) md << m.description << "\n\n";
  md << "Spec: `" << r.path << "`  \n";
  md << "Run: `tcpmc check " << r.path << " " << options_text(r) << "`\n\n";
  md << "| property | kind | expected | verdict | counterexample or witness |\n|---|---|---|---|---|\n";
  for (const auto& p : r.properties) {
    std::string run = p.counterexample ? std::string(p.is_witness() ? "witness, " : "") +
                                             std::to_string(p.counterexample->steps.size()) + " steps"
                                       : "-";
    if (!p.missing_edges.empty()) {
      run = "not reached:";
      for (const auto& e : p.missing_edges) run += " " + e.substr(0, e.find(" ("));
    }
    md << "| " << p.name << " | " << ir::property_kind_name(p.kind) << " | " << (p.expect_hold ? "hold" : "violation")
       << " | " << verdict_text(p)
       << (p.as_expected() || p.verdict == Verdict::Inconclusive ? "" : " **(not as expected)**") << " | " << run
       << " |\n";
  }
  md << "\n## Bounds and exploration\n\n";
  md << "- faults: loss " << r.faults.loss_text() << ", duplication " << r.faults.dup << ", "
     << (r.faults.reorder ? "reordering" : "no reordering") << "\n";
  if (x.liveness) md << "- fairness: " << fairness_text(m, r.options.limits.fairness) << "\n";
  md << "- network: capacity " << m.capacity << " per direction, MSL " << m.msl << " ticks";
  if (m.seq_bits > 0) md << ", sequence numbers of " << m.seq_bits << " bits";
  md << "\n- constants: ";
  for (size_t i = 0; i < m.consts.size(); ++i) md << (i ? ", " : "") << m.consts[i].name << " = " << m.consts[i].value;
  md << "\n- " << x.states << " states, " << x.transitions << " transitions, depth " << x.depth << ", "
     << (x.complete ? "complete" : "incomplete (" + x.stop_reason + ")") << "\n";
  auto nf = x.coverage.recorded ? never_fired(r) : std::vector<std::string>{};
  if (!nf.empty()) {
    md << "- rules that never fired:";
    for (const auto& s : nf) md << " `" << s << "`";
    md << "\n";
  }
  for (const auto& p : r.properties) {
    if (!p.counterexample) continue;
    const Trace& t = *p.counterexample;
    const std::string svg_name = (p.is_witness() ? "witness-" : "cex-") + p.name + ".svg";
    const SequenceChartOptions chart{p.name, p.kind == ir::Property::Kind::Stuck, p.is_witness()};
    if (auto e = write_text(tmp_dir / svg_name,
                            trace_to_svg(sys, t, (m.name.empty() ? name : m.name) + ": " + p.name +
                                                     (p.is_witness() ? " reached" : " violated"), chart)))
      return e;
    md << "\n## " << (p.is_witness() ? "Witness" : "Counterexample") << ": " << p.name << " (" << t.steps.size()
       << " steps)\n\n";
    if (t.loop_start) md << "A run that never satisfies `" << p.name << "`: " << lasso_shape(t) << ".\n\n";
    md << "```\n" << format_trace_table(sys, t) << "```\n\n";
    md << "Final values: `" << format_final_values(sys, t) << "`\n\n";
    md << "![sequence chart of the " << p.run_name() << "](" << svg_name << ")\n";
  }
  for (const auto& p : r.properties) {
    if (!p.cti) continue;
    md << "\n## Counterexample to induction: " << p.name << " (k=" << p.bound << ")\n\n"
       << "The first state is any state satisfying the assumptions -- not necessarily reachable.\n\n"
       << "```\n" << format_trace_table(sys, *p.cti) << "```\n";
  }
  md << "\n## Endpoint states reached\n\n";
  if (have_svg)
    md << "![endpoint state diagram](states.svg)\n\n";
  md << "Reachable endpoint transitions (" << x.coverage.endpoint_transitions.size() << "):\n\n```\n";
  const auto& members = m.state_enum().members;
  for (const auto& t : x.coverage.endpoint_transitions)
    md << (t.ep == 0 ? "A: " : "B: ") << members[t.from] << " --" << ir::rule_kind_name(m.rules[t.rule].kind) << " "
       << m.rules[t.rule].name << "--> " << members[t.to] << "\n";
  md << "```\n";
  if (auto e = write_text(tmp_dir / "report.md", md.str())) return e;

  if (interrupt_requested()) return std::string("interrupted: no report written for ") + name;
  // Swap the finished directory into place; the previous report is removed only once the new
  // one is there, and put back if the swap fails.
  TempDir old{fs::path(out_dir) / ("." + name + ".old." + std::to_string(::getpid()))};
  fs::remove_all(old.path, ec);
  if (fs::exists(final_dir)) {
    fs::rename(final_dir, old.path, ec);
    if (ec) return "cannot replace " + final_dir.string() + ": " + ec.message();
  }
  fs::rename(tmp_dir, final_dir, ec);
  if (ec) {
    std::error_code back;
    if (fs::exists(old.path)) fs::rename(old.path, final_dir, back);
    return "cannot write " + final_dir.string() + ": " + ec.message();
  }
  tmp.keep = true;  // it is final_dir now
  return std::nullopt;
}

std::optional<std::string> write_report_index(const std::string& out_dir, std::vector<std::string>* warnings) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out_dir, ec))
    if (e.is_directory() && e.path().filename().string()[0] != '.' && fs::exists(e.path() / "result.json"))
      dirs.push_back(e.path());
  if (ec) return "cannot list " + out_dir + ": " + ec.message();
  std::sort(dirs.begin(), dirs.end());
  std::ostringstream md;
  md << "# tcpmc reports\n\n"
     << "Each spec in `specs/` asks a question about TCP's connection lifecycle; the checker answers it by "
        "exploring every reachable state within the stated bounds. A refuted property comes with the "
        "shortest counterexample, drawn as a sequence chart. These reports are the regression baseline: "
        "`tcpmc regress` re-runs every spec and fails when a verdict, a count or a reachable transition changes.\n\n"
     << "| spec | question | answer | picture |\n|---|---|---|---|\n";
  for (const auto& d : dirs) {
    std::ifstream in(d / "result.json");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string name = d.filename().string();
    // A result.json that is not one of ours (hand-edited, truncated) is left out with a warning.
    try {
      nlohmann::json j = nlohmann::json::parse(ss.str());
      if (j.is_array()) j = j.at(0);
      std::string question = j.value("description", std::string());
      std::string answer, picture;
      for (const auto& p : j.at("properties")) {
        std::string v = p.at("verdict").get<std::string>();
        std::string pn = p.at("name").get<std::string>();
        std::string item = pn + ": " + v;
        if (!p.at("counterexample").is_null()) {
          item += " (" + std::to_string(p.at("counterexample").at("length").get<int>()) + " steps)";
          if (picture.empty()) picture = "[![" + pn + "](" + name + "/cex-" + pn + ".svg)](" + name + "/report.md)";
        }
        if (p.at("expect") == "violation" || v != "holds") answer += (answer.empty() ? "" : "; ") + item;
      }
      if (answer.empty()) answer = "every property holds (" + std::to_string(j.at("states").get<uint64_t>()) + " states)";
      if (picture.empty() && fs::exists(d / "states.svg")) picture = "[states](" + name + "/states.svg)";
      md << "| [" << name << "](" << name << "/report.md) | " << md_escape(question) << " | " << md_escape(answer)
         << " | " << picture << " |\n";
    } catch (const std::exception& e) {
      if (warnings) warnings->push_back((d / "result.json").string() + " is not a tcpmc result, left out of the index (" + e.what() + ")");
    }
  }
  return write_file_atomically((fs::path(out_dir) / "README.md").string(), md.str());
}

}  // namespace tcpmc
