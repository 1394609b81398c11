// The tcpmc commands as library functions, independent of argument parsing (CLI11 lives only in
// cli/main.cpp). Each returns the process exit code (exit_codes.hpp) and writes human output to
// `out`, diagnostics and progress to `err`.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "verifier.hpp"

namespace tcpmc {

struct CheckCommand {
  std::vector<std::string> specs;   // files or directories (every *.tcp inside, sorted)
  CheckOptions options;
  std::string json_path;            // "" = none, "-" = stdout (human output then goes to err)
  bool quiet = false;               // only the summary table
  bool coverage = false;            // list reachable endpoint transitions and rule counts
  std::string trace_property;       // `check --trace NAME`: show only this property's counterexample
  std::string svg_path;             // with --trace: also write its SVG sequence chart here
};

int run_check(const CheckCommand& cmd, std::ostream& out, std::ostream& err);

// `tcpmc report SPEC... --out DIR`: checks each spec and writes its report (report_writer.hpp).
int run_report(const CheckCommand& cmd, const std::string& out_dir, std::ostream& out, std::ostream& err);

// `tcpmc diff OLD NEW`: checks both with the same options and prints what changed.
// Exit 0 when nothing compared differs, 10 when something does, 2 on a bad spec.
int run_diff(const CheckCommand& cmd, const std::string& old_spec, const std::string& new_spec, std::ostream& out,
             std::ostream& err);

// `tcpmc regress [--baseline DIR] [--specs SPECS] [--update]`: re-runs every DIR/*/result.json's
// spec with the options recorded there and compares; a spec in SPECS (when given) without a
// baseline counts as a difference too. Exit 0 when all agree, 10 when some differ (the
// differences are printed), 2 when a baseline or spec cannot be read. --update rewrites the
// reports of the specs that differ or lack one (and the index).
int run_regress(const std::string& baseline_dir, const std::string& specs_dir, bool update, const EngineLimits& limits,
                std::ostream& out, std::ostream& err);

// `tcpmc sweep SPEC -D NAME=LO..HI`: checks the spec once per value and prints a verdict table.
int run_sweep(const CheckCommand& cmd, const std::string& name, int64_t lo, int64_t hi, std::ostream& out,
              std::ostream& err);

// `tcpmc check SPEC --trace NAME [--svg FILE]`: checks only that property and prints its
// counterexample again (table, chart, final values; the SVG chart to FILE), or says that it
// holds. Exit codes as for check.
int run_trace(const CheckCommand& cmd, std::ostream& out, std::ostream& err);

// `--property NAME`: before any run, rejects names that some spec lacks ("did you mean"), as a
// usage error. Returns 0 when every name is known (or none is given, or a spec does not load:
// the run itself reports that), else exit_code::kUsage.
int check_property_selection(const std::vector<std::string>& specs, const CheckOptions& opts, std::ostream& err);

struct SimulateCommand {
  std::string spec;
  CheckOptions options;             // defines, faults, properties; limits.progress
  uint64_t seed = 0;
  bool seed_given = false;          // else a random seed, printed so that the run can be repeated
  uint64_t runs = 1000;
  uint64_t steps = 200;             // per run
  std::string json_path;            // "" = none, "-" = stdout (human output then goes to err)
};

// `tcpmc simulate SPEC`: random runs (simulate/random_walk.hpp). Exit 10 when a property the spec
// expects to hold is violated, 5 when one expected to be violated was not (a simulation cannot
// establish it) or the run was interrupted, 2 on a bad spec or a model error, 6 when a witness
// fails replay, else 0.
int run_simulate(const SimulateCommand& cmd, std::ostream& out, std::ostream& err);

struct MutateCommand {
  std::string spec;
  CheckOptions options;             // the spec's run options (defines, faults, limits, properties)
  int jobs = 1;                     // mutants checked at once (each with a one-thread engine)
  std::vector<std::string> operators;  // operator names (comma lists allowed); empty = all
  std::string json_path;            // "" = none, "-" = stdout (human output then goes to err)
  std::string out_dir;              // "" = none; else DIR/<spec>-mutants.md
  bool quiet = false;               // only the survivors and the summary
};

// `tcpmc mutate SPEC`: mutation testing (mutate/mutate.hpp). Prints one row per mutant and the
// score. Exit 0 when done (the score is information), 1 usage (an unknown operator or property),
// 2 bad spec (or a model error in the original), 5 interrupted (the summary so far is printed).
int run_mutate(const MutateCommand& cmd, std::ostream& out, std::ostream& err);

struct ExportCommand {
  std::string spec;
  CheckOptions options;   // defines, faults, properties (engine and limits are not used)
  std::string out_path;   // "" = standard output
  bool no_hidden = false; // scratch in the state vector, for pan -DBFS (PromelaOptions::hidden_scratch)
};

// `tcpmc export --promela SPEC`: writes the spec's transition system as a Promela model
// (export/promela_export.hpp). Exit 0; 1 usage (an unknown property); 2 when the spec does not
// load, cannot be exported, or the file cannot be written.
int run_export(const ExportCommand& cmd, std::ostream& out, std::ostream& err);

struct ConformCommand {
  std::string spec;
  std::string capture;              // a pcap or pcapng file
  CheckOptions options;             // defines; loss (default 0), dup (default 0), reorder (default off)
  int connection = 0;               // 0 = every connection, else its number (1, 2, ...)
  int capacity = 0;                 // segments in flight per direction; 0 = the spec's network capacity
  uint64_t max_states = 2000000;    // product states per connection; 0 = no limit
  double tick_ms = 0;               // capture time one tick stands for; 0 = time is free
  std::string json_path;            // "" = none, "-" = stdout (human output then goes to err)
  std::string svg_path;             // "" = none; a file (one connection) or a directory (connection-N.svg)
};

// `tcpmc conform SPEC FILE.pcap`: is every TCP connection of the capture a run of the spec?
// (conform/conform_search.hpp). Exit 0 when every connection checked is admitted, 10 when one is
// rejected, 5 when the search bound stopped one before an answer, 2 for a capture or spec that
// cannot be read (a diagnostic names the file), 1 usage, 6 when a run found fails replay.
int run_conform(const ConformCommand& cmd, std::ostream& out, std::ostream& err);

struct ProveCommand {
  std::string spec;
  ConstOverrides defines;               // the target's (-D); all but SEQ_BITS apply to the samples too
  std::vector<int64_t> sample_seq_bits{3, 4};  // --samples-from SEQ_BITS=3,4
  ConstOverrides sample_defines;        // --sample-define: bounds of the sampling runs only
  uint64_t sample_states = 1000000;     // per sampling run; 0 = no limit
  uint64_t memory_limit_mb = 0;         // per sampling run; 0 = no limit
  bool use_lemmas = false;              // the spec's own lemmas join the candidates
  // Houdini's concrete refutations (0 = off, Z3 alone): states expanded per round from the
  // pre-state of each Z3 model (--successor-states).
  uint64_t successor_states = 8192;
  // Houdini's Z3 questions are one per action of the transition relation (bit-blasted); the
  // others (cores, minimization, counterexamples to induction) too with --per-action, else one
  // for the whole relation.
  bool per_action = false;
  // Houdini's workers (-j): each asks Z3 about its share of the actions, on a thread of its own.
  unsigned threads = 1;
  // A first Houdini at this narrower SEQ_BITS (--narrow-bits B): only the candidates
  // inductive there go to the target width. -1 = the smallest sampling width when the target is
  // wider (the default), 0 = none.
  int64_t narrow_bits = -1;
  // Houdinis at the narrow width (--weaken-rounds N): after each, the weaker candidates that the
  // dropped ones hid join the inductive set for the next.
  unsigned weaken_rounds = 4;
  // Then, at the same width (--block-rounds N): each counterexample to induction of a property
  // (and of a blocking lemma Houdini dropped) is blocked by a lemma learned from the samples
  // (infer/blocking_cubes.hpp), and Houdini runs again; 0 = none.
  unsigned block_rounds = 0;
  // What goes on from the narrow width to the target (--target-set): every lemma inductive there
  // (false, the default), or only those the invariants proved there need (true, "needed": the
  // closure of unsat cores at the narrow width; a smaller problem at the target, and the
  // counterexamples to induction there relative to it).
  bool target_needed = false;
  // Drop from each proof every lemma the rest do without (--no-minimize: the closure of unsat
  // cores as it is).
  bool minimize = true;
  // Z3's resource limit per support (unsat core) query, 0 = none (no option: the tests set it).
  unsigned support_rlimit = 0;
  // Random runs at the target bounds before Z3 (--target-runs, --target-steps; 0 runs = none):
  // the candidates false in a state they visit are dropped.
  uint64_t target_runs = 2000, target_steps = 200;
  std::vector<std::string> properties;  // invariants to prove (empty = every invariant)
  std::string json_path;                // "" = none, "-" = stdout (human output then goes to err)
  std::string proof_path;               // "" = none; else the proof as a spec that includes SPEC
  bool progress = true;                 // one line on err per stage
};

// `tcpmc prove SPEC`: infers an inductive invariant (README.md, "Proofs without lemmas"):
// samples reachable states with the explicit engine at small bounds, keeps the template
// candidates true in all of them, weakens them with Z3 (Houdini, k = 1) at the target bounds,
// reports per invariant proved (with the lemmas that suffice) or not proved (with a
// counterexample to induction), and re-checks the printed proof from scratch by k-induction
// (k = 1). Exit 0 when every selected invariant that the spec expects to hold is proved, 5 when
// some is not (or the run stopped early), 10 when an invariant expected to be violated is
// proved, 1 usage, 2 bad spec, 6 when the re-check disagrees or a run fails replay (a bug).
int run_prove(const ProveCommand& cmd, std::ostream& out, std::ostream& err);

// Expands directories into their *.tcp files (sorted); reports missing paths as diagnostics.
std::vector<std::string> expand_spec_paths(const std::vector<std::string>& paths, Diagnostics& diags);

}  // namespace tcpmc
