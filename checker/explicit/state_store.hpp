// StateStore: the set of visited states for breadth-first search.
//
// Packed states live in one arena in discovery order, so a state's index is its BFS order and the
// queue is simply the index range not yet expanded. Open-addressing tables of 32-bit indices find
// duplicates; each state records its parent's index for counterexample reconstruction.
// Table entries carry 32 bits of the hash, so a probe compares states only on a likely match.
// The table is split into shards by hash (one at -j1): each shard is an independent table with
// its own growth, so that during a parallel merge every shard has exactly one writer and no
// atomic operation is needed (see explicit_engine.cpp). insert() is the sequential path; the
// parallel merge uses find_stored (while the window expands, before the merge), then
// reserve_shard / find_or_claim / append / copy_piece / set_state / set_entry / set_parent, whose
// contracts say which thread may call them when. The one concurrent writer: claim_concurrent,
// where the threads expanding a window claim slots for its new states with a compare-and-swap
// (of two claims of one state the smaller candidate wins, so the result does not depend on the
// schedule); add_claims counts them, unclaim gives them back.
// Memory: words*8 + 4 (parent) bytes per state plus 8 bytes per table slot at <= 50% load.
// Growth is amortised (vector doubling); no allocation per state otherwise.
// Fingerprint mode (--compress): a table entry is the state's 64-bit hash and nothing else, and
// two states with the same hash count as one (the probability that this ever happened is
// reported, never hidden: omission_probability()). The packed states are kept only until they
// are expanded (forget_before), so a state costs its table slot, its parent and its position
// among its parent's successors (from which a counterexample is rebuilt by replay); an insertion
// of a state seen before returns kUnknown for its index. The parallel merge uses
// claim_fingerprint in place of find_or_claim (and no set_entry: the entry is the fingerprint).

#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "bulk_allocator.hpp"

namespace tcpmc {

class StateStore {
 public:
  static constexpr uint32_t kNoParent = 0xffffffffu;
  // Indices (and index + 1 in table entries) must stay below 2^32: the search stops, inconclusive,
  // before the store reaches this many states.
  static constexpr uint64_t kMaxStates = 0xfffffff0u;

  static constexpr uint32_t kUnknown = 0xffffffffu;  // fingerprint mode: a repeated state's index

  explicit StateStore(int words, bool fingerprints = false) : words_(words), fingerprints_(fingerprints) {
    set_shards(1);
  }
  bool fingerprints() const { return fingerprints_; }

  // Splits the (empty) table into `n` shards; only before the first insertion.
  void set_shards(int n) {
    shards_.assign(static_cast<size_t>(std::max(1, n)), Shard{});
    uint64_t slots = 1;
    while (slots * shards_.size() < (1u << 16)) slots *= 2;
    for (auto& s : shards_) s.table.assign(slots, 0);
  }
  int shards() const { return static_cast<int>(shards_.size()); }
  // The shard of a state with hash h (uses the tag bits, not the slot bits).
  int shard_of(uint64_t h) const { return static_cast<int>(((h >> 32) * shards_.size()) >> 32); }

  // Hash of a packed state; callers may compute it ahead (in parallel) and pass it to insert().
  // Each word goes through MurmurHash3's 64-bit finalizer (every input bit flips each output bit
  // with probability about 1/2), so that states differing in a few high bits do not collide
  // more often than random 64-bit values would: fingerprint mode relies on that.
  uint64_t hash(const uint64_t* w) const {
    uint64_t h = 0x243F6A8885A308D3ull;
    for (int i = 0; i < words_; ++i) h = mix(h ^ w[i]);
    return h;
  }
  static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
  }

  // Hints the cache that a state with hash h is about to be looked up.
  void prefetch(uint64_t h) const {
    const Shard& s = shards_[shard_of(h)];
    __builtin_prefetch(&s.table[h & (s.table.size() - 1)]);
  }

  // The second stage of a lookup's prefetch (after prefetch(h), a few lookups earlier): when the
  // home slot of h is taken by an entry with h's tag, hints the cache that the stored state it
  // names is about to be compared (a duplicate's comparison then misses the cache no more).
  void prefetch_match(uint64_t h) const {
    if (fingerprints_) return;
    const Shard& s = shards_[shard_of(h)];
    const uint64_t e = s.table[h & (s.table.size() - 1)];
    if (e == 0 || (e & kTagMask) != tag_of(h)) return;
    const uint64_t v = static_cast<uint32_t>(e) - 1;
    if (v >= first_ && v < size()) __builtin_prefetch(get(static_cast<uint32_t>(v)));
  }

