// The symbolic engine: Z3 over the typed IR (only this library links Z3), behind the Engine
// interface. Two modes:
//   Bmc:  bounded model checking to EngineLimits::max_depth. An invariant or stuck property
//         violated within it gets its shortest counterexample (Violated); otherwise it "holds up
//         to depth K" (Holds, Basis::Bounded). A reachable property gets its shortest witness,
//         or is "not reached up to depth K" (Inconclusive, Bounded).
//   KInduction: for k = 1..max_depth, the base case (BMC to depth k-1) and the induction step
//         for all open invariants, stuck properties and the spec's lemmas together; a goal proved
//         at k is "holds (proved, k)" and is assumed from then on. A goal still open at the end is
//         "unknown (not k-inductive at k)" with a counterexample to induction.
// Temporal properties and Figure 5 coverage are not judged (Basis::NotChecked). Every run Z3
// finds is decoded and replayed through the CompiledSystem before it is returned; one that does
// not replay sets EngineResult::replay_failed and is not shown. Z3 is deterministic for one
// input, so a spec and options give the same verdicts and traces on every run.
#pragma once
#include "engine.hpp"

namespace tcpmc {

class SymbolicEngine : public Engine {
 public:
  enum class Mode { Bmc, KInduction };
  SymbolicEngine(const CompiledSystem& sys, Mode mode) : sys_(sys), mode_(mode) {}
  const char* name() const override { return mode_ == Mode::Bmc ? "bmc" : "kind"; }
  EngineResult check(const EngineLimits& limits) override;

 private:
  const CompiledSystem& sys_;
  Mode mode_;
};

}  // namespace tcpmc
