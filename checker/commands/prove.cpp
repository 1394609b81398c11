// `tcpmc prove`: sampling (infer/), Houdini with Z3 (symbolic/invariant_inference.hpp), the proof
// printed as lemmas and re-checked from scratch by the k-induction engine (k = 1).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <ostream>

#include "blocking_cubes.hpp"
#include "candidates.hpp"
#include "commands.hpp"
#include "command_support.hpp"
#include "file_output.hpp"
#include "invariant_inference.hpp"
#include "json_report.hpp"
#include "sampling.hpp"
#include "text_report.hpp"
#include "walks.hpp"

namespace tcpmc {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
std::string secs(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f s", s);
  return b;
}

// A lemma of the proof: its name and expression in the spec language.
struct Lemma {
  std::string name, text;
  bool from_spec = false;  // one of the spec's own (--use-lemmas)
  bool blocking = false;   // blocks a counterexample to induction (infer/blocking_cubes.hpp)
};

// The spec text that is SPEC with `lemmas` as its only lemmas: it includes SPEC, removes SPEC's
// lemmas that are not among them, and declares the new ones. Loaded next to SPEC (the include
// is relative to its directory), it is also what --proof writes.
std::string proof_spec_text(const std::string& spec_path, const ir::Model& spec, const std::vector<Lemma>& lemmas) {
  std::string t = "// The lemmas `tcpmc prove` found for " + spec_path +
                  "; `tcpmc check --engine kind` re-checks them.\ninclude \"" +
                  std::filesystem::path(spec_path).filename().string() + "\"\n";
  for (const auto& l : spec.lemmas) {
    const bool kept = std::any_of(lemmas.begin(), lemmas.end(), [&](const Lemma& x) { return x.from_spec && x.name == l.name; });
    if (!kept) t += "remove " + l.name + "\n";
  }
  for (const auto& l : lemmas)
    if (!l.from_spec) t += "lemma " + l.name + ": " + l.text + "\n";
  return t;
}

// What the proof covers of the ISNs: the spec's rules choose them; rfc9293 and its variants bound
// a later incarnation's ISN by the constant ISN_MAX (-1: every ISN).
std::string isn_text(const ir::Model& m) {
  for (const auto& c : m.consts)
    if (c.name == "ISN_MAX")
      return c.value < 0 ? "every ISN free (ISN_MAX=" + std::to_string(c.value) + ")"
                         : "ISNs bounded by ISN_MAX=" + std::to_string(c.value) + " (-D ISN_MAX=-1 frees every ISN)";
  return "ISNs as the spec's rules choose them";
}

std::string proof_path_for(const std::string& spec_path) {
  std::filesystem::path p(spec_path);
  return (p.parent_path() / (p.stem().string() + ".prove.tcp")).string();
}

// Lemmas tried per counterexample to induction: the smallest that blocks it, and others that share
// none of its literals (infer/blocking_cubes.hpp).
constexpr size_t kBlockAlternatives = 3;

// The first Houdini at a narrow width (--narrow-bits): what it kept and what it cost.
struct NarrowStage {
  int64_t bits = 0;
  size_t tried = 0, inductive = 0;
  unsigned rounds = 0;   // Houdinis run (--weaken-rounds)
  size_t weaker = 0;     // candidates added after the first round
  unsigned block_rounds = 0;  // Houdinis after blocking CTIs (--block-rounds)
  size_t blocking = 0;        // blocking lemmas tried (infer/blocking_cubes.hpp; one dropped and tried again counts again)
  unsigned questions = 0, sat = 0, unsat = 0;
  double seconds = 0;
  bool complete = true;  // else every candidate goes on to the target
  std::string stop_reason;
  // --target-set needed: the invariants proved at this width, and the lemmas their proofs need
  // (what goes on to the target); nullopt: every lemma inductive here goes on.
  std::optional<size_t> proved, needed;
};

std::optional<LoadedSpec> load_text(const std::string& path, const std::string& text, const ConstOverrides& defines,
                                    std::ostream& err) {
  Diagnostics diags;
  auto s = load_spec_text(path, text, defines, diags);
  if (!s) err << format_diagnostics(diags);
  return s;
}

// The candidates given to Z3: lemma texts, each with its template (null: one of the spec's own).
// A lemma that blocks a counterexample to induction (infer/blocking_cubes.hpp) has no template.
struct CandidateList {
  std::vector<Lemma> lemmas;
  std::vector<const infer::Candidate*> source;
  std::vector<const infer::Candidate*> tried;  // every template given to Z3 so far
  std::set<std::string> spec_names;              // the spec's own lemmas: no new one takes their names
  size_t next_name = 1;                          // auto_N
  size_t next_block = 1;                         // block_N
  void add(const infer::CandidateSet& cands, const infer::Candidate* c) {
    lemmas.push_back({fresh("auto_", next_name), cands.text(*c), false});
    source.push_back(c);
    tried.push_back(c);
  }
  void add_blocking(const std::string& text) {
    lemmas.push_back({fresh("block_", next_block), text, false, true});
    source.push_back(nullptr);
  }
  std::string fresh(const char* prefix, size_t& next) const {
    std::string name;
    do name = prefix + std::to_string(next++);
    while (spec_names.count(name));
    return name;
  }
  bool blocking(size_t i) const { return lemmas[i].blocking; }
  // This list with no lemma (the names given and the templates tried go on): a stage adds back
  // what it keeps.
  CandidateList emptied() {
    CandidateList out;
    out.tried = std::move(tried);
    out.spec_names = spec_names;
    out.next_name = next_name;
    out.next_block = next_block;
    return out;
  }
};

// --target-set needed, after the narrow width's rounds (list: the lemmas inductive there;
// known_properties: the invariants inductive with them): keeps in list only the lemmas that the
// proofs there need, the closure of unsat cores from each invariant proved (asked of a solver of
// its own, as the target's proofs are: the same for any -j). False: the lemmas do not load (a bug).
bool keep_needed(const ConstOverrides& defines, const std::vector<uint8_t>& selected, const InferenceOptions& io,
                 const std::function<std::optional<LoadedSpec>(const ConstOverrides&)>& load,
                 const std::vector<uint8_t>& known_properties, CandidateList& list, NarrowStage& narrow) {
  auto ns = load(defines);
  if (!ns) return false;
  const ir::Model& m = ns->model;
  CompiledSystem nsys(m, m.default_faults);
  InferenceOptions o = io;
  o.workers = 1;  // Houdini has nothing to ask: every lemma is known
  o.known_lemmas.assign(m.lemmas.size(), 1);  // inductive together, as the last round found
  o.known_properties = known_properties;
  o.proofs = true;
  o.minimize_support = false;  // the target minimizes the proof it makes
  o.property_ctis = false;
  o.lemma_cti.clear();
  const InferenceResult r = infer_inductive_invariant(nsys, selected, {}, o);
  if (!r.complete) return true;  // every lemma goes on
  std::set<std::string> needed;
  size_t proved = 0;
  for (size_t p = 0; p < m.properties.size(); ++p) {
    if (!r.property_proved[p]) continue;
    ++proved;
    for (int l : r.support_lemmas[p]) needed.insert(m.lemmas[static_cast<size_t>(l)].name);
  }
  CandidateList kept = list.emptied();
  for (size_t i = 0; i < list.lemmas.size(); ++i)
    if (needed.count(list.lemmas[i].name)) {
      kept.lemmas.push_back(list.lemmas[i]);
      kept.source.push_back(list.source[i]);
    }
  list = std::move(kept);
  narrow.proved = proved;
  narrow.needed = list.lemmas.size();
  return true;
}

// Step 3a: Houdini at SEQ_BITS=bits, where Z3's questions are cheap; only the candidates
// inductive there go on to the target (list is left with them). The target's Houdini still
// checks all it keeps, so this can cost a lemma (one inductive at the target but not at this
// width), never soundness. In rounds (cmd.weaken_rounds): after each, the weaker candidates that
// the dropped ones hid join the inductive set. nullopt: the candidates do not load (a bug).
std::optional<NarrowStage> narrow_houdini(
    const ProveCommand& cmd, int64_t bits, const std::vector<uint8_t>& selected, const InferenceOptions& io,
    const std::function<void(unsigned, size_t)>& progress,
    const std::function<std::optional<LoadedSpec>(const ConstOverrides&)>& load, infer::CandidateSet& cands,
    const infer::CtiBlocker& blocker, CandidateList& list, std::ostream& err) {
  ConstOverrides d = cmd.defines;
  d["SEQ_BITS"] = bits;
  const auto t = Clock::now();
  NarrowStage narrow;
  narrow.bits = bits;
  narrow.tried = list.lemmas.size();
  std::map<std::string, unsigned> blocked_text;  // every blocking lemma tried: how often
  // What the last round kept: inductive by itself, so the next round assumes it and asks only
  // about the lemmas added since (InferenceOptions::known_lemmas).
  std::set<std::string> known_names;
  std::vector<uint8_t> known_properties;
  for (unsigned round = 1;; ++round) {
    auto ns = load(d);
    if (!ns) return std::nullopt;
    CompiledSystem nsys(ns->model, ns->model.default_faults);
    InferenceOptions rio = io;
    std::vector<size_t> list_of(ns->model.lemmas.size(), list.lemmas.size());  // lemma -> list index
    for (size_t i = 0; i < list.lemmas.size(); ++i)
      for (size_t l = 0; l < ns->model.lemmas.size(); ++l)
        if (ns->model.lemmas[l].name == list.lemmas[i].name) list_of[l] = i;
    rio.lemma_cti.assign(ns->model.lemmas.size(), 0);
    for (size_t l = 0; l < list_of.size(); ++l) rio.lemma_cti[l] = list_of[l] < list.lemmas.size() && list.blocking(list_of[l]);
    rio.known_lemmas.assign(ns->model.lemmas.size(), 0);
    for (size_t l = 0; l < ns->model.lemmas.size(); ++l) rio.known_lemmas[l] = known_names.count(ns->model.lemmas[l].name);
    rio.known_properties = known_properties;
    // What a round gives the next: its inductive set, and the counterexamples to block. Proofs
    // are the target's business.
    rio.proofs = false;
    rio.property_ctis = cmd.block_rounds > 0;
    const InferenceResult ni = infer_inductive_invariant(nsys, selected, progress, rio);
    narrow.questions += ni.z3_questions;
    narrow.sat += ni.z3_sat_answers;
    narrow.unsat += ni.z3_unsat_answers;
    narrow.rounds = round;
    if (!ni.complete) {  // what this round was given goes on
      narrow.complete = false;
      narrow.stop_reason = ni.stop_reason;
      narrow.inductive = list.lemmas.size();
      break;
    }
    CandidateList kept = list.emptied();
    std::vector<const int32_t*> ctis;      // pre-states to block
    std::vector<std::string> dropped_for;  // per CTI: the blocking lemma it refutes ("" for a property's)
    std::vector<std::string> goal_text;    // per CTI: the expression it refutes
    for (size_t p = 0; p < ni.cti.size(); ++p)
      if (ni.cti[p]) {
        ctis.push_back(ni.cti[p]->initial.data());
        dropped_for.emplace_back();
        goal_text.push_back(property_expression(ns->model.properties[p]));
      }
    for (size_t l = 0; l < list_of.size(); ++l) {
      const size_t i = list_of[l];
      if (i >= list.lemmas.size()) continue;
      if (ni.lemma_inductive[l]) {
        kept.lemmas.push_back(list.lemmas[i]);
        kept.source.push_back(list.source[i]);
      } else if (list.source[i]) {
        cands.refute(*list.source[i]);
      } else if (ni.lemma_cti[l]) {
        ctis.push_back(ni.lemma_cti[l]->initial.data());
        dropped_for.push_back(list.lemmas[i].text);
        goal_text.push_back(list.lemmas[i].text);
      }
    }
    list = std::move(kept);
    narrow.inductive = list.lemmas.size();
    known_names.clear();
    for (const Lemma& l : list.lemmas) known_names.insert(l.name);
    known_properties = ni.property_inductive;
    if (round < cmd.weaken_rounds) {
      // The weaker candidates that those Houdini dropped hid: with the inductive set, once more.
      std::vector<const infer::Candidate*> weaker;
      for (const infer::Candidate* c : cands.survivors())
        if (std::find(list.tried.begin(), list.tried.end(), c) == list.tried.end()) weaker.push_back(c);
      if (!weaker.empty()) {
        if (cmd.progress)
          err << "tcpmc prove: " << weaker.size() << " weaker candidates join the " << list.lemmas.size()
              << " inductive at SEQ_BITS=" << bits << std::endl;
        for (const infer::Candidate* c : weaker) list.add(cands, c);
        narrow.weaker += weaker.size();
        continue;
      }
    }
    // Block each CTI (of a property, or of a blocking lemma dropped: that lemma is tried again
    // with the one that blocks its CTI) and run Houdini once more.
    if (narrow.block_rounds >= cmd.block_rounds || ctis.empty()) break;
    const std::vector<std::vector<std::string>> cubes = blocker.block(nsys, ctis, goal_text, kBlockAlternatives);
    size_t added = 0;
    for (size_t c = 0; c < cubes.size(); ++c) {
      if (cmd.progress) {
        err << "tcpmc prove: counterexample to induction " << c + 1 << " of " << ctis.size() << " ("
            << (dropped_for[c].empty() ? "of a property" : "of " + dropped_for[c]) << "): "
            << (cubes[c].empty() ? "no lemma of the vocabulary blocks it" : "blocked by") << std::endl;
        for (const std::string& cube : cubes[c]) err << "tcpmc prove:   " << cube << std::endl;
      }
      bool any = false;
      for (const std::string& cube : cubes[c]) {
        if (blocked_text[cube]++ >= 2) continue;
        list.add_blocking(cube);
        ++added;
        any = true;
      }
      if (any && !dropped_for[c].empty() && blocked_text[dropped_for[c]]++ < 2) {
        list.add_blocking(dropped_for[c]);  // tried again, with what blocks its CTI
        ++narrow.blocking;
      }
    }
    if (added == 0) break;
    ++narrow.block_rounds;
    narrow.blocking += added;
    if (cmd.progress)
      err << "tcpmc prove: " << added << " lemmas block " << ctis.size() << " counterexamples to induction at SEQ_BITS="
          << bits << " (block round " << narrow.block_rounds << ")" << std::endl;
  }
  if (cmd.target_needed && narrow.complete && !list.lemmas.empty() &&
      !keep_needed(d, selected, io, load, known_properties, list, narrow))
    return std::nullopt;
  narrow.seconds = since(t);
  return narrow;
}

}  // namespace

