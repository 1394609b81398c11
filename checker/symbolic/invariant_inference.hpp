// Inductive invariant inference, the Z3 half of `tcpmc prove` (DistAI-style): given a model whose
// lemmas are candidate invariants (already filtered on sampled reachable states), keeps the
// largest subset that, with the selected invariant properties, is inductive at k = 1 (Houdini),
// and says which lemmas each proved property needs (closure of unsat cores).
//
// Soundness: a goal is kept only if it holds in every initial state (BMC at depth 0) and holds
// after any one step from any well-formed state where every kept goal holds (Z3 answers unsat
// for the whole set and every action of the relation); nothing false can survive, since a false
// goal fails at some reachable step and then, at the first such step, in a state where all kept
// goals still hold. Cost: one solver over a free state and one transition; each Houdini question
// ("can any kept goal fail after this action?", one action at a time) that is sat drops every goal
// its model refutes (asked of the incremental solver, or of a bit-blasted one of its own:
// InferenceOptions::bit_blasted_questions); each support query is one more unsat answer. The
// caller re-checks the proof it prints from scratch (k-induction, k = 1).
// Between Z3's models, the concrete successors of each model's pre-state refute what they can
// (successor_refuter.hpp): the same greatest inductive subset, in fewer Z3 rounds. With several
// workers (InferenceOptions::workers) the Houdini questions are shared out by action; the
// unsat cores and the counterexamples to induction come after, on one solver that took no part
// in Houdini, and the minimization on the workers' solvers, a batch of questions at a time.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiled_system.hpp"
#include "trace.hpp"

namespace tcpmc {

// How Houdini may refute candidates besides Z3's models.
struct InferenceOptions {
  // After each model, the concrete successors of its pre-state (successor_refuter.hpp) refute
  // every goal false in one of them; at most this many states expanded per round (0: off).
  size_t successor_states = 8192;
  // ... and about as much work as Z3's answer took: one state per this many of Z3's resource
  // units for the question (KInduction::last_effort; on this machine a state takes about the
  // time of 60), at least kMinSuccessorStates (0: successor_states always). Deterministic: the
  // same budgets for the same questions.
  size_t effort_per_successor = 60;
  static constexpr size_t kMinSuccessorStates = 256;
  // ... and, when the states reachable from it inside the set run out, from visited states with
  // one to three slots changed (well formed and satisfying the set).
  bool mutate = true;
  // One Z3 question per action of the transition relation (kinduction.hpp) rather than one for
  // the whole relation: the same inductive set. For every question (Houdini's, the cores, the
  // minimization's, the counterexamples to induction).
  bool per_action = false;
  // Each Houdini question of its own bit-blasted solver (KInduction::set_bit_blasted_questions),
  // one per action (whatever per_action says): the same inductive set; much faster than the
  // incremental solver's questions, and per action than per share of the actions (at 32 bits a
  // question about one action takes tens of milliseconds, one about half of them seconds).
  bool bit_blasted_questions = false;
  // Houdini's workers (houdini_board.hpp): each asks about its share of the actions, with a copy
  // of the problem of its own (a Z3 context and the encoding: memory and set-up time per worker),
  // on a thread of its own. The same inductive set for any number (the greatest one); the
  // questions asked, and the figures below, depend on how the answers interleave.
  size_t workers = 1;
  // Z3's resource limit for each support (unsat core) query (0: none).
  unsigned support_rlimit = 0;
  // Per proved property, the lemmas that suffice (InferenceResult::support_lemmas, from unsat
  // cores). Without (when only the inductive set is wanted): property_proved says the property
  // is in the inductive set, and the supports stay empty.
  bool proofs = true;
  // After the closure of unsat cores, drop each lemma the proof does without (one Houdini over
  // the rest per lemma): a proof from which no single lemma can be removed.
  bool minimize_support = true;
  // Per selected invariant not proved, a counterexample to induction (InferenceResult::cti).
  bool property_ctis = true;
  // Per lemma (empty: none): when it is not in the inductive set, a counterexample to induction
  // for it relative to that set (InferenceResult::lemma_cti).
  std::vector<uint8_t> lemma_cti;
  // Per lemma and per property (empty: none): in a set known to be inductive by itself at this
  // relation (what a previous Houdini kept, InferenceResult::lemma_inductive and
  // property_inductive). They are assumed with the candidates but not asked again: only the
  // others are. The same result, since the greatest inductive subset of a set containing an
  // inductive one contains it; wrong if the set is not inductive, which the caller vouches for.
  std::vector<uint8_t> known_lemmas, known_properties;
};

struct InferenceResult {
  // Per lemma of the model: false in some initial state; in the inductive set.
  std::vector<uint8_t> lemma_initially_false, lemma_inductive;
  // Per property (selected invariants only; others stay 0): proved by the inductive set.
  std::vector<uint8_t> property_proved;
  // Per property: in the inductive set (proved, or with a property_note why not).
  std::vector<uint8_t> property_inductive;
  // Per proved property: the lemmas (indices into model.lemmas) that suffice, with the proved
  // properties they rely on (indices into model.properties): together inductive.
  std::vector<std::vector<int>> support_lemmas, support_properties;
  // Per property: why an invariant of the inductive set is still not proved (its support
  // queries did not answer unsat), or empty.
  std::vector<std::string> property_note;
  // Per selected invariant not proved: a counterexample to induction relative to the whole
  // inductive set (replayed; nullopt when it did not replay, then replay_failed is set).
  std::vector<std::optional<Trace>> cti;
  // Per lemma asked for (InferenceOptions::lemma_cti) and not inductive: the same, if Z3 gave one.
  std::vector<std::optional<Trace>> lemma_cti;
  unsigned z3_questions = 0;
  // Z3 questions of the minimization, with the parallel ones a drop made moot and the cores asked
  // again after a drop (not in z3_questions); the members of the closures of cores it dropped.
  unsigned minimize_questions = 0, minimize_dropped = 0;
  bool complete = true;     // false when Z3 gave up or the run was interrupted
  std::string stop_reason;
  bool replay_failed = false;
  // Where the goals went and the time went: dropped by Z3's models, by concrete successors;
  // seconds in Z3's Houdini queries, in the successor search; successor search effort (all
  // summed over the workers: seconds of their threads, not of the clock).
  size_t dropped_by_z3 = 0, dropped_by_successors = 0;
  double z3_seconds = 0, successor_seconds = 0;
  // Wall-clock seconds: the base case and Houdini; then the proofs (cores and minimization);
  // then the counterexamples to induction.
  double houdini_seconds = 0, proof_seconds = 0, cti_seconds = 0;
  // Z3's answers to the Houdini questions: sat (a model refuting goals), unsat.
  unsigned z3_sat_answers = 0, z3_unsat_answers = 0;
  size_t successor_states_expanded = 0, successor_states_evaluated = 0, successor_disagreements = 0, successor_mutants = 0;
};

// `selected` (per property, empty = all) limits the properties judged; only invariants are.
// `progress`, when given, is called (from this thread) after each Houdini round with the round
// and the goals left.
InferenceResult infer_inductive_invariant(const CompiledSystem& sys, const std::vector<uint8_t>& selected,
                                          const std::function<void(unsigned, size_t)>& progress = {},
                                          const InferenceOptions& options = {});

}  // namespace tcpmc
