// What BMC and k-induction share for one run: the Z3 context, the slot codec, the one unroller,
// the one transition relation, and the goals (the safety properties and lemmas a symbolic engine
// judges), each with its "bad at step i" and "good at step i" formulas.
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
  const ir::Property* decl = nullptr;
  // Found (a violation, or a reachable property's witness) or settled (proved, or given up).
  bool open = true;
};

class SymbolicProblem {
 public:
  explicit SymbolicProblem(const CompiledSystem& sys);

  z3::context& ctx() { return ctx_; }
  const CompiledSystem& system() const { return sys_; }
  SlotCodec& codec() { return codec_; }
  Unroller& unroller() { return unroller_; }
  TransitionRelation& relation() { return relation_; }

  // Invariant: the expression fails at step i. Stuck: no move is possible and it fails.
  // Reachable: the expression holds (the witness BMC looks for).
  z3::expr bad(const Goal& g, size_t i);
  // What an induction step assumes of an invariant or stuck goal at step i (its negation is bad).
  z3::expr good(const Goal& g, size_t i);
  // A solver for these goals: quantifier-free bit-vectors (bit-blasting, incremental SAT), unless
  // a stuck goal must quantify over a call's sequence-number parameter.
  z3::solver make_solver(const std::vector<Goal>& goals);

 private:
  z3::context ctx_;
  const CompiledSystem& sys_;
  SlotCodec codec_;
  Unroller unroller_;
  TransitionRelation relation_;
};

}  // namespace tcpmc::symbolic
