// Houdini's cheap half (invariant_inference.hpp): from a state that satisfies every goal of the
// current set (the pre-state of a Z3 model of "some goal fails after one step"), the concrete
// successors (engine/wide_moves.hpp, the explicit semantics at the target SEQ_BITS) refute every
// goal false in one of them, without another Z3 query. A successor that, with those goals gone,
// satisfies the rest is itself such a state, so the search goes on from it (breadth-first, at most
// `max_expanded` states per call, or a smaller budget). When those run out, optionally
// (set_mutate) from a state visited with one to three slots changed, if that is well formed as the
// induction step's free state must be (Unroller::well_formed, mirrored here) and satisfies the
// set: Z3 could have chosen it.
//
// Soundness: each goal dropped has a witness, a state satisfying every goal still in the set
// (hence every goal of the greatest inductive subset) and a transition of the model to a state
// where the goal is false; so it is in no inductive subset of the set, and Houdini's answer (the
// greatest one) is the same with or without this. A pre-state that the concrete evaluation does not
// find satisfying the whole set (the two semantics would disagree) refutes nothing. The goals
// are evaluated by the explicit engine's bytecode: the model's properties, then its lemmas as
// further invariants.
// Cost: per expanded state, its moves (WideMoves) and, per successor not seen before, the goals
// still in the set that read a slot the move changed (CompiledSystem::property_reads; the others
// held in the state expanded, so they hold in the successor too).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "compiled_system.hpp"
#include "symbolic_problem.hpp"

namespace tcpmc::symbolic {

class SuccessorRefuter {
 public:
  // `sys` is the system Z3 encodes (its lemmas are the candidates); the refuter keeps a copy of its
  // model with the lemmas as properties, for the evaluation.
  SuccessorRefuter(const CompiledSystem& sys, size_t max_expanded);
  ~SuccessorRefuter();
  // `set` without the goals the search from `pre` refutes (order kept). `extra_seq`: sequence
  // numbers to try as wide call parameters besides the state's own (a Z3 model's choices).
  // `budget`: at most that many states expanded (and never more than `max_expanded`).
  std::vector<Goal*> refine(const std::vector<int32_t>& pre, const std::vector<Goal*>& set,
                            const std::vector<int32_t>& extra_seq = {}, size_t budget = SIZE_MAX);
  // Goals of `set` false in `state` (a state that a run reaches, or one satisfying a set that
  // includes them): for a pre-filter over known states.
  std::vector<uint8_t> false_in(const int32_t* state, const std::vector<Goal*>& set) const;

  size_t expanded() const { return expanded_; }         // states expanded so far, all calls
  size_t evaluated() const { return evaluated_; }       // successors evaluated so far
  size_t disagreements() const { return disagree_; }    // pre-states the evaluation rejected
  size_t mutants() const { return mutants_; }           // changed states searched from
  // Also search from visited states with one to three slots changed (well formed, satisfying the set).
  void set_mutate(bool on) { mutate_ = on; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t max_expanded_;
  size_t expanded_ = 0, evaluated_ = 0, disagree_ = 0, mutants_ = 0;
  bool mutate_ = false;
  bool holds(const Goal* g, const int32_t* state) const;
};

}  // namespace tcpmc::symbolic
