#include "verifier.hpp"

#include <algorithm>
#include <stdexcept>

#include "explicit_engine.hpp"
#include "figure5_coverage.hpp"
#include "liveness_engine.hpp"
#include "symbolic_engine.hpp"

namespace tcpmc {

const char* engine_kind_name(EngineKind k) {
  switch (k) {
    case EngineKind::Explicit: return "explicit";
    case EngineKind::Bmc: return "bmc";
    case EngineKind::Kind: return "kind";
  }
  return "?";
}

namespace {

// `expect figure5 covered`: holds when every edge of Figure 5 was reached (monotone, so an
// incomplete run that reached them all holds too), violated when a complete run missed one,
// inconclusive when an incomplete run did. A spec whose states are not Figure 5's violates it.
void judge_figure5(const ir::Model& m, const EngineResult& x, PropertyReport& pr) {
  const auto fig5 = figure5_coverage(m, x.coverage);
  pr.expression = "every edge of RFC 9293 Figure 5 is reached";
  if (fig5.empty()) {
    for (const auto& e : figure5_edges())
      pr.missing_edges.push_back(std::string(e.from) + " -> " + e.to + " (" + e.label + ")");
    pr.verdict = Verdict::Violated;
    return;
  }
  for (const auto& f : fig5)
    if (f.reached_by.empty())
      pr.missing_edges.push_back(std::string(f.edge->from) + " -> " + f.edge->to + " (" + f.edge->label + ")");
  pr.verdict = pr.missing_edges.empty() ? Verdict::Holds : x.complete ? Verdict::Violated : Verdict::Inconclusive;
}

// Whether `kind` runs an explicit engine (which enumerates rule parameters). The symbolic engines
// are not built yet: every kind runs the explicit search (make_engine).
bool runs_explicit_engine(EngineKind k) { return k == EngineKind::Explicit; }

// The explicit search; with a temporal property selected, the liveness engine (the same search,
// recording the reachable graph, then fair components and lassos), unless --compress keeps no graph.
std::unique_ptr<Engine> make_engine(EngineKind kind, const CompiledSystem& sys, const EngineLimits& limits) {
  const std::vector<uint8_t>& selected = limits.selected;
  switch (kind) {
    case EngineKind::Explicit: break;
    case EngineKind::Bmc: return std::make_unique<SymbolicEngine>(sys, SymbolicEngine::Mode::Bmc);
    case EngineKind::Kind: return std::make_unique<SymbolicEngine>(sys, SymbolicEngine::Mode::KInduction);
  }
  const auto& props = sys.model().properties;
  for (size_t p = 0; p < props.size(); ++p)
    if (props[p].temporal() && (selected.empty() || selected[p]) && !limits.compress)  // (no graph to judge them on)
      return std::make_unique<LivenessEngine>(sys);
  return std::make_unique<ExplicitEngine>(sys);
}

}  // namespace

bool engine_accepts(const LoadedSpec& spec, EngineKind engine, Diagnostics& diags) {
  if (!runs_explicit_engine(engine)) return true;
  int rule = -1;
  const auto problem = explicit_enumeration_problem(spec.model, &rule);
  if (!problem) return true;
  for (const auto& f : spec.sources) diags.retain(f);
  diags.error(rule >= 0 ? spec.model.rules[rule].range : SourceRange{}, *problem);
  return false;
}

std::unique_ptr<SpecResult> check_spec_file(const std::string& path, const CheckOptions& opts, Diagnostics& diags) {
  auto loaded = load_spec_file(path, opts.defines, diags);
  if (!loaded || !engine_accepts(*loaded, opts.engine, diags)) return nullptr;
  return check_loaded(std::make_unique<LoadedSpec>(std::move(*loaded)), opts);
}

std::unique_ptr<SpecResult> check_loaded(std::unique_ptr<LoadedSpec> spec, const CheckOptions& opts) {
  auto R = std::make_unique<SpecResult>();
  R->path = spec->model.path;
  R->options = opts;
  R->spec = std::move(spec);
  const ir::Model& m = R->spec->model;
  if (runs_explicit_engine(opts.engine))
    if (auto problem = explicit_enumeration_problem(m)) throw std::invalid_argument(*problem);
  R->faults = run_faults(m, opts);
  R->system = std::make_unique<CompiledSystem>(m, R->faults);
  if (opts.native) R->native = compile_native(*R->system);
  EngineLimits limits = opts.limits;
  limits.selected = select_properties(m, opts.properties);
  std::unique_ptr<Engine> engine = make_engine(opts.engine, *R->system, limits);
  R->exploration = engine->check(limits);
  for (size_t p = 0; p < m.properties.size(); ++p) {
    if (!limits.selected.empty() && !limits.selected[p]) continue;
    PropertyReport pr;
    pr.name = m.properties[p].name;
    pr.expression = property_expression(m.properties[p]);
    pr.kind = m.properties[p].kind;
    pr.expect_hold = m.properties[p].expect_hold;
    PropertyOutcome& o = R->exploration.properties[p];
    pr.verdict = o.verdict;
    pr.depth = o.depth;
    pr.counterexample = std::move(o.witness);
    pr.basis = o.basis;
    pr.bound = o.bound;
    pr.cti = std::move(o.cti);
    if (pr.kind == ir::Property::Kind::Coverage && pr.basis != Basis::NotChecked) judge_figure5(m, R->exploration, pr);
    R->properties.push_back(std::move(pr));
  }
  R->model_error_trace = std::move(R->exploration.model_error_trace);
  R->replay_failed = R->exploration.replay_failed;
  return R;
}

std::vector<std::string> unknown_properties(const ir::Model& m, const std::vector<std::string>& names) {
  std::vector<std::string> known, out;
  for (const auto& p : m.properties) known.push_back(p.name);
  for (const auto& n : names)
    if (std::find(known.begin(), known.end(), n) == known.end())
      out.push_back(with_suggestion("the spec has no property '" + n + "'", n, known));
  return out;
}

std::vector<uint8_t> select_properties(const ir::Model& m, const std::vector<std::string>& names) {
  if (names.empty()) return {};
  std::vector<uint8_t> sel(m.properties.size(), 0);
  for (size_t p = 0; p < m.properties.size(); ++p)
    sel[p] = std::find(names.begin(), names.end(), m.properties[p].name) != names.end();
  return sel;
}

std::string property_expression(const ir::Property& p) {
  const SourceRange& r = p.expr_range;
  if (!r.valid() || r.end < r.begin || r.end > r.file->text().size()) return "";
  // Lines as in the source, the first one indented as far as its column; then the indentation
  // common to all lines removed, so that a multi-line expression keeps its layout.
  std::vector<std::string> lines;
  const std::string text = std::string(r.file->position(r.begin).col - 1, ' ') +
                           r.file->text().substr(r.begin, r.end - r.begin);
  for (size_t b = 0;;) {
    size_t e = text.find('\n', b);
    std::string line = text.substr(b, e == std::string::npos ? std::string::npos : e - b);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    if (e == std::string::npos) break;
    b = e + 1;
  }
  size_t common = std::string::npos;
  for (const auto& l : lines)
    if (l.find_first_not_of(" \t") != std::string::npos) common = std::min(common, l.find_first_not_of(" \t"));
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    if (lines[i].size() > common) out.append(lines[i], common);
  }
  return out;
}

ir::FaultBudget run_faults(const ir::Model& m, const CheckOptions& opts) {
  ir::FaultBudget f = m.default_faults;
  if (opts.loss) f.loss = *opts.loss;
  if (opts.dup) f.dup = *opts.dup;
  if (opts.reorder) f.reorder = *opts.reorder;
  return f;
}

std::string describe_model_error(const ModelError& e) {
  std::string where;
  if (e.where.valid()) {
    LineCol lc = e.where.file->position(e.where.begin);
    where = e.where.file->path() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": ";
  }
  switch (e.status) {
    case ExecStatus::RangeError:
      return where + "model error: value " + std::to_string(e.value) + " is outside the declared range";
    case ExecStatus::DivByZero: return where + "model error: division by zero";
    case ExecStatus::Overflow: return where + "model error: arithmetic overflow";
    default: return where + "model error";
  }
}

}  // namespace tcpmc
