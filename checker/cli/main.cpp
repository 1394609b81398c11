// tcpmc command line: argument parsing (CLI11) over the library commands in commands.hpp.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli_help.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "progress_line.hpp"

namespace {

bool parse_int(const std::string& v, int64_t& out) {
  if (v.empty() || v.size() > 10) return false;
  char* end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (*end != '\0') return false;
  out = x;
  return true;
}

bool parse_define(const std::string& text, std::string& name, std::string& value) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  name = text.substr(0, eq);
  value = text.substr(eq + 1);
  return true;
}

int default_threads() { return static_cast<int>(std::max(1u, std::min(8u, std::thread::hardware_concurrency()))); }

// A whole number from 0 to `max`, written in decimal digits only (no sign, no exponent): CLI11's
// own conversion would take "-1" for 2^64-1.
CLI::Validator whole_number(uint64_t max) {
  return CLI::Validator(
      [max](std::string& s) -> std::string {
        if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos ||
            std::stoull(s) > max)
          return "expects a whole number from 0 to " + std::to_string(max) + ", got '" + s + "'";
        return "";
      },
      "0.." + std::to_string(max));
}

// The options every checking command shares.
struct RunFlags {
  std::vector<std::string> defines;
  std::string loss;  // "" = the spec's; N; or "unbounded"
  int dup = -1;
  bool reorder = false, no_reorder = false, no_progress = false;
  std::string fairness = "spec";
  std::string engine = "explicit";
  int depth = 20;
  bool lemma_ctis = false, native = false, compress = false;
  uint64_t max_states = 0, memory_mb = 0;
  int threads = default_threads();

