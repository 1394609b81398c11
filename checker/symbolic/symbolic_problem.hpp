// What BMC and k-induction share for one run: the Z3 context and the slot codec; and what each of
// them owns, an Unrolling (the states of its steps and the transition relation between them),
// on which a goal (a safety property or lemma a symbolic engine judges) is "bad" or "good" at a step.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <z3++.h>

#include "transition_relation.hpp"

namespace tcpmc::symbolic {

struct Goal {
  int property = -1;  // index into model.properties; -1 for a lemma
  int lemma = -1;     // index into model.lemmas
  ir::Property::Kind kind = ir::Property::Kind::Invariant;
  const ir::Property* decl = nullptr;  // null for the model-error goal
  // The pseudo-goal "no step fails with a model error" (BMC only), which the explicit engine
  // reports as a model error.
  bool model_error = false;
  // Found (a violation, or a reachable property's witness) or settled (proved, or given up).
  bool open = true;
};

// The steps of one unrolling, from the initial state (BMC) or from a free state (induction).
struct Unrolling {
  Unrolling(const SlotCodec& codec, bool from_initial) : unroller(codec, from_initial), relation(codec, unroller) {}
  Unroller unroller;
  TransitionRelation relation;
  // Invariant: the expression fails at step i. Stuck: no move is possible and it fails.
  // Reachable: the expression holds (the witness BMC looks for).
  z3::expr bad(const Goal& g, size_t i);
  // What an induction step assumes of an invariant or stuck goal at step i (its negation is bad).
  z3::expr good(const Goal& g, size_t i);
};

class SymbolicProblem {
 public:
  explicit SymbolicProblem(const CompiledSystem& sys) : sys_(sys), codec_(ctx_, sys) {}

  z3::context& ctx() { return ctx_; }
  const CompiledSystem& system() const { return sys_; }
  const SlotCodec& codec() const { return codec_; }
  // Some call has more parameter values than a stuck property's formula enumerates.
  bool wide_parameters() const;
  // A solver for quantifier-free bit-vectors (bit-blasting, incremental SAT), or one that takes
  // quantifiers (a stuck property over wide parameters).
  z3::solver make_solver(bool quantifiers);

 private:
  z3::context ctx_;
  const CompiledSystem& sys_;
  SlotCodec codec_;
};

}  // namespace tcpmc::symbolic
