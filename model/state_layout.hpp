// The packed state layout shared by every engine and output format.
//
// A state is a fixed array of int32 "slots" while an engine works on it (unpacked), and a fixed
// number of 64-bit words when it is stored (packed). Slots, in order:
//   endpoint variables of A, then of B; global ghost variables; timers of A, then of B;
//   the loss and duplication budgets used so far; then each channel (A→B, B→A): a count and
//   `capacity` segment records of (fields..., age). Unused segment records are all zero, and with
//   reordering on, records are kept sorted, so equal states pack to equal words.
// Timer slots encode 0 = stopped, 1 = expired, k >= 2 = running with k-2 ticks left.
// A slot never straddles two words, so packing is one shift and one or per slot. A slot is 0 to 64
// bits wide (a slot whose range has one value takes none); a slot holds value - lo, computed
// modulo 2^64 and cut to the slot's bits, so that any range is packed without overflow, and a
// 32-bit seq held as a negative int32 pattern (bytecode.hpp) packs to its 32 bits.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir.hpp"

namespace tcpmc {

constexpr int kMaxSegFields = 24;
constexpr int kTimerStopped = 0;
constexpr int kTimerExpired = 1;
constexpr int kTimerBias = 2;

// The value that a slot, segment field or parameter of type t holding `v` stands for: a seq of
// 32 bits is kept as its bit pattern in an int32 (bytecode.hpp) and is the unsigned value
// 0..2^32-1; every other value is v itself. Whatever shows a value (traces, JSON, charts) reads it so.
inline int64_t typed_value(const ir::Type& t, int32_t v) {
  return t.kind == ir::Type::Kind::Seq ? int64_t{static_cast<uint32_t>(v)} : int64_t{v};
}

struct Slot {
  std::string name;
  int64_t lo = 0, hi = 0;
  uint8_t bits = 0;
  uint16_t word = 0;
  uint8_t shift = 0;
};

class StateLayout {
 public:
  StateLayout(const ir::Model& m, const ir::FaultBudget& faults);

  int num_slots() const { return static_cast<int>(slots_.size()); }
  int num_words() const { return words_; }
  const Slot& slot(int i) const { return slots_[i]; }

  int ep_var(int ep, int var) const { return ep_base_[ep] + var; }
  int global_var(int g) const { return global_base_ + g; }
  int timer(int ep, int t) const { return timer_base_[ep] + t; }
  int num_timers() const { return n_timers_; }
  int loss_slot() const { return loss_slot_; }
  int dup_slot() const { return dup_slot_; }
  // The run's loss (kind 0, ir::FaultBudget::loss_cap(): kMaxFaultBudget under unbounded loss) or
  // duplication (kind 1) budget: `loss_left()` is this minus the slot (never counted when unbounded).
  int fault_budget(int kind) const { return budget_[kind]; }
  int chan_count(int c) const { return chan_base_[c]; }
  int seg_base(int c, int pos) const { return chan_base_[c] + 1 + pos * stride_; }
  int seg_stride() const { return stride_; }       // fields + age
  int num_seg_fields() const { return stride_ - 1; }
  int capacity() const { return capacity_; }

  void pack(const int32_t* state, uint64_t* words) const;
  void unpack(const uint64_t* words, int32_t* state) const;

  // pack and unpack compiled for this layout (checker/native/): they compute exactly what the
  // loops over the slots compute; once attached, pack and unpack call them.
  using NativePack = void (*)(const int32_t* state, uint64_t* words);
  using NativeUnpack = void (*)(const uint64_t* words, int32_t* state);
  void attach_native(NativePack pack, NativeUnpack unpack) {
    native_pack_ = pack;
    native_unpack_ = unpack;
  }

 private:
  struct PackInfo {  // the hot part of a Slot, kept compact for pack/unpack
    int64_t lo;
    uint64_t mask;  // the slot's bits: 2^bits - 1
    uint16_t word;
    uint8_t shift;
    uint8_t bits;
  };
  std::vector<Slot> slots_;
  std::vector<PackInfo> pack_;
  NativePack native_pack_ = nullptr;
  NativeUnpack native_unpack_ = nullptr;
  int words_ = 0;
  int ep_base_[2] = {0, 0};
  int global_base_ = 0;
  int timer_base_[2] = {0, 0};
  int n_timers_ = 0;
  int loss_slot_ = 0, dup_slot_ = 0;
  int budget_[2] = {0, 0};
  int chan_base_[2] = {0, 0};
  int stride_ = 1;
  int capacity_ = 0;
};

}  // namespace tcpmc