  void add_limit_options(CLI::App* c) {
    c->add_option("--memory-limit", memory_mb,
                  "stop (inconclusive) before the resident memory of the process exceeds MB megabytes; 0 = no limit (the default)")
        ->check(whole_number(1ull << 30));
    c->add_option("-j,--threads", threads,
                  "worker threads; 0 = one per core (the default, at most 8); results are identical for any count")
        ->check(whole_number(256));
    c->add_flag("--no-progress", no_progress, "no progress line on stderr");
  }
  void add_engine_options(CLI::App* c) {
    c->add_option("--max-states", max_states, "stop (inconclusive) after N states; 0 = no limit (the default)")
        ->check(whole_number(1ull << 40));
    add_limit_options(c);
  }
  void add_loss_option(CLI::App* c) {
    c->add_option("--loss", loss,
                  "at most N segments lost in a run (0..15), or 'unbounded' (any number; default: the spec's)")
        ->check(CLI::Range(0, 15) | CLI::IsMember({"unbounded"}));
  }
  // check only: which engine, and the symbolic engines' depth. Returns the --depth option.
  CLI::Option* add_engine_choice(CLI::App* c) {
    c->add_option("--engine", engine,
                  "explicit (the default): search every reachable state; bmc: bounded model checking up to "
                  "--depth steps; kind: k-induction up to k = --depth (proofs)")
        ->check(CLI::IsMember({"explicit", "bmc", "kind"}));
    return c->add_option("--depth", depth,
                         "with --engine bmc: the largest number of steps; with --engine kind: the largest k "
                         "(1..10000, default 20)")
        ->check(CLI::Range(1, 10000));
  }
  // The model's options: constants and the fault budget.
  void add_model_options(CLI::App* c) {
    c->add_option("-D,--define", defines, "override a spec constant: -D NAME=VALUE");
    add_loss_option(c);
    c->add_option("--dup", dup, "at most N segments duplicated in a run (default: the spec's)")->check(CLI::Range(0, 15));
    auto* ro = c->add_flag("--reorder", reorder, "segments may arrive in any order");
    auto* nro = c->add_flag("--no-reorder", no_reorder, "segments arrive in the order sent");
    ro->excludes(nro);
  }
  void add_to(CLI::App* c) {
    add_model_options(c);
    c->add_option("--fairness", fairness,
                  "temporal properties under the spec's fairness declarations and fair time (spec, the default) "
                  "or under no fairness at all (none)")
        ->check(CLI::IsMember({"spec", "none"}));
    c->add_flag("--native", native,
                "compile the spec's guards and effects to machine code with the system's C++ compiler before "
                "checking (faster on large runs; the same results)");
    c->add_flag("--compress", compress,
                "store 64-bit fingerprints of the visited states instead of the states (about half the "
                "memory; the probability that a collision left a state out is reported; temporal properties "
                "are not checked)");
    add_engine_options(c);
  }
  tcpmc::EngineLimits limits() const {
    tcpmc::EngineLimits l;
    l.max_states = max_states;
    l.memory_limit_mb = memory_mb;
    l.progress = !no_progress;
    if (l.progress) l.on_progress = tcpmc::progress_callback(tcpmc::stderr_progress_line());
    l.threads = threads == 0 ? default_threads() : threads;
    l.fairness = fairness == "spec";
    l.max_depth = static_cast<uint32_t>(depth);
    l.lemma_ctis = lemma_ctis;
    l.compress = compress;
    return l;
  }
  // Fills `opts`; returns false (after printing why) on a malformed -D. A define whose value is
  // LO..HI is returned through sweep_* when allowed.
  bool apply(tcpmc::CheckOptions& opts, std::string* sweep_name = nullptr, int64_t* sweep_lo = nullptr,
             int64_t* sweep_hi = nullptr) const {
    for (const auto& d : defines) {
      std::string name, value;
      int64_t v = 0;
      if (!parse_define(d, name, value)) {
        std::cerr << "tcpmc: error: -D expects NAME=INTEGER, got '" << d << "'\n";
        return false;
      }
      auto dots = value.find("..");
      if (dots != std::string::npos && sweep_name) {
        int64_t lo = 0, hi = 0;
        if (!sweep_name->empty() || !parse_int(value.substr(0, dots), lo) || !parse_int(value.substr(dots + 2), hi)) {
          std::cerr << "tcpmc: error: sweep expects one -D NAME=LO..HI, got '" << d << "'\n";
          return false;
        }
        *sweep_name = name;
        *sweep_lo = lo;
        *sweep_hi = hi;
        continue;
      }
      if (!parse_int(value, v)) {
        std::cerr << "tcpmc: error: -D expects NAME=INTEGER, got '" << d << "'\n";
        return false;
      }
      opts.defines[name] = v;
    }
    if (!loss.empty()) opts.loss = loss == "unbounded" ? tcpmc::ir::FaultBudget::kUnboundedLoss : std::stoi(loss);
    if (dup >= 0) opts.dup = dup;
    if (reorder) opts.reorder = true;
    if (no_reorder) opts.reorder = false;
    for (auto k : {tcpmc::EngineKind::Explicit, tcpmc::EngineKind::Bmc, tcpmc::EngineKind::Kind})
      if (engine == tcpmc::engine_kind_name(k)) opts.engine = k;
    opts.limits = limits();
    opts.native = native;
    return true;
  }
};

}  // namespace

