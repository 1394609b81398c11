// Compact code for guards and effects, and the interpreter that runs it on an unpacked state.
//
// Contract: run() never allocates and never throws; it uses a fixed stack (the compiler bounds
// expression depth) and reports a model error (value out of range, division by zero, 64-bit
// signed overflow of + - * / % or unary -) through its status, leaving the state partly updated
// (callers work on a copy). Sequence-number arithmetic wraps modulo 2^n by definition and is
// never an overflow.
//
// Sequence numbers of up to 32 bits: a slot, segment field or parameter of type seq holds the
// value's bit pattern in an int32 (at 32 bits, 2^31..2^32-1 read back negative). The compiler
// zero-extends every load of a seq value (a Mask after it) when that can happen, so that on the
// 64-bit stack a seq is always 0..2^n-1.
#pragma once
#include <cstdint>
#include <vector>

#include "limits.hpp"
#include "source.hpp"
#include "state_layout.hpp"

namespace tcpmc {

enum class Opc : uint8_t {
  Const,      // push a
  Load,       // push state[a]
  LoadOld,    // push old_state[a] (a monitor's old(): the state before the transition)
  LoadSeg,    // push seg[a]
  LoadParam,  // push params[a]
  Not, Neg, Add, Sub, Mul, Div, Mod,
  SeqAdd, SeqSub, SeqLt, SeqLe,  // b = mask (2^n - 1 as a uint32 bit pattern: -1 at n = 32)
  Lt, Le, Eq, Ne,
  JumpIfFalseKeep,  // if top == 0 jump to a (keep top) else pop
  JumpIfTrueKeep,   // if top != 0 jump to a (keep top) else pop
  JumpIfFalse,      // pop; if 0 jump to a
  Jump,             // jump to a
  Store,            // pop into state[a], range-checked against b..c
  StoreSeq,         // pop into state[a] & b (b as uint32; at 32 bits the slot holds the bit pattern)
  Send,             // pop c field values (first field deepest) into channel whose count slot is a, capacity b;
                    // into a full channel the segment is dropped (recorded in ExecContext::overflow);
                    // at most kMaxSends per run
  TimerSet,         // state[a] = b
  Check,            // top must lie in a..b (model error otherwise); keeps it
  Mask,             // top &= b (b as uint32: with b = -1, zero-extends a 32-bit seq pattern)
  Halt,
};

struct Instr {
  Opc op;
  int32_t a = 0, b = 0, c = 0;
};

enum class ExecStatus : uint8_t { Ok, RangeError, DivByZero, Overflow };

struct ExecContext;
// The same code compiled to machine code (checker/native/): it does exactly what run_code does
// on the instructions, status, error_pc and error_value included, and returns the ExecStatus.
using NativeCode = ExecStatus (*)(ExecContext*);

struct Code {
  std::vector<Instr> instrs;
  std::vector<SourceRange> ranges;  // per instruction, for model-error messages
  int max_stack = 0;
  NativeCode native = nullptr;  // when set, run_code calls it instead of interpreting
};

constexpr int kStackSize = 256;

struct ExecContext {
  int32_t* state = nullptr;
  const int32_t* old_state = nullptr;  // for LoadOld: the state the transition started from
  const int32_t* seg = nullptr;
  const int32_t* params = nullptr;
  int32_t result = 0;
  // Filled by Send: the segments this step put on the wire (fields then age 0); all of them, as
  // the type checker bounds the sends per firing by kMaxSends (limits.hpp).
  int nsent = 0;
  int32_t sent[kMaxSends][kMaxSegFields + 1];
  uint8_t overflow = 0;  // bit i: sent[i] found its channel full and was dropped
  static_assert(kMaxSends <= 8, "overflow has one bit per segment sent");
  // On a model error: the failing instruction and the offending value.
  int error_pc = -1;
  int64_t error_value = 0;
};

// The state slots `code` loads (its Load instructions' operands: no load is indirect), sorted and
// without repeats. Code that only loads (a predicate) gives the same result on two states that
// agree on these slots.
std::vector<int> loaded_slots(const Code& code);

// Interprets `code`, whether or not it has native code (the reference semantics).
ExecStatus interpret(const Code& code, ExecContext& ctx);
// Runs `code` on ctx: natively when code.native is set, by interpretation otherwise (inline: it is
// called for every guard, body and predicate of every state).
inline ExecStatus run_code(const Code& code, ExecContext& ctx) {
  return code.native ? code.native(&ctx) : interpret(code, ctx);
}

}  // namespace tcpmc
