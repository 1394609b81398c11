// The Z3 meaning of the typed IR's expressions and statements, exactly as model/LANGUAGE.md
// defines them and the bytecode interpreter runs them: 64-bit signed integers whose overflow,
// division by zero and out-of-range stores are model errors; sequence numbers modulo
// 2^SEQ_BITS with RFC 9293's comparisons; `&&`, `||`, `->` and `if then else` evaluate their
// operands only when the interpreter would (a model error in an operand not evaluated is none).
//
// A rule body is executed symbolically: statements update a StateVec (stored slots), an `if`
// runs both branches and merges them with ite, a `send` appends to the sender's channel as the
// interpreter does (into a full channel: dropped and flagged for the loss budget). Every model
// error is collected into one condition (`error`) under the path condition that reaches it.
#pragma once
#include <optional>
#include <vector>

#include "state_vars.hpp"

namespace tcpmc::symbolic {

// One segment a firing may send: on the path where `guard` holds, with these field values (in
// the model's field order); `overflow`: its channel was full, so it was dropped.
struct SentSegment {
  z3::expr guard;
  std::vector<Val> fields;
  z3::expr overflow;
};

struct ExecEnv {
  StateVec* state = nullptr;       // read and written by the code (a guard only reads it)
  const StateVec* old = nullptr;   // the state before the transition (old(), monitors)
  const std::vector<Val>* seg = nullptr;     // the segment `s` (or the one a send monitor sees)
  const std::vector<Val>* params = nullptr;  // a call's parameters
  int ep = -1;    // the acting endpoint; -1 in a property
  int rule = -1;  // the firing rule (`rule == NAME` in monitors)
};

class IrSemantics {
 public:
  explicit IrSemantics(const SlotCodec& codec);

  // The value of e, adding to `error` what makes its evaluation fail under path condition pc.
  Val eval(const ir::Expr& e, const ExecEnv& env, const z3::expr& pc, z3::expr& error) const;
  // Runs statements on env.state under pc; sends are appended to `sent` in program order.
  void exec(const std::vector<ir::Stmt>& body, const ExecEnv& env, const z3::expr& pc, z3::expr& error,
            std::vector<SentSegment>& sent) const;

  const SlotCodec& codec() const { return codec_; }

 private:
  const SlotCodec& codec_;
  z3::context& c_;
  const ir::Model& m_;
  const StateLayout& L_;

  Val eval_in(const ir::Expr& e, const ExecEnv& env, bool old, const z3::expr& pc, z3::expr& error) const;
  int endpoint(const ir::Expr& e, const ExecEnv& env) const;
  void assign(int slot, const Val& v, const ExecEnv& env, const z3::expr& pc, z3::expr& error) const;
  void send(const ir::Stmt& s, const ExecEnv& env, const z3::expr& pc, z3::expr& error,
            std::vector<SentSegment>& sent) const;
};

}  // namespace tcpmc::symbolic
