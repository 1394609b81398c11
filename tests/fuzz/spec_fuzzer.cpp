// libFuzzer target for the spec front end: the input is a spec text. It is loaded without file
// access (load_spec_text_in_memory: lexer, parser, includes, type checker); an `include` is served
// from an in-memory copy of the shipped specs (specs/*.tcp, read once at start-up, looked up by
// file name), so that the include/override/remove edits are fuzzed too and no input can make the
// loader read a file. A spec that loads is compiled and explored by the explicit engine for a few
// hundred states; a spec that does not load must come back with error diagnostics that format.
// Beyond the sanitizers' findings, it aborts on a broken contract: a rejected spec without an
// error, a loaded spec with one, a counterexample that does not replay.
//
// Built by -DTCPMC_FUZZ=ON (clang); tests/fuzz/run_sanitized.sh runs it. Prints nothing per input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "diagnostics.hpp"
#include "spec_loader.hpp"
#include "verifier.hpp"

namespace {

constexpr uint64_t kMaxStates = 300;
constexpr uint64_t kMemoryLimitMb = 256;

std::map<std::string, std::string>& shipped_specs() {
  static std::map<std::string, std::string> specs;
  return specs;
}

void load_shipped_specs() {
  namespace fs = std::filesystem;
  const char* dir = std::getenv("TCPMC_FUZZ_SPECS");  // override for a moved source tree
  fs::path specs_dir = dir ? fs::path(dir) : fs::path(TCPMC_SOURCE_DIR) / "specs";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(specs_dir, ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".tcp") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    shipped_specs()[e.path().filename().string()] = text.str();
  }
  if (shipped_specs().empty())
    std::fprintf(stderr, "spec_fuzzer: no specs in %s; every include will be refused\n", specs_dir.c_str());
}

std::optional<std::string> read_include(const std::string& path, tcpmc::SourceRange where,
                                        tcpmc::Diagnostics& diags) {
  auto it = shipped_specs().find(std::filesystem::path(path).filename().string());
  if (it == shipped_specs().end()) {
    diags.error(where, "cannot read '" + path + "': not one of the shipped specs");
    return std::nullopt;
  }
  return it->second;
}

[[noreturn]] void broken(const char* what, const tcpmc::Diagnostics& diags) {
  std::fprintf(stderr, "spec_fuzzer: %s\n%s", what, tcpmc::format_diagnostics(diags).c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  load_shipped_specs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tcpmc;
  std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diags;
  auto spec = load_spec_text_in_memory("fuzz.tcp", std::move(text), {}, diags, read_include);
  if (!spec) {
    if (!diags.has_errors()) broken("spec rejected without an error", diags);
    std::string formatted = format_diagnostics(diags);  // every range resolves to a line and a caret
    if (formatted.empty()) broken("diagnostics format to nothing", diags);
    return 0;
  }
  if (diags.has_errors()) broken("spec loaded despite errors", diags);
  // A spec the explicit engine cannot enumerate (a wide seq parameter) is refused with an error
  // at the rule, as `tcpmc check` refuses it; the symbolic engines are not fuzzed (Z3 per input).
  if (!engine_accepts(*spec, EngineKind::Explicit, diags)) {
    if (!diags.has_errors()) broken("spec refused without an error", diags);
    if (format_diagnostics(diags).empty()) broken("diagnostics format to nothing", diags);
    return 0;
  }
  CheckOptions opts;
  opts.limits.max_states = kMaxStates;
  opts.limits.memory_limit_mb = kMemoryLimitMb;
  opts.limits.progress = false;
  opts.limits.threads = 1;
  auto result = check_loaded(std::make_unique<LoadedSpec>(std::move(*spec)), opts);
  if (!result) broken("check_loaded returned nothing", diags);
  if (result->replay_failed) broken("a counterexample did not replay", diags);
  if (result->model_error_trace && result->model_error_trace->error)
    (void)describe_model_error(*result->model_error_trace->error);
  return 0;
}
