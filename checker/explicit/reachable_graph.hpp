// ReachableGraph: the reachable state graph that the explicit search records when asked to
// (ExplicitEngine::record_graph), for the liveness engine.
//
// States are the search's state indices (breadth-first order); edges are stored compressed by
// source (rowstart/target: the compressed-sparse-row layout, in successor order, so edge
// rowstart[s] + k is the k-th successor the model generates from s: what the transition did is
// found again from the model when it matters, for the few states on cycles). Per recorded temporal
// property, two bits per state: its goal (Q, or P of `eventually P`) and, for `P ~> Q`, its
// trigger P. Memory: 4 bytes per edge, 8 per state (rowstart), plus the bits.
// The search's merge fills each state's entries at its index (state by state, or per chunk of a
// window in parallel: add_states makes the room), so it is the same for every thread count.
// No allocation per edge beyond amortised vector growth.
#pragma once
#include <bit>
#include <cstdint>
#include <vector>

#include "bulk_allocator.hpp"


namespace tcpmc {

// A growable bit vector (one bit per state).
class StateBits {
 public:
  bool operator[](uint64_t i) const { return words_[i >> 6] >> (i & 63) & 1; }
  void set(uint64_t i, bool b) {
    if (b)
      words_[i >> 6] |= 1ull << (i & 63);
    else
      words_[i >> 6] &= ~(1ull << (i & 63));
  }
  // Grows (or shrinks) to n bits; new bits are 0. The capacity doubles from one word
  // (reserve_doubling), so that bytes() depends on the size only (not on the steps it grew by).
  void resize(uint64_t n) {
    if (n < size_ && (n & 63)) words_[n >> 6] &= (1ull << (n & 63)) - 1;
    reserve_doubling(words_, (n + 63) / 64);
    words_.resize((n + 63) / 64, 0);
    size_ = n;
  }
  void assign(uint64_t n, bool b) {
    words_.assign((n + 63) / 64, b ? ~0ull : 0);
    size_ = n;
  }
  uint64_t size() const { return size_; }
  uint64_t bytes() const { return words_.capacity() * sizeof(uint64_t); }
  uint64_t count() const {
    uint64_t c = 0;
    for (uint64_t w : words_) c += static_cast<uint64_t>(std::popcount(w));
    return c;
  }
  // Calls f(i) for every set bit i, in decreasing order.
  template <class F>
  void for_each_set_descending(F f) const {
    for (uint64_t w = words_.size(); w-- > 0;)
      for (uint64_t bits = words_[w]; bits != 0; bits &= ~(1ull << (63 - std::countl_zero(bits))))
        f(w * 64 + static_cast<uint64_t>(63 - std::countl_zero(bits)));
  }
  // Calls f(i) for every set bit i, in increasing order (a word at a time: cheap on sparse sets).
  template <class F>
  void for_each_set(F f) const {
    for (uint64_t w = 0; w < words_.size(); ++w)
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) f(w * 64 + static_cast<uint64_t>(std::countr_zero(bits)));
  }

 private:
  std::vector<uint64_t> words_;
  uint64_t size_ = 0;
};

struct ReachableGraph {
  std::vector<uint64_t> rowstart;  // per state: its first edge; one more entry: the edge count
  std::vector<uint32_t> target;    // per edge
  std::vector<int> temporal;              // the recorded properties (model property indices)
  std::vector<StateBits> goal, trigger;   // per recorded property: per state
  StateBits capacity_cut;                 // per state: no successor because a full channel blocked every move

  uint64_t states() const { return rowstart.empty() ? 0 : rowstart.size() - 1; }
  // Room for n more states (while the search fills them: rowstart without its final entry): their
  // rows 0 and every bit clear, to be set per state, in any order.
  void add_states(uint64_t n) {
    const uint64_t size = rowstart.size() + n;
    rowstart.resize(size);
    for (auto& b : goal) b.resize(size);
    for (auto& b : trigger) b.resize(size);
    capacity_cut.resize(size);
  }
  uint64_t edges() const { return target.size(); }
  uint64_t bytes() const {
    uint64_t b = rowstart.capacity() * 8 + target.capacity() * 4 + capacity_cut.bytes();
    for (size_t i = 0; i < goal.size(); ++i) b += goal[i].bytes() + trigger[i].bytes();
    return b;
  }
};

}  // namespace tcpmc