static int run(int argc, char** argv) {
  using namespace tcpmc;
  CLI::App app{"tcpmc: a model checker for the TCP connection lifecycle"};
  app.require_subcommand(1);
  app.set_version_flag("--version", cli::version_text());
  app.footer(cli::main_footer());

  CheckCommand check;
  RunFlags flags;
  std::string out_dir = "reports", baseline = "reports";
  std::string old_spec, new_spec;
  bool update = false;

  auto* c = app.add_subcommand("check", "explore every reachable state of each spec and check its properties");
  c->add_option("specs", check.specs, "spec files or directories of *.tcp files")->required();
  flags.add_to(c);
  const CLI::Option* depth_opt = flags.add_engine_choice(c);
  const CLI::Option* lemma_ctis_opt =
      c->add_flag("--lemma-ctis", flags.lemma_ctis,
                  "with --engine kind: show a counterexample to induction for every lemma that is not proved "
                  "(from a state satisfying every candidate lemma and property, not necessarily reachable)");
  c->add_option("--json", check.json_path, "write results as JSON to FILE, or - for stdout");
  c->add_flag("-q,--quiet", check.quiet, "print only the summary table");
  c->add_flag("--coverage", check.coverage, "list rule counts and every reachable endpoint transition");
  c->add_option("--property", check.options.properties, "check and report only this property (repeatable)");
  auto* trace_opt = c->add_option("--trace", check.trace_property, "print only this property's counterexample again");
  c->add_option("--svg", check.svg_path, "with --trace: also write the counterexample's SVG sequence chart to FILE")
      ->needs(trace_opt);
  c->footer(cli::check_footer());

  auto* rep = app.add_subcommand("report", "check specs and write their reports (markdown, JSON, SVG)");
  rep->add_option("specs", check.specs, "spec files or directories of *.tcp files")->required();
  rep->add_option("--out", out_dir, "the reports directory (default: reports)");
  flags.add_to(rep);
  rep->add_option("--property", check.options.properties, "check and report only this property (repeatable)");
  rep->footer(cli::report_footer());

  auto* dif = app.add_subcommand("diff", "check two versions of a spec and print what the edit changed");
  dif->add_option("old", old_spec, "the spec before the edit")->required();
  dif->add_option("new", new_spec, "the spec after the edit")->required();
  flags.add_to(dif);
  dif->footer(cli::diff_footer());

  auto* reg = app.add_subcommand("regress", "re-run every spec of the baseline and compare with it");
  reg->add_option("--baseline", baseline, "the reports directory to compare with (default: reports)");
  std::string specs_dir = "specs";
  reg->add_option("--specs", specs_dir, "every spec here must have a baseline (default: specs, if it exists)");
  reg->add_flag("--update", update, "rewrite the reports that changed");
  flags.add_limit_options(reg);  // no --max-states: the bounds are the baseline's
  reg->footer(cli::regress_footer());

  auto* swp = app.add_subcommand("sweep", "check a spec once per value of a constant: -D NAME=LO..HI");
  swp->add_option("spec", check.specs, "the spec")->required();
  flags.add_to(swp);
  swp->add_option("--json", check.json_path, "write the sweep as JSON to FILE, or - for stdout");
  swp->footer(cli::sweep_footer());

  SimulateCommand sim;
  auto* sm = app.add_subcommand("simulate", "random runs from the initial state, checking the properties on the way");
  sm->add_option("spec", sim.spec, "the spec")->required();
  flags.add_model_options(sm);
  auto* seed_opt = sm->add_option("--seed", sim.seed, "seed of the random choices (default: random, printed)");
  sm->add_option("--runs", sim.runs, "number of runs (default: 1000)")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  sm->add_option("--steps", sim.steps, "at most N transitions per run (default: 200)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 24));
  sm->add_option("--property", sim.options.properties, "check only this property (repeatable)");
  sm->add_option("--json", sim.json_path, "write the results as JSON to FILE, or - for stdout");
  sm->add_flag("--no-progress", flags.no_progress, "no progress line on stderr");
  sm->footer(cli::simulate_footer());

  MutateCommand mut;
  auto* mt = app.add_subcommand("mutate", "mutation testing: are the spec's properties strong enough to notice small changes to its rules?");
  mt->add_option("spec", mut.spec, "the spec")->required();
  flags.add_to(mt);  // -j: mutants checked at once
  mt->add_option("--property", mut.options.properties, "check and compare only this property (repeatable)");
  mt->add_option("--operators", mut.operators,
                 "only these operators, comma-separated (drop-stmt, drop-send, drop-conjunct, negate-conjunct, "
                 "comparison, plus-minus-one, goto, flag, swap-recv, drop-timer)");
  mt->add_option("--json", mut.json_path, "write the mutants and their results as JSON to FILE, or - for stdout");
  mt->add_option("--out", mut.out_dir, "write DIR/<spec>-mutants.md, every survivor as a one-line diff");
  mt->add_flag("-q,--quiet", mut.quiet, "list only the survivors and the summary");
  mt->footer(cli::mutate_footer());

  ExportCommand exp;
  bool promela = false;
  auto* ex = app.add_subcommand("export", "write the spec's transition system as a model for another tool (SPIN)");
  ex->add_flag("--promela", promela, "a Promela model for SPIN (the only format)")->required();
  ex->add_option("spec", exp.spec, "the spec")->required();
  flags.add_model_options(ex);
  ex->add_option("--property", exp.options.properties,
                 "export only this property (repeatable; default: every invariant, stuck and reachable property)");
  ex->add_option("-o,--out", exp.out_path, "write the model to FILE (default: standard output)");
  ex->add_flag("--no-hidden", exp.no_hidden,
               "no `hidden` scratch variables (pan -DBFS refuses them): scratch in the state vector, zeroed after "
               "every transition, so that SPIN still stores tcpmc's states");
  ex->footer(cli::export_footer());

  ConformCommand conf;
  std::string conf_loss;
  int conf_dup = -1;
  bool conf_reorder = false;
  auto* cf = app.add_subcommand("conform", "check that every TCP connection of a packet capture is a run the spec allows");
  cf->add_option("spec", conf.spec, "the spec")->required();
  cf->add_option("capture", conf.capture, "the capture (pcap or pcapng)")->required();
  cf->add_option("-D,--define", flags.defines, "override a spec constant: -D NAME=VALUE");
  cf->add_option("--connection", conf.connection, "check only connection N (1, 2, ... in order of first appearance)")
      ->check(CLI::Range(1, 1 << 30));
  cf->add_option("--json", conf.json_path, "write the results as JSON to FILE, or - for stdout");
  cf->add_option("--svg", conf.svg_path,
                 "write the run's SVG sequence chart to FILE, or to DIR/connection-N.svg for each connection");
  cf->add_option("--loss", conf_loss, "at most N segments lost by the network (hidden steps; default 0)")
      ->check(CLI::Range(0, 15));
  cf->add_option("--dup", conf_dup, "at most N segments duplicated by the network (default 0)")->check(CLI::Range(0, 15));
  cf->add_flag("--reorder", conf_reorder, "segments may overtake each other in the network (default: FIFO)");
  cf->add_option("--capacity", conf.capacity,
                 "segments in flight per direction (default: the spec's network capacity)")
      ->check(CLI::Range(1, 4096));
  cf->add_option("--max-states", conf.max_states,
                 "stop (exit 5) after N product states per connection; 0 = no limit (default 2000000)")
      ->check(whole_number(1ull << 40));
  cf->add_option("--tick-ms", conf.tick_ms,
                 "capture time one tick of the spec stands for: at most ceil(gap / MS) ticks between two segments "
                 "(default 0: time is free)")
      ->check(CLI::Range(0.0, 1e9));
  cf->add_flag("--no-progress", flags.no_progress, "accepted for uniformity (conform prints no progress line)");
  cf->footer(cli::conform_footer());

  ProveCommand prv;
  std::string samples_from = "SEQ_BITS=3,4";
  std::vector<std::string> sample_defines;
  bool per_action = false;
  auto* pv = app.add_subcommand("prove", "find an inductive invariant by itself and prove the spec's invariants "
                                         "at the target bounds (no hand-written lemma)");
  pv->add_option("spec", prv.spec, "the spec")->required();
  pv->add_option("-D,--define", flags.defines, "override a spec constant of the proof (SEQ_BITS: the target width); "
                                               "all but SEQ_BITS apply to the samples too");
  pv->add_option("--samples-from", samples_from,
                 "the widths the explicit engine samples reachable states at: SEQ_BITS=B,B,... (default SEQ_BITS=3,4)");
  pv->add_option("--sample-define", sample_defines,
                 "a constant of the sampling runs only: NAME=VALUE (repeatable; small bounds keep sampling fast)");
  pv->add_option("--sample-states", prv.sample_states,
                 "stop each sampling run after N states (then said to be incomplete); 0 = no limit (default 1000000)")
      ->check(whole_number(1ull << 40));
  pv->add_option("--memory-limit", prv.memory_limit_mb, "stop a sampling run before the process exceeds MB megabytes")
      ->check(whole_number(1ull << 30));
  pv->add_option("--target-runs", prv.target_runs,
                 "random runs at the target bounds (every ISN as the spec allows it) before Z3; the candidates "
                 "false in a state they visit are dropped (default 2000; 0 = none)")
      ->check(whole_number(1ull << 30));
  pv->add_option("--target-steps", prv.target_steps, "moves per random run (default 200)")
      ->check(whole_number(1ull << 30));
  pv->add_option("--successor-states", prv.successor_states,
                 "per Houdini round, at most the states whose concrete successors refute candidates before the next "
                 "Z3 query, from the pre-state of Z3's model, and one per 60 of Z3's resource units for the question "
                 "(at least 256) (default 8192; 0 = Z3 alone)")
      ->check(whole_number(1ull << 30));
  pv->add_flag("--per-action", per_action,
               "the cores', minimization's and counterexamples' Z3 questions per action of the transition relation too (default: about the whole relation; Houdini's are per action)");
  pv->add_option("--narrow-bits", prv.narrow_bits,
                 "a first Houdini at SEQ_BITS=B, cheap for Z3; only the candidates inductive there go on to the "
                 "target width (default: the smallest --samples-from width when the target is wider; 0 = none)")
      ->check(CLI::Range(int64_t{0}, int64_t{64}));
  pv->add_option("--weaken-rounds", prv.weaken_rounds,
                 "Houdinis at the narrow width: after each, the weaker candidates that the ones it dropped hid "
                 "are tried with the inductive set (default 4; 1 = none)")
      ->check(CLI::Range(1u, 100u));
  std::string target_set = "inductive";
  pv->add_option("--target-set", target_set,
                 "what goes on from the narrow width to the target: inductive (every lemma inductive there, the "
                 "default) or needed (only those the proofs of the invariants proved there need: a smaller problem "
                 "at the target; the counterexamples to induction there are then relative to it)")
      ->check(CLI::IsMember({"inductive", "needed"}));
  pv->add_option("--block-rounds", prv.block_rounds,
                 "then Houdinis at the narrow width that first block each counterexample to induction with a lemma "
                 "no sampled state violates (default 0: none; best with a complete sample at the narrow width)")
      ->check(CLI::Range(0u, 1000u));
  bool no_minimize = false;
  pv->add_flag("--no-minimize", no_minimize,
               "print each proof as the closure of unsat cores, without then dropping every lemma the rest do "
               "without (one Z3 question per lemma)");
  pv->add_flag("--use-lemmas", prv.use_lemmas, "the spec's own lemmas join the candidates (by default they are ignored)");
  pv->add_option("--property", prv.properties, "prove only this invariant (repeatable; default: every invariant)");
  pv->add_option("--json", prv.json_path, "write the results as JSON to FILE, or - for stdout");
  pv->add_option("--proof", prv.proof_path,
                 "write the proof to FILE as a spec that includes SPEC and declares the lemmas (check it with "
                 "--engine kind; FILE must be in SPEC's directory for its include)");
  pv->add_option("-j,--threads", flags.threads,
                 "Houdini's workers, each asking Z3 about its share of the actions, and the sampling's threads; 0 = "
                 "one per core (the default, at most 8); the same samples, inductive set and proofs for any count")
      ->check(whole_number(256));
  pv->add_flag("--no-progress", flags.no_progress, "no progress lines on stderr");
  pv->footer(cli::prove_footer());

  install_interrupt_handlers();
  if (argc > 1 && argv[1][0] != '-') {  // a mistyped command: say which one was meant
    std::vector<std::string> names;
    const CLI::App& root = app;
    for (const auto* sub : root.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::cerr << "tcpmc: error: " << with_suggestion("unknown command '" + std::string(argv[1]) + "'", argv[1], names)
                << " (commands: ";
      for (size_t i = 0; i < names.size(); ++i) std::cerr << (i ? ", " : "") << names[i];
      std::cerr << "; see tcpmc --help)\n";
      return exit_code::kUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int r = app.exit(e);
    return e.get_exit_code() == 0 ? 0 : (r == 0 ? 0 : exit_code::kUsage);
  }

  try {
    if (reg->parsed()) {
      // The default specs/ is checked only where it exists; a directory given explicitly must exist.
      if (reg->count("--specs") == 0 && !std::filesystem::is_directory(specs_dir)) specs_dir.clear();
      return run_regress(baseline, specs_dir, update, flags.limits(), std::cout, std::cerr);
    }
    if (swp->parsed()) {
      std::string name;
      int64_t lo = 0, hi = 0;
      if (!flags.apply(check.options, &name, &lo, &hi)) return exit_code::kUsage;
      if (name.empty()) {
        std::cerr << "tcpmc: error: sweep needs one -D NAME=LO..HI\n";
        return exit_code::kUsage;
      }
      return run_sweep(check, name, lo, hi, std::cout, std::cerr);
    }
    if (sm->parsed()) {
      if (!flags.apply(sim.options)) return exit_code::kUsage;
      sim.seed_given = seed_opt->count() > 0;
      return run_simulate(sim, std::cout, std::cerr);
    }
    if (cf->parsed()) {
      if (!flags.apply(conf.options)) return exit_code::kUsage;
      conf.options.loss = conf_loss.empty() ? 0 : std::stoi(conf_loss);
      conf.options.dup = conf_dup < 0 ? 0 : conf_dup;
      conf.options.reorder = conf_reorder;
      return run_conform(conf, std::cout, std::cerr);
    }
    if (pv->parsed()) {
      CheckOptions o;
      if (!flags.apply(o)) return exit_code::kUsage;
      prv.defines = o.defines;
      prv.progress = !flags.no_progress;
      prv.per_action = per_action;
      prv.minimize = !no_minimize;
      prv.target_needed = target_set == "needed";
      prv.threads = static_cast<unsigned>(o.limits.threads);
      for (const auto& d : sample_defines) {
        std::string name, value;
        int64_t v = 0;
        if (!parse_define(d, name, value) || !parse_int(value, v)) {
          std::cerr << "tcpmc: error: --sample-define expects NAME=INTEGER, got '" << d << "'\n";
          return exit_code::kUsage;
        }
        prv.sample_defines[name] = v;
      }
      const std::string prefix = "SEQ_BITS=";
      prv.sample_seq_bits.clear();
      if (samples_from.rfind(prefix, 0) == 0) {
        std::string rest = samples_from.substr(prefix.size());
        size_t pos = 0;
        while (pos <= rest.size()) {
          const size_t comma = std::min(rest.find(',', pos), rest.size());
          int64_t b = 0;
          if (!parse_int(rest.substr(pos, comma - pos), b) || b < 1 || b > 16) {
            prv.sample_seq_bits.clear();
            break;
          }
          prv.sample_seq_bits.push_back(b);
          pos = comma + 1;
        }
      }
      if (prv.sample_seq_bits.empty()) {
        std::cerr << "tcpmc: error: --samples-from expects SEQ_BITS=B[,B...] with each B in 1..16, got '"
                  << samples_from << "'\n";
        return exit_code::kUsage;
      }
      return run_prove(prv, std::cout, std::cerr);
    }
    if (ex->parsed()) {
      if (!flags.apply(exp.options)) return exit_code::kUsage;
      return run_export(exp, std::cout, std::cerr);
    }
    if (mt->parsed()) {
      if (!flags.apply(mut.options)) return exit_code::kUsage;
      mut.jobs = mut.options.limits.threads;
      return run_mutate(mut, std::cout, std::cerr);
    }
    if (!flags.apply(check.options)) return exit_code::kUsage;
    if (c->parsed() && depth_opt->count() > 0 && check.options.engine == EngineKind::Explicit) {
      std::cerr << "tcpmc: error: --depth bounds the symbolic engines; give --engine bmc or --engine kind "
                   "(the explicit engine searches every reachable state)\n";
      return exit_code::kUsage;
    }
    if (c->parsed() && lemma_ctis_opt->count() > 0 && check.options.engine != EngineKind::Kind) {
      std::cerr << "tcpmc: error: --lemma-ctis explains the lemmas k-induction does not prove; give --engine kind\n";
      return exit_code::kUsage;
    }
    if (c->parsed()) return run_check(check, std::cout, std::cerr);
    if (rep->parsed()) return run_report(check, out_dir, std::cout, std::cerr);
    if (dif->parsed()) return run_diff(check, old_spec, new_spec, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "tcpmc: internal error: " << e.what() << "\n";
    return exit_code::kInternal;
  }
  return exit_code::kUsage;
}

// Output that could not be written (a full disk, a closed pipe, `> /dev/full`) is an error, not
// success.
int main(int argc, char** argv) {
  int code = run(argc, argv);
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "tcpmc: error: cannot write standard output: " << std::strerror(errno ? errno : EIO) << "\n";
    if (code == tcpmc::exit_code::kAllAsExpected || code == tcpmc::exit_code::kUnexpectedVerdict ||
        code == tcpmc::exit_code::kInconclusive)
      code = tcpmc::exit_code::kBadInput;
  }
  return code;
}
