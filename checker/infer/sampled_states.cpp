#include "sampled_states.hpp"

#include <algorithm>

#include "candidates.hpp"

namespace tcpmc::infer {

SampledStates::Run::Run(const StateLayout& layout, int64_t seq_bits)
    : layout_(layout),
      mask_(infer::seq_mask(seq_bits)),
      store_(std::make_unique<StateStore>(layout.num_words())),
      scratch_(static_cast<size_t>(layout.num_slots()), 0),
      packed_(static_cast<size_t>(layout.num_words()), 0) {}

void SampledStates::Run::keep() {
  layout_.pack(scratch_.data(), packed_.data());
  store_->insert(packed_.data(), StateStore::kNoParent);
}

void SampledStates::begin_run(const StateLayout& layout, int64_t seq_bits) { runs_.emplace_back(layout, seq_bits); }

void SampledStates::add(const int32_t* s) {
  Run& r = runs_.back();
  const StateLayout& l = r.layout_;
  ++states_;
  int32_t* p = r.scratch_.data();
  std::copy(s, s + l.num_slots(), p);
  p[l.loss_slot()] = 0;
  p[l.dup_slot()] = 0;
  const int stride = l.seg_stride();
  for (int c = 0; c < 2; ++c) {
    p[l.chan_count(c)] = 0;
    std::fill(p + l.seg_base(c, 0), p + l.seg_base(c, l.capacity()), 0);
  }
  r.keep();
  for (int c = 0; c < 2; ++c)
    for (int pos = 0; pos < s[l.chan_count(c)]; ++pos) {
      p[l.chan_count(c)] = 1;
      std::copy(s + l.seg_base(c, pos), s + l.seg_base(c, pos) + stride, p + l.seg_base(c, 0));
      r.keep();
      p[l.chan_count(c)] = 0;
      std::fill(p + l.seg_base(c, 0), p + l.seg_base(c, 0) + stride, 0);
    }
}

uint64_t SampledStates::size() const {
  uint64_t n = 0;
  for (const Run& r : runs_) n += r.size();
  return n;
}

}  // namespace tcpmc::infer