  // Inserts a packed state; returns (index, true) if it is new, (existing index, false) otherwise.
  std::pair<uint32_t, bool> insert(const uint64_t* w, uint32_t parent) { return insert(w, hash(w), parent); }

  std::pair<uint32_t, bool> insert(const uint64_t* w, uint64_t h, uint32_t parent) {
    const int s = shard_of(h);
    reserve_shard(s, 1);
    if (fingerprints_) {
      if (!claim_fingerprint(s, h)) return {kUnknown, false};
      push_words(w);
      parent_.push_back(parent);
      position_.push_back(0);
      return {static_cast<uint32_t>(size() - 1), true};
    }
    // A sequential insertion is a batch of one: no entry names a candidate, and the one claimed
    // (base + 0) is the new state's index.
    const Claim c = find_or_claim(s, w, h, static_cast<uint32_t>(size()), 0, [](uint32_t) { return nullptr; });
    if (!c.claimed) return {c.value, false};
    push_words(w);
    parent_.push_back(parent);
    return {c.value, true};
  }

  // ---- The parallel merge. One thread owns a shard for a whole phase; states below `base` (the
  // store's size when the batch began) are final, larger entry values name candidates of the batch.

  // Makes room in shard `s` for `n` more entries (growing it now, while every entry is final).
  // Only the shard's owner.
  void reserve_shard(int s, uint64_t n) {
    Shard& sh = shards_[s];
    while ((sh.count + n) * 2 > sh.table.size()) [[unlikely]] grow(sh);
  }
  struct Claim {
    uint32_t value;  // a stored index (< base), or base + the candidate number
    bool claimed;    // the state was absent: it is now claimed for `candidate`
    uint64_t pos;    // the table slot
  };
  // Looks a state up in shard `s` among the stored states and the batch's candidates so far
  // (candidate_words(c) gives candidate c's packed words); claims a slot for `candidate` if absent.
  // Only the shard's owner; base + candidate + 1 < 2^32.
  template <class CandidateWords>
  Claim find_or_claim(int s, const uint64_t* w, uint64_t h, uint32_t base, uint32_t candidate,
                      const CandidateWords& candidate_words) {
    Shard& sh = shards_[s];
    const uint64_t mask = sh.table.size() - 1;
    const uint64_t tag = tag_of(h);
    uint64_t pos = h & mask;
    for (;;) {
      uint64_t e = sh.table[pos];
      if (e == 0) break;
      if ((e & kTagMask) == tag) {
        const uint32_t v = static_cast<uint32_t>(e) - 1;
        const uint64_t* o = v < base ? get(v) : candidate_words(v - base);
        if (same_words(o, w)) return {v, false, pos};
      }
      pos = (pos + 1) & mask;
    }
    sh.table[pos] = tag | (static_cast<uint64_t>(base) + candidate + 1);
    ++sh.count;
    return {base + candidate, true, pos};
  }
  // Looks a state up among the stored states, reading the table only: any number of threads may
  // call it at once while no thread changes the store. True with its index when present
  // (fingerprint mode: kUnknown), false when absent.
  bool find_stored(const uint64_t* w, uint64_t h, uint32_t* index) const {
    const Shard& sh = shards_[shard_of(h)];
    const uint64_t mask = sh.table.size() - 1;
    if (fingerprints_) {
      const uint64_t f = fingerprint(h);
      for (uint64_t pos = f & mask;; pos = (pos + 1) & mask) {
        if (sh.table[pos] == 0) return false;
        if (sh.table[pos] == f) {
          *index = kUnknown;
          return true;
        }
      }
    }
    const uint64_t tag = tag_of(h);
    for (uint64_t pos = h & mask;; pos = (pos + 1) & mask) {
      const uint64_t e = sh.table[pos];
      if (e == 0) return false;
      if ((e & kTagMask) == tag) {
        const uint32_t v = static_cast<uint32_t>(e) - 1;
        if (same_words(get(v), w)) {
          *index = v;
          return true;
        }
      }
    }
  }
  // ---- Claims during the expansion (threads > 1, not fingerprint mode): any number of threads
  // at once, while nothing else changes the store. Entries above `base` name candidates of the
  // window: base + 1 + candidate, the candidate numbered in BFS order of the successors.
  enum class Claimed : uint8_t { kStored, kNew, kDuplicate, kReplaced };
  struct ConcurrentClaim {
    Claimed kind;
    uint32_t value;  // kStored: the index; kDuplicate: the candidate found; kReplaced: the one replaced
    uint64_t pos;    // kNew, kReplaced: the slot now holding `candidate`
  };
  // Looks a state up among the stored states and the candidates claimed so far (by any thread;
  // candidate_words(c) gives candidate c's words, complete before c was claimed), and claims a
  // slot for `candidate` if absent. Of two candidates of one state the smaller keeps the slot: a
  // smaller one replaces a larger one found there (kReplaced), a larger one finds the smaller
  // (kDuplicate). So once every thread is done, the slot holds the state's first candidate. The
  // shard must have room for every claim (reserve_shard before).
  template <class CandidateWords>
  ConcurrentClaim claim_concurrent(const uint64_t* w, uint64_t h, uint32_t base, uint32_t candidate,
                                   const CandidateWords& candidate_words) {
    Shard& sh = shards_[shard_of(h)];
    const uint64_t mask = sh.table.size() - 1, tag = tag_of(h);
    const uint64_t mine = tag | (uint64_t{base} + candidate + 1);
    for (uint64_t pos = h & mask;; pos = (pos + 1) & mask) {
      std::atomic_ref<uint64_t> slot(sh.table[pos]);
      uint64_t e = slot.load(std::memory_order_acquire);
      for (;;) {  // (a slot that held another state's entry never holds this state's)
        if (e == 0) {
          if (slot.compare_exchange_strong(e, mine, std::memory_order_acq_rel, std::memory_order_acquire))
            return {Claimed::kNew, candidate, pos};
          continue;  // another thread claimed it first: e is its entry
        }
        if ((e & kTagMask) != tag) break;
        const uint32_t v = static_cast<uint32_t>(e) - 1;
        if (v < base) {
          if (same_words(get(v), w)) return {Claimed::kStored, v, pos};
          break;
        }
        const uint32_t c = v - base;
        if (!same_words(candidate_words(c), w)) break;
        if (c < candidate) return {Claimed::kDuplicate, c, pos};
        if (slot.compare_exchange_strong(e, mine, std::memory_order_acq_rel, std::memory_order_acquire))
          return {Claimed::kReplaced, c, pos};
      }
    }
  }
  // After the claims (one thread): n entries more in shard s; or a claimed slot emptied again
  // (every slot a window's candidates hold, emptied, gives back the table from before the window).
  void add_claims(int s, uint64_t n) { shards_[s].count += n; }
  void unclaim(uint64_t h, uint64_t pos) { shards_[shard_of(h)].table[pos] = 0; }

