#include "command_support.hpp"

#include <ostream>

#include "exit_codes.hpp"
#include "file_output.hpp"

namespace tcpmc {

void ExitStatus::add(const SpecResult& r) {
  for (const auto& p : r.properties) {
    if (p.verdict == Verdict::Inconclusive) inconclusive = true;
    else if (!p.as_expected()) unexpected = true;
  }
  if (r.exploration.model_error) bad_input = true;
  if (r.replay_failed) internal = true;
}

void ExitStatus::add_load_failure(const Diagnostics& diags) {
  bool only_usage = true;
  for (const auto& d : diags.all())
    if (d.severity == Severity::Error && d.path.rfind("-D ", 0) != 0) only_usage = false;
  (only_usage ? usage : bad_input) = true;
}

int ExitStatus::code() const {
  if (internal) return exit_code::kInternal;
  if (bad_input) return exit_code::kBadInput;
  if (usage) return exit_code::kUsage;
  if (unexpected) return exit_code::kUnexpectedVerdict;
  if (inconclusive) return exit_code::kInconclusive;
  return exit_code::kAllAsExpected;
}

std::string count_errors(size_t n) { return std::to_string(n) + (n == 1 ? " error" : " errors"); }

std::optional<LoadedSpec> load_reporting(const std::string& path, const ConstOverrides& defines, std::ostream& err,
                                         ExitStatus& status) {
  Diagnostics diags;
  auto loaded = load_spec_file(path, defines, diags);
  err << format_diagnostics(diags);
  if (!loaded) {
    err << path << ": " << count_errors(diags.error_count()) << "\n";
    status.add_load_failure(diags);
  }
  return loaded;
}

bool engine_accepts_reporting(const LoadedSpec& spec, EngineKind engine, std::ostream& err, ExitStatus& status) {
  Diagnostics diags;
  if (engine_accepts(spec, engine, diags)) return true;
  err << format_diagnostics(diags);
  err << spec.model.path << ": " << count_errors(diags.error_count()) << "\n";
  status.add_load_failure(diags);
  return false;
}

bool output_target_ok(const std::string& path, std::ostream& err) {
  if (path.empty() || is_stdout_name(path) || path == "/dev/stderr") return true;
  if (auto why = not_replaceable(path)) {
    err << "tcpmc: error: refusing to write " << path << ": " << *why << " (only a regular file is replaced)\n";
    return false;
  }
  return true;
}

void warn_if_not_native(const SpecResult& r, std::ostream& err) {
  if (r.native && !r.native->ok)
    err << r.path << ": warning: --native: " << r.native->error << "; the spec's code was interpreted instead\n";
}

std::unique_ptr<SpecResult> check_reporting(const std::string& path, const CheckOptions& opts, std::ostream& err,
                                            ExitStatus& status) {
  auto loaded = load_reporting(path, opts.defines, err, status);
  if (!loaded || !engine_accepts_reporting(*loaded, opts.engine, err, status)) return nullptr;
  auto r = check_loaded(std::make_unique<LoadedSpec>(std::move(*loaded)), opts);
  warn_if_not_native(*r, err);
  return r;
}

}  // namespace tcpmc