int run_prove(const ProveCommand& cmd, std::ostream& out_stream, std::ostream& err) {
  const auto start = Clock::now();
  ExitStatus status;
  if (!output_target_ok(cmd.json_path, err) || !output_target_ok(cmd.proof_path, err)) return exit_code::kBadInput;
  std::ostream& out = is_stdout_name(cmd.json_path) ? err : out_stream;

  // The target: the spec at the user's -D (SEQ_BITS as given, else the spec's own).
  auto target = load_reporting(cmd.spec, cmd.defines, err, status);
  if (!target) return status.code();
  const ir::Model& tm = target->model;
  if (auto bad = unknown_properties(tm, cmd.properties); !bad.empty()) {
    for (const auto& b : bad) err << "tcpmc: error: " << b << "\n";
    return exit_code::kUsage;
  }
  const std::vector<uint8_t> selected = select_properties(tm, cmd.properties);
  auto is_selected = [&](size_t p) { return selected.empty() || selected[p]; };

  // --samples-from sets each sampling run's SEQ_BITS: a --sample-define of it would be overridden.
  if (cmd.sample_defines.count("SEQ_BITS")) {
    err << "tcpmc: error: --sample-define SEQ_BITS=... is what --samples-from SEQ_BITS=B[,B...] sets; give that "
           "instead\n";
    return exit_code::kUsage;
  }

  // The width of a first Houdini (3a), where Z3's questions are cheap; the samples taken there
  // are kept to block counterexamples to induction.
  const int64_t narrow_bits =
      cmd.narrow_bits >= 0 ? cmd.narrow_bits
                           : *std::min_element(cmd.sample_seq_bits.begin(), cmd.sample_seq_bits.end());

  // 1. Samples: the explicit engine at small bounds, every state observed by the candidates.
  infer::CandidateSet cands(tm);
  infer::SampledStates kept_samples;
  const infer::CtiBlocker blocker(tm, kept_samples);
  std::vector<infer::SampleRun> samples;
  const auto t_sample = Clock::now();
  for (int64_t bits : cmd.sample_seq_bits) {
    ConstOverrides d = cmd.defines;
    for (const auto& [k, v] : cmd.sample_defines) d[k] = v;
    d["SEQ_BITS"] = bits;
    Diagnostics diags;
    auto s = load_spec_file(cmd.spec, d, diags);
    if (!s) {
      err << format_diagnostics(diags) << cmd.spec << ": the sampling bounds do not load\n";
      status.add_load_failure(diags);
      return status.code();
    }
    if (auto problem = explicit_enumeration_problem(s->model)) {
      err << cmd.spec << ": error: the explicit engine cannot sample at SEQ_BITS=" << bits << ": " << *problem << "\n";
      return exit_code::kBadInput;
    }
    samples.push_back(infer::sample(s->model, cmd.sample_states, cmd.memory_limit_mb, cands,
                                    bits == narrow_bits && cmd.block_rounds > 0 ? &kept_samples : nullptr,
                                    static_cast<int>(cmd.threads)));
    if (cmd.progress)
      err << "tcpmc prove: sampled " << samples.back().states << " states (" << samples.back().projections
          << " projections) at " << samples.back().bounds << " in "
          << secs(samples.back().seconds) << "; " << samples.back().alive_after << " of " << cands.size()
          << " candidates left" << std::endl;
  }
  // Random runs at the target bounds: what they reach refutes candidates without Z3.
  std::optional<infer::SampleRun> walks;
  if (cmd.target_runs > 0 && cmd.target_steps > 0) {
    infer::WalkOptions wo;
    wo.runs = cmd.target_runs;
    wo.steps = cmd.target_steps;
    walks = infer::walk(tm, wo, cands);
    if (cmd.progress)
      err << "tcpmc prove: " << walks->states << " states of " << cmd.target_runs << " random runs at SEQ_BITS="
          << tm.seq_bits << " in " << secs(walks->seconds) << "; " << walks->alive_after << " of " << cands.size()
          << " candidates left" << std::endl;
  }
  const double sample_seconds = since(t_sample);

  // 2. The survivors as lemmas (strongest first), plus the spec's own with --use-lemmas.
  CandidateList list;
  for (const auto& l : tm.lemmas) list.spec_names.insert(l.name);
  if (cmd.use_lemmas)
    for (const auto& l : tm.lemmas) {
      list.lemmas.push_back({l.name, property_expression(l), true});
      list.source.push_back(nullptr);
    }
  const auto survivors = cands.survivors();
  size_t alive = cands.alive_count();
  for (const infer::Candidate* c : survivors) list.add(cands, c);
  if (std::getenv("TCPMC_PROVE_DUMP"))
    for (const auto& c : list.lemmas) err << "candidate " << c.name << ": " << c.text << "\n";
  const std::string cand_path = proof_path_for(cmd.spec);
  // The candidates as the lemmas of a spec at the given constants.
  auto load_candidates = [&](const ConstOverrides& defines) {
    auto s = load_text(cand_path, proof_spec_text(cmd.spec, tm, list.lemmas), defines, err);
    if (!s) err << "tcpmc: internal error: the candidate lemmas do not type-check\n";
    return s;
  };
  InferenceOptions io;
  io.successor_states = cmd.successor_states;
  io.per_action = cmd.per_action;
  // Near the fixpoint a question takes the incremental solver seconds, a bit-blasted one of its
  // own about one action tens to hundreds of milliseconds, at 3 bits and at 32.
  io.bit_blasted_questions = true;
  io.workers = cmd.threads;
  io.support_rlimit = cmd.support_rlimit;
  io.minimize_support = cmd.minimize;
  const auto t_houdini = Clock::now();
  auto on_round_at = [&](int64_t width) {
    std::function<void(unsigned, size_t)> f;
    if (cmd.progress)
      f = [&err, width, t_houdini](unsigned round, size_t left) {
        err << "tcpmc prove: houdini at SEQ_BITS=" << width << ", question " << round << ": " << left << " left, "
            << secs(since(t_houdini)) << std::endl;
      };
    return f;
  };

  // 3a. A first Houdini at a narrow width, where Z3's questions are cheap (narrow_houdini).
  std::optional<NarrowStage> narrow;
  if (narrow_bits > 0 && narrow_bits < tm.seq_bits && !list.lemmas.empty()) {
    if (cmd.progress)
      err << "tcpmc prove: " << list.lemmas.size() << " candidates to Z3 (a first Houdini at SEQ_BITS=" << narrow_bits
          << ")" << std::endl;
    narrow = narrow_houdini(cmd, narrow_bits, selected, io, on_round_at(narrow_bits), load_candidates, cands, blocker,
                            list, err);
    if (!narrow) return exit_code::kInternal;
  }
  std::vector<Lemma>& candidates = list.lemmas;

  auto proof_spec = load_candidates(cmd.defines);
  if (!proof_spec) return exit_code::kInternal;
  const ir::Model& pm = proof_spec->model;
  // The lemma of the loaded proof spec for each candidate, by name.
  std::vector<int> lemma_of(candidates.size(), -1);
  for (size_t i = 0; i < candidates.size(); ++i)
    for (size_t l = 0; l < pm.lemmas.size(); ++l)
      if (pm.lemmas[l].name == candidates[i].name) lemma_of[i] = static_cast<int>(l);

  // 3. Houdini at the target bounds.
  if (cmd.progress)
    err << "tcpmc prove: " << candidates.size() << " candidates to Z3 (Houdini at SEQ_BITS=" << tm.seq_bits << ")"
        << std::endl;
  CompiledSystem sys(pm, pm.default_faults);
  const InferenceResult inf = infer_inductive_invariant(sys, selected, on_round_at(tm.seq_bits), io);
  if (cmd.progress)
    err << "tcpmc prove: houdini dropped " << inf.dropped_by_z3 << " by Z3 models, " << inf.dropped_by_successors
        << " by concrete successors (" << inf.successor_states_expanded << " states expanded, "
        << inf.successor_states_evaluated << " evaluated, " << inf.successor_mutants << " mutants, "
        << inf.successor_disagreements
        << " pre-states rejected); Z3 " << secs(inf.z3_seconds) << " (" << inf.z3_sat_answers << " sat, "
        << inf.z3_unsat_answers << " unsat), successors " << secs(inf.successor_seconds) << std::endl;
  const double houdini_seconds = since(t_houdini);
  if (std::getenv("TCPMC_PROVE_DUMP"))
    for (size_t i = 0; i < candidates.size(); ++i)
      if (lemma_of[i] >= 0 && inf.lemma_inductive[lemma_of[i]])
        err << "inductive " << candidates[i].name << ": " << candidates[i].text << "\n";
  size_t initially_false = 0, inductive = 0;
  for (auto b : inf.lemma_initially_false) initially_false += b;
  for (auto b : inf.lemma_inductive) inductive += b;

  // 4. The proof: the union of what the proved properties need.
  std::vector<uint8_t> in_proof(pm.lemmas.size(), 0);
  for (size_t p = 0; p < pm.properties.size(); ++p)
    if (inf.property_proved[p])
      for (int l : inf.support_lemmas[p]) in_proof[l] = 1;
  std::vector<Lemma> proof;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (lemma_of[i] >= 0 && in_proof[lemma_of[i]]) proof.push_back(candidates[i]);
  std::vector<std::string> proved_names;
  for (size_t p = 0; p < pm.properties.size(); ++p)
    if (inf.property_proved[p]) proved_names.push_back(pm.properties[p].name);

  // 5. The re-check from scratch: the proof spec with only those lemmas, k-induction at k = 1.
  const auto t_recheck = Clock::now();
  const std::string proof_text = proof_spec_text(cmd.spec, tm, proof);
  bool recheck_ok = true;
  std::vector<std::string> recheck_failed;
  if (!proved_names.empty()) {
    auto rs = load_text(cand_path, proof_text, cmd.defines, err);
    if (!rs) {
      recheck_ok = false;
    } else {
      CheckOptions o;
      o.engine = EngineKind::Kind;
      o.defines = cmd.defines;
      o.limits.max_depth = 1;
      o.limits.progress = false;
      o.properties = proved_names;
      auto r = check_loaded(std::make_unique<LoadedSpec>(std::move(*rs)), o);
      for (const auto& p : r->properties)
        if (p.verdict != Verdict::Holds || p.basis != Basis::Proved) recheck_failed.push_back(p.name);
      if (!recheck_failed.empty() || r->replay_failed) recheck_ok = false;
    }
  }
  const double recheck_seconds = since(t_recheck);

  // The report.
  const int32_t bits = tm.seq_bits;
  std::string o = "== " + cmd.spec + (tm.name.empty() ? "" : " (" + tm.name + ")") + ": prove at SEQ_BITS=" +
                  std::to_string(bits) + ", " + isn_text(tm) +
                  (cmd.use_lemmas ? ", the spec's lemmas among the candidates" : ", the spec's own lemmas ignored") +
                  "\n";
  const ir::FaultBudget& f = tm.default_faults;
  o += "   samples: the spec's constants but those named, faults loss " + f.loss_text() + ", dup " +
       std::to_string(f.dup) + (f.reorder ? ", reorder" : ", no reorder") + ", capacity " +
       std::to_string(tm.capacity) + ", msl " + std::to_string(tm.msl) + "\n";
  for (const auto& s : samples)
    o += "   sample " + s.bounds + ": " + std::to_string(s.states) + " states (" + std::to_string(s.projections) +
         " projections read), " +
         (s.complete ? "complete" : "INCOMPLETE (" + s.stop_reason + "): candidates true there, not necessarily in every reachable state") +
         ", " + secs(s.seconds) + "\n";
  if (walks)
    o += "   " + std::to_string(cmd.target_runs) + " random runs of at most " + std::to_string(cmd.target_steps) +
         " moves at SEQ_BITS=" + std::to_string(bits) + ": " + std::to_string(walks->states) + " states, " +
         secs(walks->seconds) + "\n";
  o += "   candidates: " + std::to_string(cands.size()) + " from the templates, " + std::to_string(alive) +
       " true in every sampled state, " + std::to_string(survivors.size()) + " tried after dropping the implied ones" +
       (cmd.use_lemmas ? " (+" + std::to_string(tm.lemmas.size()) + " of the spec)" : "") + "\n";
  if (narrow) {
    o += "   houdini at SEQ_BITS=" + std::to_string(narrow->bits) + " first (k=1): " + std::to_string(narrow->questions) +
         " Z3 questions (" + std::to_string(narrow->sat) + " sat, " + std::to_string(narrow->unsat) + " unsat), " +
         secs(narrow->seconds) + ": ";
    if (narrow->rounds > 1)
      o += std::to_string(narrow->rounds) + " rounds, " + std::to_string(narrow->weaker) +
           " weaker candidates added after the first; ";
    if (narrow->block_rounds > 0)
      o += std::to_string(narrow->blocking) + " lemmas blocking counterexamples to induction in " +
           std::to_string(narrow->block_rounds) + " of those rounds; ";
    if (narrow->complete && narrow->needed)
      o += std::to_string(narrow->inductive) + " of the " +
           std::to_string(narrow->tried + narrow->weaker + narrow->blocking) + " inductive there; the " +
           std::to_string(*narrow->needed) + " that the proofs of the " + std::to_string(*narrow->proved) +
           " invariants proved there need go on to SEQ_BITS=" + std::to_string(bits) + "\n";
    else if (narrow->complete)
      o += std::to_string(narrow->inductive) + " of the " +
           std::to_string(narrow->tried + narrow->weaker + narrow->blocking) +
           " inductive there go on to SEQ_BITS=" + std::to_string(bits) + "\n";
    else
      o += "stopped (" + narrow->stop_reason + "), all " + std::to_string(narrow->inductive) +
           " of its last round go on to SEQ_BITS=" + std::to_string(bits) + "\n";
  }
  o += "   houdini at SEQ_BITS=" + std::to_string(bits) + " (k=1): " + std::to_string(candidates.size()) + " tried, " +
       std::to_string(initially_false) + " false initially, " +
       (inf.complete ? std::to_string(inductive) + " lemmas inductive together with the proved invariants, "
                     : std::string("stopped before the set was inductive (nothing established), ")) +
       std::to_string(inf.z3_questions) + " Z3 questions (" + std::to_string(inf.z3_sat_answers) + " sat, " +
       std::to_string(inf.z3_unsat_answers) + " unsat), " + secs(houdini_seconds) + "\n";
  if (!inf.complete) o += "   STOPPED: " + inf.stop_reason + "\n";
  size_t w = 8;
  for (const auto& p : pm.properties) w = std::max(w, p.name.size());
  bool any_not_proved = false, unexpected = false;
  Json jprops = Json::array();
  for (size_t p = 0; p < pm.properties.size(); ++p) {
    if (!is_selected(p)) continue;
    const ir::Property& prop = pm.properties[p];
    std::string line = "   " + prop.name + std::string(w + 2 - prop.name.size(), ' ');
    Json jp = {{"name", prop.name}, {"expect", prop.expect_hold ? "hold" : "violation"}};
    if (prop.kind != ir::Property::Kind::Invariant) {
      o += line + "not judged (prove judges invariants)\n";
      jp["verdict"] = "not judged";
      jprops.push_back(jp);
      continue;
    }
    const bool failed_recheck = std::find(recheck_failed.begin(), recheck_failed.end(), prop.name) != recheck_failed.end();
    if (inf.property_proved[p] && !failed_recheck) {
      Json names = Json::array();
      std::string lst;
      for (int l : inf.support_lemmas[p]) {
        names.push_back(pm.lemmas[l].name);
        lst += (lst.empty() ? "" : ", ") + pm.lemmas[l].name;
      }
      std::string with_props;
      for (int q : inf.support_properties[p]) with_props += (with_props.empty() ? "" : ", ") + pm.properties[q].name;
      o += line + "PROVED (k=1) with " + std::to_string(inf.support_lemmas[p].size()) + " lemma(s)" +
           (with_props.empty() ? "" : " and the invariant(s) " + with_props) + (lst.empty() ? "" : ": " + lst) + "\n";
      if (!prop.expect_hold) {
        o += "     <-- NOT AS EXPECTED: the spec expects a violation\n";
        unexpected = true;
      }
      jp["verdict"] = "proved";
      jp["lemmas"] = names;
      Json jq = Json::array();
      for (int q : inf.support_properties[p]) jq.push_back(pm.properties[q].name);
      jp["with_invariants"] = jq;
    } else {
      any_not_proved = any_not_proved || prop.expect_hold;
      const std::string& note = inf.property_note[p];
      o += line + "not proved" + (failed_recheck ? " (the re-check did not confirm it)" : "") +
           (note.empty() ? "" : " (" + note + ")") + "\n";
      jp["verdict"] = "not proved";
      if (!note.empty()) jp["note"] = note;
      if (inf.cti[p]) {
        PropertyReport pr;
        pr.name = prop.name;
        pr.expression = property_expression(prop);
        pr.bound = 1;
        o += format_cti(sys, pr, *inf.cti[p]);
        jp["cti"] = trace_json(sys, *inf.cti[p]);
      }
    }
    jprops.push_back(jp);
  }
  o += "   minimal proof: " + std::to_string(proof.size()) +
       " lemma(s) (per proved invariant, the closure of unsat cores from it" +
       (cmd.minimize ? ", then every lemma it does without dropped: " + std::to_string(inf.minimize_questions) +
                           " Z3 questions"
                     : std::string(", not minimized further")) +
       ") of " + std::to_string(inductive) + " inductive\n";
  if (!proved_names.empty())
    o += std::string("   re-check from scratch (k-induction, k=1, only these lemmas): ") +
         (recheck_ok ? "every invariant above proved again" : "FAILED (internal error)") + ", " + secs(recheck_seconds) + "\n";
  o += "   time: sampling " + secs(sample_seconds) + ", houdini and cores " + secs(houdini_seconds) + " (" +
       (narrow ? "at SEQ_BITS=" + std::to_string(narrow->bits) + " " + secs(narrow->seconds) + "; " : std::string()) +
       "at SEQ_BITS=" + std::to_string(bits) + ": houdini " + secs(inf.houdini_seconds) + ", proofs " +
       secs(inf.proof_seconds) + ", counterexamples to induction " + secs(inf.cti_seconds) + "), re-check " +
       secs(recheck_seconds) + ", total " + secs(since(start)) + "\n";
  if (!proof.empty()) {
    o += "\n// the proof: paste these lemmas into " + cmd.spec + " (`tcpmc check --engine kind` re-checks them)\n";
    for (const auto& l : proof) o += (l.from_spec ? "// (the spec's) lemma " : "lemma ") + l.name + ": " + l.text + "\n";
  }
  out << o;

  if (!cmd.proof_path.empty())
    if (auto e = write_output(cmd.proof_path, proof_text, out_stream, err)) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
    }
  if (!cmd.json_path.empty()) {
    Json js = Json::array();
    for (const auto& s : samples)
      js.push_back({{"bounds", s.bounds}, {"states", s.states}, {"projections", s.projections},
                    {"complete", s.complete}, {"seconds", s.seconds},
                    {"candidates_alive", s.alive_after}});
    Json jl = Json::array();
    for (const auto& l : proof) jl.push_back({{"name", l.name}, {"expression", l.text}, {"from_spec", l.from_spec}});
    if (walks)
      js.push_back({{"bounds", walks->bounds}, {"states", walks->states}, {"complete", false}, {"seconds", walks->seconds},
                    {"candidates_alive", walks->alive_after}});
    Json j = {{"spec", cmd.spec},
              {"seq_bits", bits},
              {"samples", js},
              {"candidates", cands.size()},
              {"true_in_samples", alive},
              {"tried", survivors.size()},
              {"initially_false", initially_false},
              {"inductive", inductive},
              {"z3_questions", inf.z3_questions},
              {"z3_sat_answers", inf.z3_sat_answers},
              {"z3_unsat_answers", inf.z3_unsat_answers},
              {"complete", inf.complete},
              {"narrow", narrow ? Json{{"seq_bits", narrow->bits},
                                       {"tried", narrow->tried},
                                       {"inductive", narrow->inductive},
                                       {"complete", narrow->complete},
                                       {"rounds", narrow->rounds},
                                       {"weaker", narrow->weaker},
                                       {"block_rounds", narrow->block_rounds},
                                       {"blocking", narrow->blocking},
                                       {"z3_questions", narrow->questions},
                                       {"proved", narrow->proved ? Json(*narrow->proved) : Json()},
                                       {"needed", narrow->needed ? Json(*narrow->needed) : Json()},
                                       {"seconds", narrow->seconds}}
                                : Json()},
              {"properties", jprops},
              {"proof", jl},
              {"recheck_ok", recheck_ok},
              {"seconds", {{"sampling", sample_seconds}, {"houdini", houdini_seconds},
                           {"target_houdini", inf.houdini_seconds}, {"target_proofs", inf.proof_seconds},
                           {"target_ctis", inf.cti_seconds}, {"recheck", recheck_seconds},
                           {"total", since(start)}}}};
    if (auto e = write_output(cmd.json_path, json_text(j, 2) + "\n", out_stream, err)) {
      err << "tcpmc: error: " << *e << "\n";
      status.bad_input = true;
    }
  }
  if (!recheck_ok || inf.replay_failed) status.internal = true;
  if (unexpected) status.unexpected = true;
  if (any_not_proved || !inf.complete) status.inconclusive = true;
  return status.code();
}

}  // namespace tcpmc