  // Fingerprint mode: adds h to shard s unless it is there; returns whether it was added. Only
  // the shard's owner (as find_or_claim).
  bool claim_fingerprint(int s, uint64_t h) {
    Shard& sh = shards_[s];
    const uint64_t mask = sh.table.size() - 1, f = fingerprint(h);
    for (uint64_t pos = f & mask;; pos = (pos + 1) & mask) {
      if (sh.table[pos] == f) return false;
      if (sh.table[pos] == 0) {
        sh.table[pos] = f;
        ++sh.count;
        return true;
      }
    }
  }
  // Extends the arena and the parents by n states, left for the caller to fill (one thread, while
  // no other touches the store). Capacities double as they do under insert(), so that bytes()
  // is the same whichever way the states arrived. An array that must move to a bigger block moves
  // at once, unless `defer_copy`: then the new block holds only the new states' room, and the
  // stored states are copied into it by copy_piece(0 .. pieces() - 1), from any threads (each
  // piece once), at the same time as the new states are written (set_state, set_parent,
  // set_position), while nothing reads a stored state; finish_append() (one thread) then frees
  // the old blocks. The copy of a big arena is thus shared out, instead of holding up the others.
  void append(uint64_t n, bool defer_copy = false) {
    pieces_.clear();
    grow_array(data_, old_data_, data_.size() + n * words_, words_, defer_copy);
    grow_array(parent_, old_parent_, parent_.size() + n, 1, defer_copy);
    if (fingerprints_) grow_array(position_, old_position_, position_.size() + n, 1, defer_copy);
  }
  size_t pieces() const { return pieces_.size(); }
  void copy_piece(size_t k) const { std::memcpy(pieces_[k].to, pieces_[k].from, pieces_[k].bytes); }
  void finish_append() {
    pieces_.clear();
    decltype(old_data_)().swap(old_data_);
    decltype(old_parent_)().swap(old_parent_);
    decltype(old_position_)().swap(old_position_);
  }
  // Writes the packed words of state i (a slot append() made).
  void set_state(uint32_t i, const uint64_t* w) { copy_words(&data_[(static_cast<size_t>(i) - first_) * words_], w); }
  void set_parent(uint32_t i, uint32_t p) { parent_[i] = p; }
  // Hints the cache that the slot `pos` of the shard of h is about to be set (set_entry).
  void prefetch_entry(uint64_t h, uint64_t pos) const { __builtin_prefetch(&shards_[shard_of(h)].table[pos], 1); }
  // Points a claimed slot (of the shard of h) at the candidate's final index. Distinct slots may be
  // set by different threads at once.
  void set_entry(uint64_t h, uint64_t pos, uint32_t idx) {
    shards_[shard_of(h)].table[pos] = tag_of(h) | (static_cast<uint64_t>(idx) + 1);
  }

