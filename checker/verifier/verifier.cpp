#include "verifier.hpp"

#include "explicit_engine.hpp"

namespace tcpmc {

const char* engine_kind_name(EngineKind k) {
  switch (k) {
    case EngineKind::Explicit: return "explicit";
  }
  return "?";
}

namespace {

std::unique_ptr<Engine> make_engine(EngineKind kind, const CompiledSystem& sys) {
  switch (kind) {
    case EngineKind::Explicit: break;
  }
  return std::make_unique<ExplicitEngine>(sys);
}

}  // namespace

std::unique_ptr<SpecResult> check_spec_file(const std::string& path, const CheckOptions& opts, Diagnostics& diags) {
  auto loaded = load_spec_file(path, opts.defines, diags);
  if (!loaded) return nullptr;
  return check_loaded(std::make_unique<LoadedSpec>(std::move(*loaded)), opts);
}

std::unique_ptr<SpecResult> check_loaded(std::unique_ptr<LoadedSpec> spec, const CheckOptions& opts) {
  auto R = std::make_unique<SpecResult>();
  R->path = spec->model.path;
  R->options = opts;
  R->spec = std::move(spec);
  const ir::Model& m = R->spec->model;
  R->faults = m.default_faults;
  if (opts.loss) R->faults.loss = *opts.loss;
  if (opts.dup) R->faults.dup = *opts.dup;
  if (opts.reorder) R->faults.reorder = *opts.reorder;
  R->system = std::make_unique<CompiledSystem>(m, R->faults);
  std::unique_ptr<Engine> engine = make_engine(opts.engine, *R->system);
  R->exploration = engine->check(opts.limits);
  for (size_t p = 0; p < m.properties.size(); ++p) {
    PropertyReport pr;
    pr.name = m.properties[p].name;
    pr.kind = m.properties[p].kind;
    pr.expect_hold = m.properties[p].expect_hold;
    PropertyOutcome& o = R->exploration.properties[p];
    pr.verdict = o.verdict;
    pr.depth = o.depth;
    pr.counterexample = std::move(o.witness);
    R->properties.push_back(std::move(pr));
  }
  R->model_error_trace = std::move(R->exploration.model_error_trace);
  R->replay_failed = R->exploration.replay_failed;
  return R;
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
