#include "state_layout.hpp"

namespace tcpmc {

// Bits for the values lo..hi (0..64): hi - lo computed modulo 2^64, which is exact for lo <= hi.
static uint8_t bits_for(int64_t lo, int64_t hi) {
  uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  uint8_t b = 0;
  while (span > 0) {
    ++b;
    span >>= 1;
  }
  return b;
}

StateLayout::StateLayout(const ir::Model& m, const ir::FaultBudget& faults) {
  auto add = [&](std::string name, int64_t lo, int64_t hi) {
    Slot s;
    s.name = std::move(name);
    s.lo = lo;
    s.hi = hi;
    s.bits = bits_for(lo, hi);
    slots_.push_back(std::move(s));
  };
  const char* ep_names[2] = {"A", "B"};
  for (int ep = 0; ep < 2; ++ep) {
    ep_base_[ep] = num_slots();
    for (const auto& v : m.endpoint_vars) add(std::string(ep_names[ep]) + "." + v.name, v.type.lo, v.type.hi);
  }
  global_base_ = num_slots();
  for (const auto& v : m.global_vars) add(v.name, v.type.lo, v.type.hi);
  n_timers_ = static_cast<int>(m.timers.size());
  for (int ep = 0; ep < 2; ++ep) {
    timer_base_[ep] = num_slots();
    for (const auto& t : m.timers) add(std::string(ep_names[ep]) + "." + t.name, 0, t.max_duration + kTimerBias);
  }
  loss_slot_ = num_slots();
  add("losses", 0, std::max(faults.loss, 0));  // unbounded loss is not counted
  dup_slot_ = num_slots();
  add("duplicates", 0, faults.dup);
  budget_[0] = faults.loss_cap();
  budget_[1] = faults.dup;
  capacity_ = m.capacity;
  stride_ = static_cast<int>(m.seg_fields.size()) + 1;
  const char* ch_names[2] = {"A->B", "B->A"};
  for (int c = 0; c < 2; ++c) {
    chan_base_[c] = num_slots();
    add(std::string(ch_names[c]) + ".count", 0, capacity_);
    for (int p = 0; p < capacity_; ++p) {
      std::string pre = std::string(ch_names[c]) + "[" + std::to_string(p) + "].";
      // An unset field is 0, even when its declared range does not contain 0.
      for (const auto& f : m.seg_fields)
        add(pre + f.name, std::min<int64_t>(f.type.lo, 0), std::max<int64_t>(f.type.hi, 0));
      add(pre + "age", 0, m.msl);
    }
  }
  // Assign words without straddling.
  int word = 0, used = 0;
  for (auto& s : slots_) {
    if (s.bits == 0) {  // a one-value slot occupies no bits: word 0, shift 0 (a shift of 64 is undefined)
      s.word = 0;
      s.shift = 0;
      continue;
    }
    if (used + s.bits > 64) {
      ++word;
      used = 0;
    }
    s.word = static_cast<uint16_t>(word);
    s.shift = static_cast<uint8_t>(used);
    used += s.bits;
  }
  words_ = word + 1;
  for (const auto& s : slots_)
    pack_.push_back({s.lo, s.bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << s.bits) - 1, s.word, s.shift, s.bits});
}

void StateLayout::pack(const int32_t* state, uint64_t* words) const {
  if (native_pack_) return native_pack_(state, words);
  for (int w = 0; w < words_; ++w) words[w] = 0;
  const PackInfo* p = pack_.data();
  for (size_t i = 0, n = pack_.size(); i < n; ++i)
    words[p[i].word] |= ((static_cast<uint64_t>(int64_t{state[i]}) - static_cast<uint64_t>(p[i].lo)) & p[i].mask)
                        << p[i].shift;
}

void StateLayout::unpack(const uint64_t* words, int32_t* state) const {
  if (native_unpack_) return native_unpack_(words, state);
  const PackInfo* p = pack_.data();
  for (size_t i = 0, n = pack_.size(); i < n; ++i)
    state[i] = static_cast<int32_t>(((words[p[i].word] >> p[i].shift) & p[i].mask) + static_cast<uint64_t>(p[i].lo));
}

}  // namespace tcpmc
