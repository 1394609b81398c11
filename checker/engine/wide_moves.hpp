// Concrete transitions of a CompiledSystem at any SEQ_BITS (32 included), where `successors`
// cannot enumerate a `seq` parameter's 2^SEQ_BITS values: every move that is not a call (arrivals,
// timeouts, loss, duplication, the tick) exactly as `successors` makes it, and every call with
// each small parameter (at most kMaxEnumeratedParam values) enumerated and each wide one (a
// sequence number) taken from a pool of values: 0, 1, 2^(SEQ_BITS-1), 2^SEQ_BITS - 1, every
// sequence number the state holds (its variables and the fields of its segments in flight) and
// its neighbours (+-1, +2), and any extra values the caller adds.
//
// Contract: every move emitted is a transition of the model (it comes from CompiledSystem::fire,
// which checks guards, budgets and model errors); the set is a subset of the state's transitions,
// complete when no call has a wide parameter. Deterministic: same state and extras, same moves in
// the same order. Cost: one `fire` per non-call move and per call parameter combination (capped
// at kMaxCombinations per call instance).
#pragma once
#include <cstdint>
#include <vector>

#include "compiled_system.hpp"

namespace tcpmc {

class WideMoves {
 public:
  static constexpr int64_t kMaxEnumeratedParam = 64;
  static constexpr size_t kMaxCombinations = 4096;

  explicit WideMoves(const CompiledSystem& sys);
  // The pool of values for wide parameters in `state`, plus `extra` (as bit patterns).
  std::vector<int32_t> seq_pool(const int32_t* state, const std::vector<int32_t>& extra = {}) const;
  // Calls emit(const Label&, const int32_t* next) for each move from `state` (wide parameters
  // from `pool`).
  template <class Emit>
  void for_each(const int32_t* state, const std::vector<int32_t>& pool, Scratch& sc, Emit&& emit) const;

 private:
  const CompiledSystem& sys_;
  std::vector<int> calls_, timeouts_;
  std::vector<int> seq_slots_;  // slots holding sequence numbers (variables)
  std::vector<int> seq_fields_; // segment fields holding sequence numbers
  uint32_t mask_ = 0;
  // Per call instance, per parameter: its values when small (enumerated), empty when wide.
  std::vector<std::vector<std::vector<int32_t>>> small_values_;
};

template <class Emit>
void WideMoves::for_each(const int32_t* s, const std::vector<int32_t>& pool, Scratch& sc, Emit&& emit) const {
  const StateLayout& L = sys_.layout();
  Label want;
  // 1. Calls.
  for (size_t c = 0; c < calls_.size(); ++c) {
    const auto& vals = small_values_[c];
    const size_t np = vals.size();
    std::vector<size_t> idx(np, 0);
    auto values = [&](size_t k) -> const std::vector<int32_t>& { return vals[k].empty() ? pool : vals[k]; };
    bool any_empty = false;
    for (size_t k = 0; k < np; ++k) any_empty = any_empty || values(k).empty();
    if (any_empty) continue;
    want.kind = Label::Kind::Call;
    want.inst = calls_[c];
    for (size_t n = 0; n < kMaxCombinations; ++n) {
      for (size_t k = 0; k < np; ++k) want.params[k] = values(k)[idx[k]];
      sys_.fire(s, want, sc, emit);
      size_t k = 0;
      while (k < np && ++idx[k] == values(k).size()) idx[k++] = 0;
      if (k == np) break;
    }
  }
  // 2. Arrivals: every position (fire takes only those that may arrive).
  for (int ep = 0; ep < 2; ++ep) {
    const int count = s[L.chan_count(1 - ep)];
    for (int pos = 0; pos < count; ++pos) {
      if (pos > 0 && std::memcmp(s + L.seg_base(1 - ep, pos - 1), s + L.seg_base(1 - ep, pos),
                                 sizeof(int32_t) * L.seg_stride()) == 0)
        continue;
      want.kind = Label::Kind::Recv;
      want.ep = static_cast<uint8_t>(ep);
      want.pos = pos;
      sys_.fire(s, want, sc, emit);
    }
  }
  // 3. Timeouts.
  for (int ii : timeouts_) {
    want.kind = Label::Kind::Timeout;
    want.inst = ii;
    sys_.fire(s, want, sc, emit);
  }
  // 4. Loss and duplication.
  for (int chan = 0; chan < 2; ++chan) {
    const int count = s[L.chan_count(chan)];
    for (int pos = 0; pos < count; ++pos) {
      if (pos > 0 && std::memcmp(s + L.seg_base(chan, pos - 1), s + L.seg_base(chan, pos),
                                 sizeof(int32_t) * L.seg_stride()) == 0)
        continue;
      for (Label::Kind k : {Label::Kind::Loss, Label::Kind::Dup}) {
        want.kind = k;
        want.ep = static_cast<uint8_t>(chan);
        want.pos = pos;
        sys_.fire(s, want, sc, emit);
      }
    }
  }
  // 5. Time.
  want.kind = Label::Kind::Tick;
  sys_.fire(s, want, sc, emit);
}

}  // namespace tcpmc
