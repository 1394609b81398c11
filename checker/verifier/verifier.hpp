// Verifier: checks one spec under one set of options and owns the property table.
//
// It loads the spec, applies the run's fault budget (command line over the spec's defaults),
// compiles it, picks the engine (CheckOptions::engine), runs it, and records per property the
// verdict and the engine's replayed witness. The commands, the renderers and the tests all use
// this facade and never see an engine; nothing here prints.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiled_system.hpp"
#include "diagnostics.hpp"
#include "engine.hpp"
#include "native_module.hpp"
#include "spec_loader.hpp"
#include "trace.hpp"

namespace tcpmc {

// Explicit: breadth-first search (with the liveness phase when a temporal property is selected).
// Bmc: bounded model checking with Z3 up to EngineLimits::max_depth. Kind: k-induction with Z3.
enum class EngineKind { Explicit, Bmc, Kind };
const char* engine_kind_name(EngineKind k);

struct CheckOptions {
  EngineKind engine = EngineKind::Explicit;
  ConstOverrides defines;
  std::optional<int> loss, dup;
  std::optional<bool> reorder;
  EngineLimits limits;
  // Only these properties are checked and reported, in the spec's order (empty = all). Names the
  // spec lacks select nothing: the commands reject them first (unknown_properties).
  std::vector<std::string> properties;
  // Compile the spec's code to machine code before checking (native_module.hpp); verdicts,
  // counts and counterexamples are the same either way. If it cannot, the check interprets and
  // SpecResult::native says why.
  bool native = false;
};

struct PropertyReport {
  std::string name;
  std::string expression;  // as written in the spec (property_expression)
  ir::Property::Kind kind = ir::Property::Kind::Invariant;
  bool expect_hold = true;
  Verdict verdict = Verdict::Inconclusive;
  uint32_t depth = 0;
  // The run shown with the verdict: for an invariant or stuck property that is violated, the
  // shortest counterexample; for a reachable property that holds, the shortest witness
  // (is_witness()). Renderers label it accordingly.
  std::optional<Trace> counterexample;
  // Coverage (figure5_coverage): the Figure 5 edges not reached, as "FROM -> TO (label)"; all 19
  // when the spec's state enum lacks a Figure 5 state.
  std::vector<std::string> missing_edges;
  Basis basis = Basis::Search;  // how the verdict was reached (symbolic engines qualify it)
  uint32_t bound = 0;           // Proved / NotInductive: k; Bounded: the depth searched
  std::optional<Trace> cti;     // NotInductive: the counterexample to induction
  bool is_witness() const { return kind == ir::Property::Kind::Reachable; }
  const char* run_name() const { return is_witness() ? "witness" : "counterexample"; }
  bool as_expected() const {
    return (expect_hold && verdict == Verdict::Holds) || (!expect_hold && verdict == Verdict::Violated);
  }
};

struct SpecResult {
  std::string path;
  CheckOptions options;  // what it was run with
  std::unique_ptr<LoadedSpec> spec;
  std::unique_ptr<CompiledSystem> system;
  std::optional<NativeBuild> native;  // set when CheckOptions::native asked for machine code
  ir::FaultBudget faults;
  EngineResult exploration;  // statistics and coverage; its witnesses are moved into `properties`
  std::vector<PropertyReport> properties;
  std::optional<Trace> model_error_trace;  // run to the state whose successor failed, plus the error
  bool replay_failed = false;              // a counterexample did not replay: a bug in tcpmc
};

// Whether the engine that `engine` picks can check the spec: the explicit engines refuse a model
// whose rule parameters they cannot enumerate (explicit_enumeration_problem, a seq parameter of
// many bits). Otherwise adds an error at the rule to `diags` (keeping the spec's sources alive
// with it) and returns false: the spec is not checked, like one that does not type-check.
bool engine_accepts(const LoadedSpec& spec, EngineKind engine, Diagnostics& diags);

// Returns nullptr when the spec cannot be loaded, or the engine cannot check it (diagnostics say
// why).
std::unique_ptr<SpecResult> check_spec_file(const std::string& path, const CheckOptions& opts, Diagnostics& diags);
// The spec must be one that engine_accepts (std::invalid_argument otherwise).
std::unique_ptr<SpecResult> check_loaded(std::unique_ptr<LoadedSpec> spec, const CheckOptions& opts);

// The selected property names the model lacks, each as a message with a "did you mean" when a
// property's name is close ("the spec has no property 'x'; did you mean 'y'?").
std::vector<std::string> unknown_properties(const ir::Model& m, const std::vector<std::string>& names);
// Which of the model's properties `names` selects (EngineLimits::selected; empty = all).
std::vector<uint8_t> select_properties(const ir::Model& m, const std::vector<std::string>& names);

// A property's expression as written in the spec (comments and line breaks included), with the
// indentation common to its lines removed.
std::string property_expression(const ir::Property& p);

// The run's fault budget: the command line's loss, dup and reorder over the spec's defaults.
ir::FaultBudget run_faults(const ir::Model& m, const CheckOptions& opts);

// Human-readable message for a model error ("value 4 is outside 0..3 ...").
std::string describe_model_error(const ModelError& e);

}  // namespace tcpmc
