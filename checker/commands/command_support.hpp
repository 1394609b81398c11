// Helpers shared by the command implementations (not part of the commands' interface): loading
// and checking one spec with its diagnostics printed, and the exit status that every command
// derives the same way from what it saw (README.md, "Exit codes").
#pragma once
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "exit_codes.hpp"
#include "verifier.hpp"

namespace tcpmc {

// What a command saw, folded into its exit code: 6 internal, 2 bad input, 1 usage, 10 an
// unexpected verdict, 5 inconclusive, else 0 (the first that applies wins).
struct ExitStatus {
  bool internal = false, bad_input = false, usage = false, unexpected = false, inconclusive = false;
  // Records the verdicts, model error and replay failure of one checked spec.
  void add(const SpecResult& r);
  // Records a spec that could not be loaded: a usage error when every error is about a -D
  // option, else bad input.
  void add_load_failure(const Diagnostics& diags);
  int code() const;
};

// Checks one spec, printing its diagnostics to err; nullptr if it cannot be loaded (recorded in
// `status`).
// With --native: a warning on `err` when the spec's code could not be compiled to machine code
// (the check then interpreted it; its results are the same, only slower).
void warn_if_not_native(const SpecResult& r, std::ostream& err);

std::unique_ptr<SpecResult> check_reporting(const std::string& path, const CheckOptions& opts, std::ostream& err,
                                            ExitStatus& status);

// Loads one spec without checking it, printing its diagnostics to err; nullopt if it cannot be
// loaded (recorded in `status`).
std::optional<LoadedSpec> load_reporting(const std::string& path, const ConstOverrides& defines, std::ostream& err,
                                         ExitStatus& status);

// Whether the engine `engine` can check the loaded spec (engine_accepts); if not, prints why to
// err and records it in `status` as bad input (exit code 2, like a spec that does not type-check).
bool engine_accepts_reporting(const LoadedSpec& spec, EngineKind engine, std::ostream& err, ExitStatus& status);

// A user-named output (`--json FILE`) that may not be replaced (file_output.hpp) is refused before
// any work is done: prints why and returns false.
bool output_target_ok(const std::string& path, std::ostream& err);

// "1 error" / "3 errors".
std::string count_errors(size_t n);

}  // namespace tcpmc