  // Frees the lookup table once no state will be inserted any more (the states and the parents
  // stay): the liveness analysis after a search needs only those.
  void release_index() {
    for (auto& s : shards_) std::vector<uint64_t, BulkAllocator<uint64_t>>().swap(s.table);
  }

  // A state's packed words (fingerprint mode: only a state not forgotten, i >= first_kept()).
  const uint64_t* get(uint32_t i) const { return &data_[(static_cast<size_t>(i) - first_) * words_]; }
  uint32_t parent(uint32_t i) const { return parent_[i]; }
  uint64_t size() const { return parent_.size(); }

  // ---- Fingerprint mode.
  // The position of state i among its parent's successors (in successors() order).
  uint32_t position(uint32_t i) const { return position_[i]; }
  void set_position(uint32_t i, uint32_t pos) { position_[i] = pos; }
  // Drops the packed words of the states below `i` (they have been expanded); amortised: the
  // kept ones move to the front only once the dropped ones are at least as many.
  void forget_before(uint64_t i) {
    if (!fingerprints_ || i <= first_ || (i - first_) * 2 < data_.size() / words_) return;
    data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>((i - first_) * words_));
    first_ = i;
  }
  uint64_t first_kept() const { return first_; }
  // The probability that two of n distinct states have the same 64-bit fingerprint (so that one
  // of them was taken for the other and never explored): at most n(n-1)/2 / 2^64.
  double omission_probability() const {
    const double n = static_cast<double>(size());
    return n * (n - 1) / 2 / 18446744073709551616.0;
  }
  int words() const { return words_; }
  // Resident bytes that inserting `n` more states may add at once (0 when they fit): a growing
  // arena or parent array copies its contents into a new buffer (the rest of the new buffer is
  // touched only as states arrive), a growing shard is a new, zero-filled table twice the size,
  // while the old one still exists (counted for every shard that `n` states could make grow).
  uint64_t growth_for(uint64_t n) const {
    uint64_t g = 0;
    if (data_.size() + n * words_ > data_.capacity()) g += (data_.size() + n * words_) * sizeof(uint64_t);
    if (parent_.size() + n > parent_.capacity()) g += (parent_.size() + n) * sizeof(uint32_t);
    if (fingerprints_ && position_.size() + n > position_.capacity()) g += (position_.size() + n) * sizeof(uint32_t);
    for (const auto& s : shards_)
      if ((s.count + n) * 2 > s.table.size()) g += s.table.size() * 2 * sizeof(uint64_t);
    return g;
  }
  uint64_t bytes() const {
    uint64_t b = data_.capacity() * sizeof(uint64_t) + (parent_.capacity() + position_.capacity()) * sizeof(uint32_t);
    for (const auto& s : shards_) b += s.table.capacity() * sizeof(uint64_t);
    return b;
  }

 private:
  static constexpr uint64_t kTagMask = 0xffffffff00000000ull;
  // A table entry's tag: the hash's low 32 bits, those that also give the state's home slot in a
  // table of up to 2^32 slots, so that a table can grow without rehashing the states (grow()).
  // The shard comes from the high bits (shard_of). Two states with the same home slot still
  // differ in the tag's remaining bits (7 of them at 2^25 slots) but for one in 128.
  static uint64_t tag_of(uint64_t h) { return h << 32; }
  struct Shard {
    std::vector<uint64_t, BulkAllocator<uint64_t>> table;  // tag_of(hash) | (index + 1); 0 = empty
    uint64_t count = 0;           // entries in use
  };
  int words_;
  bool fingerprints_;
  uint64_t first_ = 0;  // the index of the first state in data_ (fingerprint mode: the others are gone)
  std::vector<uint64_t, BulkAllocator<uint64_t>> data_;
  std::vector<uint32_t, BulkAllocator<uint32_t>> parent_;
  std::vector<uint32_t, BulkAllocator<uint32_t>> position_;  // fingerprint mode only
  std::vector<Shard> shards_;

  // Fingerprint mode: the entry of hash h (never 0: 0 marks an empty slot).
  static uint64_t fingerprint(uint64_t h) { return h ? h : 1; }

  // append(defer_copy): the old blocks of the arrays that moved, until finish_append(); the
  // pieces of them still to be copied into the new blocks.
  std::vector<uint64_t, BulkAllocator<uint64_t>> old_data_;
  std::vector<uint32_t, BulkAllocator<uint32_t>> old_parent_, old_position_;
  struct Piece {
    void* to;
    const void* from;
    size_t bytes;
  };
  std::vector<Piece> pieces_;

  // Resizes v to `size` elements, its capacity doubling from `unit` as reserve_doubling's. When it
  // moves to a bigger block and `defer`, its old block goes to `old` and its elements are left to
  // copy_piece (pieces of 8 MiB).
  template <class V>
  void grow_array(V& v, V& old, uint64_t size, uint64_t unit, bool defer) {
    if (!defer || size <= v.capacity()) {
      tcpmc::reserve_doubling(v, size, unit);
      v.resize(size);
      return;
    }
    const size_t kept = v.size();
    V fresh;
    uint64_t c = v.capacity() ? v.capacity() : unit;  // as reserve_doubling
    while (c < size) c *= 2;
    fresh.reserve(c);
    fresh.resize(size);  // (BulkAllocator: not initialised)
    old.swap(v);
    v.swap(fresh);
    const size_t esz = sizeof(*v.data()), step = (size_t{8} << 20) / esz;
    for (size_t at = 0; at < kept; at += step)
      pieces_.push_back({v.data() + at, old.data() + at, std::min(step, kept - at) * esz});
  }

  // Appends a state's packed words to the arena (its capacity doubles as push_back's would).
  void push_words(const uint64_t* w) {
    const size_t at = data_.size();
    tcpmc::reserve_doubling(data_, at + words_, words_);
    data_.resize(at + words_);
    copy_words(&data_[at], w);
  }
  // A state's words copied without a call to memcpy (as same_words: a call costs more than the
  // copy of a few words). Whole 32-byte blocks first, then at most three words.
  void copy_words(uint64_t* to, const uint64_t* from) const {
    int i = 0;
    for (; i + 4 <= words_; i += 4) std::memcpy(to + i, from + i, 32);
    if (i < words_) to[i] = from[i];
    if (i + 1 < words_) to[i + 1] = from[i + 1];
    if (i + 2 < words_) to[i + 2] = from[i + 2];
  }

  // Equality of two packed states: an inline loop (states are a few words; a call to memcmp per
  // duplicate costs more than the comparison).
  bool same_words(const uint64_t* a, const uint64_t* b) const {
    for (int i = 0; i < words_; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

  // Doubles a shard. Its entries move to their slots in the new table: a fingerprint is the hash
  // itself, and a tag holds the hash bits of the home slot up to 2^32 slots (beyond, the shard's
  // states are found again by rehashing the whole arena). The shard must hold exactly the stored
  // states of its hash range (no candidate).
  void grow(Shard& s) {
    std::vector<uint64_t, BulkAllocator<uint64_t>> t(s.table.size() * 2, 0);
    const uint64_t mask = t.size() - 1;
    auto place = [&](uint64_t home, uint64_t entry) {
      uint64_t pos = home & mask;
      while (t[pos] != 0) pos = (pos + 1) & mask;
      t[pos] = entry;
    };
    if (fingerprints_) {
      for (uint64_t f : s.table)
        if (f != 0) place(f, f);
    } else if (t.size() <= (uint64_t{1} << 32)) {
      for (uint64_t e : s.table)
        if (e != 0) place(e >> 32, e);
    } else {
      const bool one = shards_.size() == 1;
      const int self = static_cast<int>(&s - shards_.data());
      for (uint32_t i = 0; i < size(); ++i) {
        const uint64_t h = hash(get(i));
        if (one || shard_of(h) == self) place(h, tag_of(h) | (uint64_t{i} + 1));
      }
    }
    s.table.swap(t);
  }
};

}  // namespace tcpmc
