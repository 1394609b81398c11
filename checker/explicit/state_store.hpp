// StateStore: the set of visited states for breadth-first search.
//
// Packed states live in one arena in discovery order, so a state's index is its BFS order and the
// queue is simply the index range not yet expanded. An open-addressing table of 32-bit indices
// finds duplicates; each state records its parent's index for counterexample reconstruction.
// Table entries carry 32 bits of the hash, so a probe compares states only on a likely match.
// Memory: words*8 + 4 (parent) bytes per state plus 8 bytes per table slot at <= 50% load.
// Growth is amortised (vector doubling); no allocation per state otherwise.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tcpmc {

class StateStore {
 public:
  static constexpr uint32_t kNoParent = 0xffffffffu;

  explicit StateStore(int words) : words_(words) { table_.assign(1u << 16, 0); }

  // Hash of a packed state; callers may compute it ahead (in parallel) and pass it to insert().
  uint64_t hash(const uint64_t* w) const {
    uint64_t h = 0x243F6A8885A308D3ull;
    for (int i = 0; i < words_; ++i) {
      h ^= w[i];
      h *= 0x9E3779B97F4A7C15ull;
      h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
  }

  // Hints the cache that a state with hash h is about to be inserted.
  void prefetch(uint64_t h) const { __builtin_prefetch(&table_[h & (table_.size() - 1)]); }

  // Inserts a packed state; returns (index, true) if it is new, (existing index, false) otherwise.
  std::pair<uint32_t, bool> insert(const uint64_t* w, uint32_t parent) { return insert(w, hash(w), parent); }

  std::pair<uint32_t, bool> insert(const uint64_t* w, uint64_t h, uint32_t parent) {
    if ((size() + 1) * 2 > table_.size()) grow();
    const uint64_t mask = table_.size() - 1;
    const uint64_t tag = h & 0xffffffff00000000ull;
    uint64_t pos = h & mask;
    for (;;) {
      uint64_t e = table_[pos];
      if (e == 0) break;
      if ((e & 0xffffffff00000000ull) == tag) {
        uint32_t i = static_cast<uint32_t>(e) - 1;
        if (std::memcmp(&data_[static_cast<size_t>(i) * words_], w, sizeof(uint64_t) * words_) == 0) return {i, false};
      }
      pos = (pos + 1) & mask;
    }
    uint32_t idx = static_cast<uint32_t>(parent_.size());
    data_.insert(data_.end(), w, w + words_);
    parent_.push_back(parent);
    table_[pos] = tag | (idx + 1);
    return {idx, true};
  }

  // Frees the lookup table once no state will be inserted any more (the states and the parents
  // stay): the liveness analysis after a search needs only those.
  void release_index() { std::vector<uint64_t>().swap(table_); }

  const uint64_t* get(uint32_t i) const { return &data_[static_cast<size_t>(i) * words_]; }
  uint32_t parent(uint32_t i) const { return parent_[i]; }
  uint64_t size() const { return parent_.size(); }
  int words() const { return words_; }
  // Resident bytes that inserting `n` more states may add at once (0 when they fit): a growing
  // arena or parent array copies its contents into a new buffer (the rest of the new buffer is
  // touched only as states arrive), a growing table is a new, zero-filled table twice the size,
  // while the old one still exists.
  uint64_t growth_for(uint64_t n) const {
    uint64_t g = 0;
    if (data_.size() + n * words_ > data_.capacity()) g += (data_.size() + n * words_) * sizeof(uint64_t);
    if (parent_.size() + n > parent_.capacity()) g += (parent_.size() + n) * sizeof(uint32_t);
    if ((size() + n) * 2 > table_.size()) g += table_.size() * 2 * sizeof(uint64_t);
    return g;
  }
  uint64_t bytes() const {
    return data_.capacity() * sizeof(uint64_t) + parent_.capacity() * sizeof(uint32_t) +
           table_.capacity() * sizeof(uint64_t);
  }

 private:
  int words_;
  std::vector<uint64_t> data_;
  std::vector<uint32_t> parent_;
  std::vector<uint64_t> table_;  // (hash's high 32 bits << 32) | (index + 1); 0 = empty

  void grow() {
    std::vector<uint64_t> t(table_.size() * 2, 0);
    const uint64_t mask = t.size() - 1;
    for (uint32_t i = 0; i < size(); ++i) {
      const uint64_t h = hash(get(i));
      uint64_t pos = h & mask;
      while (t[pos] != 0) pos = (pos + 1) & mask;
      t[pos] = (h & 0xffffffff00000000ull) | (i + 1);
    }
    table_.swap(t);
  }
};

}  // namespace tcpmc
