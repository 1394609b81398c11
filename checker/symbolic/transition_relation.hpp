// The transition relation between the states at steps i and i+1, built from the typed IR with
// exactly the explicit engine's semantics (model/compiled_system.hpp): application calls with
// their parameters as free variables; the arrival of any segment in flight (the oldest without
// reordering) taken by the first `recv` rule whose guard holds, or consumed unhandled; expired
// timers' timeouts; loss and duplication within their budgets; and the tick, only when no timer
// has expired, no segment has reached MSL, and it changes something. Monitors run after the
// rule that fired, sends into a full channel are charged to the loss budget (blocked once it is
// spent), and a transition whose evaluation hits a model error is not taken.
//
// Each step is a choice among Actions (one per rule instance, arrival position and matching
// rule, fault position, tick), selected by a bit-vector `act<i>`. The Actions of step i are
// built once and kept: BMC and k-induction share them, the decoder reads which one was taken
// and with what parameters, and a stuck property asks whether any of them can fire.
#pragma once
#include <memory>
#include <vector>

#include "ir_semantics.hpp"

namespace tcpmc::symbolic {

struct Action {
  Label::Kind kind = Label::Kind::Tick;
  int ep = 0;     // acting endpoint, or the channel's sender (loss, duplication)
  int inst = -1;  // rule instance (call, recv, timeout)
  int pos = -1;   // segment position (arrival, loss, duplication)
  z3::expr fires;    // it is a transition of the model from this state
  z3::expr blocked;  // only a full channel with the loss budget spent stops it
  z3::expr fails;    // evaluating it hits a model error (its guard, body or monitors)
  StateVec next;
  std::vector<z3::expr> params;  // the call's parameters (as 64-bit or SEQ_BITS-wide constants)
  std::vector<ValKind> param_kinds;
};

struct Step {
  std::vector<Action> actions;
  z3::expr selector;  // which action step i takes
  z3::expr relation;  // state(i+1) is the successor of state(i) by the selected action
};

class TransitionRelation {
 public:
  TransitionRelation(const SlotCodec& codec, Unroller& unroller);

  // Step i: the actions from state(i), and the relation to state(i+1) (built on first use, which
  // also makes state(i+1)).
  const Step& step(size_t i);
  // The state at step i (the steps before it are built as needed).
  const StateVec& state(size_t i);
  // Some move is possible from state(i) (a transition, or one that only the capacity blocks):
  // the parameters of step i are free, so this is existential.
  z3::expr can_move(size_t i);
  // No move is possible from state(i), whatever the parameters: small parameter domains are
  // enumerated, larger ones (sequence numbers) universally quantified.
  z3::expr stuck(size_t i);
  // Some action of step i fails with a model error (the explicit engine reports one then).
  z3::expr fails(size_t i);
  // Some formula made so far has a quantifier (a solver for quantifier-free bit-vectors won't do).
  bool quantified() const { return quantified_; }
  static constexpr uint64_t kMaxEnumerated = 256;
  // The number of parameter value combinations of a rule, or kMaxEnumerated + 1 if more.
  static uint64_t parameter_combinations(const ir::Rule& rule);
  // A state predicate (a property's or a lemma's expression) on a state: it holds, and its
  // evaluation does not fail.
  z3::expr predicate(const ir::Expr& e, const StateVec& s) const;

  const SlotCodec& codec() const { return codec_; }
  const IrSemantics& semantics() const { return sem_; }

 private:
  const SlotCodec& codec_;
  IrSemantics sem_;
  Unroller& unroller_;
  std::vector<std::unique_ptr<Step>> steps_;
  std::vector<ir::Stmt> monitor_stmts_;  // per monitor: if GUARD { BODY }
  bool quantified_ = false;

  std::vector<Action> actions_from(const StateVec& s, const std::string& tag) const;
  // `reached`: the action is tried (its preconditions hold and, for an arrival, no earlier rule
  // took the segment); `guard`: its guard holds; `guard_error`: evaluating the guards so far failed.
  void add_rule_action(std::vector<Action>& out, int inst, const StateVec& s, const std::vector<Val>* seg,
                       const StateVec& start, const z3::expr& reached, const z3::expr& guard,
                       const z3::expr& guard_error, Label::Kind kind, int pos, std::vector<z3::expr> params,
                       std::vector<ValKind> kinds) const;
  void run_monitors(int inst, const ExecEnv& env, const std::vector<Val>* seg, const std::vector<SentSegment>& sent,
                    z3::expr& error) const;
  void remove_segment(StateVec& s, int chan, int pos) const;
  void canonicalize(StateVec& s) const;
};

}  // namespace tcpmc::symbolic
