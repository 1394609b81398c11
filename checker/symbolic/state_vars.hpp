// The symbolic copy of one state: one Z3 bit-vector per slot of the StateLayout, so that a Z3
// model decodes slot by slot into exactly the int32 state the explicit engine would hold.
//
// A slot is stored as its value minus the slot's lower bound, in max(1, bits) bits (the layout's
// packing, without the words). Sequence-number slots hold the number itself in SEQ_BITS bits (a
// 32-bit sequence number is held by the explicit engine as its bit pattern in an int32). Values
// are read and written through SlotCodec, which knows each slot's IR kind: Bool, Int (compared
// and computed as signed bit-vectors wide enough for every value, like the interpreter's 64 bits) or Seq.
// The unroller (Unroller) makes the copy of the state at each step: step 0 is the initial state
// as constants (BMC) or free constants (an induction step); each later step is fresh constants
// named "s<i>.<slot name>" that the transition relation equates with what the step computes.
// (Substituting the computed values instead, functional unrolling, made BMC on rfc9293 slower:
// the terms grow with the depth.) It is the only place that makes state variables.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <z3++.h>

#include "compiled_system.hpp"

namespace tcpmc::symbolic {

enum class ValKind : uint8_t { Bool, Int, Seq };

// A value of an IR expression: Bool is a Z3 Boolean; Int a SlotCodec::int_bits() bit-vector (signed); Seq a
// SEQ_BITS-wide bit-vector (unsigned, modulo 2^SEQ_BITS).
struct Val {
  z3::expr e;
  ValKind kind;
};

// The kind of value of an IR type.
ValKind kind_of(const ir::Type& t);

// What a slot holds and how it is stored.
struct SlotInfo {
  ValKind kind = ValKind::Int;
  unsigned width = 1;  // bits of the stored bit-vector
  int64_t lo = 0, hi = 0;
};

class SlotCodec {
 public:
  SlotCodec(z3::context& ctx, const CompiledSystem& sys);

  z3::context& ctx() const { return ctx_; }
  const CompiledSystem& system() const { return sys_; }
  int num_slots() const { return static_cast<int>(slots_.size()); }
  const SlotInfo& slot(int i) const { return slots_[i]; }
  unsigned seq_bits() const { return seq_bits_; }

  // The value a stored slot holds, and the stored form of a value (the caller has checked the range).
  Val load(int slot, const z3::expr& stored) const;
  z3::expr store(int slot, const Val& v) const;
  // The stored form of a concrete int32 slot value, and back (from a Z3 numeral).
  z3::expr stored_constant(int slot, int32_t value) const;
  int32_t decode(int slot, uint64_t stored) const;
  // lo <= value <= hi, for stored bit-vectors whose width admits more values than the range.
  z3::expr in_range(int slot, const z3::expr& stored) const;
  // Strict order of two stored slots as the explicit engine compares int32 slots (channels are
  // kept sorted by it under reordering).
  z3::expr less(int slot, const z3::expr& a, const z3::expr& b) const;
  // Record p+1 of channel ch orders before record p, lexicographically over (fields..., age) as
  // the explicit engine sorts channels under reordering.
  z3::expr next_record_less(const std::vector<z3::expr>& s, int ch, int p) const;

  // The fields of record `pos` of channel `chan` in state s, in the model's field order, and then
  // its age when with_age.
  std::vector<Val> segment_at(const std::vector<z3::expr>& s, int chan, int pos, bool with_age = false) const;

  // Conversions between value kinds (as the interpreter does: a seq read as an int is its number
  // 0..2^n-1; an int stored as a seq is reduced modulo 2^n).
  z3::expr as_int(const Val& v) const;
  z3::expr as_seq(const Val& v) const;
  z3::expr as_bool(const Val& v) const;
  z3::expr int_const(int64_t v) const { return ctx_.bv_val(v, int_bits_); }
  // The width of Int values: 64, as the interpreter computes, or fewer bits when an interval
  // analysis of the model shows that every integer it computes fits (then the results, and the
  // absence of overflow, are the same).
  unsigned int_bits() const { return int_bits_; }
  z3::expr int_min() const { return int_const(int_bits_ == 64 ? INT64_MIN : -(int64_t{1} << (int_bits_ - 1))); }

 private:
  z3::context& ctx_;
  const CompiledSystem& sys_;
  std::vector<SlotInfo> slots_;
  unsigned seq_bits_ = 1;
  unsigned int_bits_ = 64;
};

// The state at one step: a stored bit-vector per slot.
using StateVec = std::vector<z3::expr>;

class Unroller {
 public:
  // Step 0 is the model's initial state (as constants) when from_initial, else free variables.
  Unroller(const SlotCodec& codec, bool from_initial);
  size_t size() const { return frames_.size(); }
  const StateVec& frame(size_t i) const { return frames_[i]; }
  // The state after one more step: fresh constants "s<i>.<slot name>", which the transition
  // relation equates with the values the step computes.
  const StateVec& push();
  // The slots' range constraints and the shape of the channels (counts within capacity, unused
  // records zero, records sorted under reordering): true of every state the model can be in,
  // assumed of the free state an induction step starts from.
  z3::expr well_formed(const StateVec& s) const;

 private:
  const SlotCodec& codec_;
  std::deque<StateVec> frames_;  // a deque: references to earlier steps stay valid
};

}  // namespace tcpmc::symbolic
