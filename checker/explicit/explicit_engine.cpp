#include "explicit_engine.hpp"

#include "interrupt.hpp"
#include "process_memory.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

namespace tcpmc {

namespace {

// What expanding one window slice produced: successors (packed) with what coverage needs, and per
// expanded state its successor count, violated properties and any model error. Filled by one
// worker; read by the merge, which replays it in state order exactly as a sequential search would.
// Aligned to a cache line: two workers filling neighbouring slices never write the same line.
struct alignas(64) SliceOutput {
  struct Succ {
    int32_t inst;     // rule instance, or -1 (network/tick), or -2 - ep for an unhandled arrival
    uint8_t ep;
    int32_t from, to; // the acting endpoint's TCP state before and after (any enum size)
    uint8_t overflow; // segments this step sent into a full channel
  };
  std::vector<uint64_t, BulkAllocator<uint64_t>> words;  // (resized, then packed into)
  std::vector<uint64_t> hashes;  // per successor, computed by the worker
  std::vector<Succ> succs;
  std::vector<uint32_t> succ_end;       // per state: end offset into succs
  std::vector<uint8_t> violated;        // per state x property: an invariant or stuck property
                                        // violated, or a reachable property satisfied, here
  std::vector<uint8_t> has_error;       // per state
  std::vector<uint32_t> blocked;        // per state: transitions a full channel blocked
  std::vector<uint8_t> frozen;          // per state: an expired timer no timeout takes
  std::vector<uint8_t> flagged;         // per state: some property other than a temporal one
                                        // is violated (a reachable one satisfied) here
  std::vector<ModelError> errors;       // in order of states with has_error
  // threads > 1: per store shard, its successors that are not stored states (each list on its
  // own cache line: another worker fills the next slice's at the same time)
  // and, filled by the parallel merge's lookups, what each one found: beside the list, so that
  // the lookups of two shards never write the same cache line
  struct Found {
    uint64_t pos;    // kNew: the table slot claimed
    uint32_t value;  // kStored: the state; kDuplicate: the window's candidate it repeats; kNew:
                     // its final index (once numbered)
    uint8_t kind;    // kStored, kNew, kDuplicate
  };
  struct alignas(64) ShardList {
    std::vector<uint32_t> items;
    std::vector<Found> found;
  };
  std::vector<ShardList> by_shard;
  // Per successor, the state it leads to: a stored state's index written by the worker that
  // expanded the slice (lookup_stored), kPending for the others until the parallel merge's
  // numbering (for a duplicate of an earlier slice's candidate, first the candidate's number:
  // `late`); per state:
  // the store's size after its new successors; the duplicates of a state that an earlier slice
  // found first.
  std::vector<uint32_t> tgt;
  // A window with claims during the expansion (see claim_successors): per successor that is not a
  // stored state, the candidate it repeats (a smaller one: following these links from any
  // candidate of a state ends at its first, the one that holds the slot), or kFirst; and for a
  // first, the slot it holds. The successors not stored, in order; the slots claimed per shard.
  static constexpr uint32_t kFirst = 0xffffffffu;
  std::vector<uint32_t> link;
  std::vector<uint64_t> slot;
  std::vector<uint32_t> pending;
  std::vector<uint32_t> claims;
  bool claims_overflowed = false;  // more claims in some shard than its budget allowed
  std::vector<uint32_t> cursor;  // per shard: the numbering's place in its list
  std::vector<uint32_t> new_end;
  std::vector<uint32_t> late;
  // Filled by record() (explicit_engine.cpp), per chunk: per-state counts summed, and per property
  // the first state (k) that violates it while no witness was known, or kNone.
  struct Sums {
    uint64_t transitions = 0, blocked = 0, cut = 0, frozen = 0;
  };
  Sums sums;
  static constexpr uint32_t kNone = 0xffffffffu;
  static constexpr uint32_t kPending = 0xfffffffeu;  // above any index and distinct from kUnknown
  std::vector<uint32_t> first_violation;
  Scratch scratch;
  void clear() {
    for (auto& b : by_shard) b.items.clear();
    words.clear();
    hashes.clear();
    succs.clear();
    succ_end.clear();
    violated.clear();
    has_error.clear();
    blocked.clear();
    frozen.clear();
    flagged.clear();
    errors.clear();
  }
};

// Counts of (rule instance, state before, state after): a small open-addressing table, so that
// memory grows with the endpoint transitions that occur, not with rules x states^2.
class TransitionCounter {
 public:
  void add(uint64_t key) {
    if (key == last_key_) {
      ++slots_[last_slot_].second;
      return;
    }
    if ((used_ + 1) * 2 > slots_.size()) grow();
    size_t pos = find(key);
    if (slots_[pos].first == kEmpty) {
      slots_[pos] = {key, 0};
      ++used_;
    }
    ++slots_[pos].second;
    last_key_ = key;
    last_slot_ = pos;
  }
  std::vector<std::pair<uint64_t, uint64_t>> entries() const {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (const auto& s : slots_)
      if (s.first != kEmpty) out.push_back(s);
    return out;
  }

 private:
  static constexpr uint64_t kEmpty = ~0ull;
  std::vector<std::pair<uint64_t, uint64_t>> slots_ = std::vector<std::pair<uint64_t, uint64_t>>(64, {kEmpty, 0});
  size_t used_ = 0;
  uint64_t last_key_ = kEmpty;
  size_t last_slot_ = 0;

  size_t find(uint64_t key) const {
    const size_t mask = slots_.size() - 1;
    size_t pos = (key * 0x9E3779B97F4A7C15ull) >> 20 & mask;
    while (slots_[pos].first != kEmpty && slots_[pos].first != key) pos = (pos + 1) & mask;
    return pos;
  }
  void grow() {
    std::vector<std::pair<uint64_t, uint64_t>> old(slots_.size() * 2, {kEmpty, 0});
    old.swap(slots_);
    for (const auto& s : old)
      if (s.first != kEmpty) slots_[find(s.first)] = s;
    last_key_ = kEmpty;
  }
};

enum : uint8_t { kStored, kNew, kDuplicate };

// Coverage counts of the states one thread merged; summed after the search. The threads count at
// the same time, each into its own Tally: a Tally and its arrays (padded by a cache line) share
// no cache line with another's.
struct alignas(64) Tally {
  static constexpr size_t kPad = 64 / sizeof(uint64_t);
  std::vector<uint64_t> fired, overflow;  // per rule instance (and kPad unused)
  uint64_t unhandled[2] = {0, 0};
  TransitionCounter ept;
  int nstates;
  Tally(size_t ninst, int nstates) : fired(ninst + kPad, 0), overflow(ninst + kPad, 0), nstates(nstates) {}
  void count(const SliceOutput::Succ& info) {
    if (info.inst >= 0) {
      ++fired[info.inst];
      overflow[info.inst] += info.overflow;
      ept.add((static_cast<uint64_t>(info.inst) * nstates + info.from) * nstates + info.to);
    } else if (info.inst <= -2) {
      ++unhandled[-2 - info.inst];
    }
  }
};

// A team of threads that run one job at a time: the caller is member 0, the others wait (a short
// spin, then a futex) for the next job. run() returns when every member has finished, which
// orders all of a job's writes before whatever the caller does next.
class Team {
 public:
  explicit Team(int n) : n_(n) {
    for (int t = 1; t < n; ++t) workers_.emplace_back([this, t] { loop(t); });
  }
  ~Team() {
    stop_ = true;
    gen_.fetch_add(1, std::memory_order_release);
    gen_.notify_all();
    for (auto& w : workers_) w.join();
  }
  template <class F>
  void run(F&& f) {
    job_ = [](void* ctx, int t) { (*static_cast<std::remove_reference_t<F>*>(ctx))(t); };
    ctx_ = &f;
    pending_.store(n_ - 1, std::memory_order_relaxed);
    gen_.fetch_add(1, std::memory_order_release);
    gen_.notify_all();
    f(0);
    for (int k = 0;; ++k) {
      const int left = pending_.load(std::memory_order_acquire);
      if (left == 0) break;
      if (k < kSpin) __builtin_ia32_pause();
      else pending_.wait(left, std::memory_order_acquire);
    }
  }

 private:
  static constexpr int kSpin = 4000;  // about 0.1 ms: the serial steps between jobs are shorter
  int n_;
  std::vector<std::thread> workers_;
  std::atomic<uint32_t> gen_{0};
  std::atomic<int> pending_{0};
  bool stop_ = false;  // written before a release of gen_, read after its acquire
  void (*job_)(void*, int) = nullptr;
  void* ctx_ = nullptr;

  void loop(int t) {
    uint32_t seen = 0;
    for (;;) {
      uint32_t g = seen;
      for (int k = 0; (g = gen_.load(std::memory_order_acquire)) == seen; ++k) {
        if (k < kSpin) __builtin_ia32_pause();
        else gen_.wait(seen, std::memory_order_acquire);
      }
      seen = g;
      if (stop_) return;
      job_(ctx_, t);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
  }
};

// Jobs 0..n-1 handed out to a team's members: member t first takes jobs t, t + members, ... in
// order, then any still untaken (from the last down: another member is behind). A job thus runs on
// the same member window after window while the members keep pace, so that its buffers stay in
// that core's cache, and no member waits long for a slowed one.
class JobClaims {
 public:
  explicit JobClaims(int n) : n_(n), taken_(std::make_unique<std::atomic<uint8_t>[]>(static_cast<size_t>(n))) {}
  // Before the team runs the jobs (one thread).
  void reset() {
    for (int j = 0; j < n_; ++j) taken_[j].store(0, std::memory_order_relaxed);
  }
  template <class F>
  void take(int member, int members, F&& job) {
    for (int j = member; j < n_; j += members)
      if (!taken_[j].exchange(1, std::memory_order_relaxed)) job(j);
    for (int j = n_ - 1; j >= 0; --j)
      if (!taken_[j].exchange(1, std::memory_order_relaxed)) job(j);
  }

 private:
  int n_;
  std::unique_ptr<std::atomic<uint8_t>[]> taken_;
};

}  // namespace

struct ExplicitEngine::Witnesses {
  std::vector<uint32_t> property;  // per property: the first violating (for a reachable property:
                                   // satisfying) state found, or kNoParent
  uint32_t model_error = StateStore::kNoParent;  // the state whose successor failed
};

ExplicitEngine::ExplicitEngine(const CompiledSystem& sys) : sys_(sys), store_(sys.layout().num_words()) {}

EngineResult ExplicitEngine::check(const EngineLimits& limits) {
  Witnesses w;
  EngineResult R = explore(limits, w);
  for (size_t p = 0; p < R.properties.size(); ++p) {
    if (w.property[p] == StateStore::kNoParent) continue;
    R.properties[p].witness = trace_to(w.property[p]);
    if (!R.properties[p].witness) R.replay_failed = true;
  }
  if (R.model_error) {
    R.model_error_trace = trace_to(w.model_error);
    if (R.model_error_trace)
      R.model_error_trace->error = R.model_error;
    else
      R.replay_failed = true;
  }
  return R;
}

EngineResult ExplicitEngine::explore(const EngineLimits& limits, Witnesses& W) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_progress = start;
  const StateLayout& L = sys_.layout();
  const ir::Model& m = sys_.model();
  const int n = L.num_slots();
  const int words = L.num_words();
  const int nstates = static_cast<int>(m.state_enum().members.size());
  const size_t ninst = sys_.instances().size();
  const size_t nprops = m.properties.size();
  const int threads = std::max(1, limits.threads);
  const bool report_progress = limits.progress && limits.on_progress;
  const uint64_t index_limit = std::min<uint64_t>(index_limit_, StateStore::kMaxStates);

  EngineResult R;
  R.properties.assign(nprops, PropertyOutcome{});
  W.property.assign(nprops, StateStore::kNoParent);
  R.coverage.fired.assign(ninst, 0);
  R.coverage.overflow.assign(ninst, 0);
  std::vector<Tally> tallies(threads, Tally(ninst, nstates));  // coverage, per thread
  std::vector<int> invariants, stucks, reachables, temporals;
  for (size_t p = 0; p < nprops; ++p) {
    if (!limits.selected.empty() && !(p < limits.selected.size() && limits.selected[p])) continue;
    switch (m.properties[p].kind) {
      case ir::Property::Kind::Invariant: invariants.push_back(static_cast<int>(p)); break;
      case ir::Property::Kind::Stuck: stucks.push_back(static_cast<int>(p)); break;
      case ir::Property::Kind::Reachable: reachables.push_back(static_cast<int>(p)); break;
      case ir::Property::Kind::Coverage: break;  // judged from the coverage by the verifier
      case ir::Property::Kind::Eventually:
      case ir::Property::Kind::LeadsTo:
        if (graph_) temporals.push_back(static_cast<int>(p));  // their predicates, recorded per state
        break;
    }
  }
  ReachableGraph* const G = graph_;
  if (G) {
    *G = ReachableGraph{};
    G->temporal = temporals;
    G->goal.resize(temporals.size());
    G->trigger.resize(temporals.size());
  }
  // The reachable properties not yet satisfied by a merged state: only these are evaluated. The
  // list changes only between windows (never while workers read it), so a worker may still find
  // a property satisfied that an earlier slice of the same window satisfied too; the merge keeps
  // the first in state order, which makes the witness the same for every thread count.
  std::vector<int> open_reachables = reachables;

  // With several threads, a window is cut into chunks (4 per thread) that threads take as they
  // become free, and the table into as many shards, each merged by one thread at a time: a thread
  // slowed down (by the machine's other work, or by costlier states) holds up no one for long.
  const int nchunks = threads == 1 ? 1 : 4 * threads;
  const int nshards = nchunks;
  if (store_.size() == 0) {
    if (limits.compress != store_.fingerprints()) store_ = StateStore(words, limits.compress);
    store_.set_shards(nshards);
  }
  const bool compress = store_.fingerprints();
  {
    std::vector<int32_t> init(n);
    std::vector<uint64_t> packed(words);
    sys_.initial_state(init.data());
    L.pack(init.data(), packed.data());
    store_.insert(packed.data(), StateStore::kNoParent);
  }

  const int sA = sys_.state_slot(0), sB = sys_.state_slot(1);
  std::vector<SliceOutput> slices(nchunks);
  for (auto& s : slices) {
    s.scratch = sys_.make_scratch();
    s.by_shard.resize(threads > 1 ? nshards : 0);
    s.cursor.assign(threads > 1 ? nshards : 0, 0);
    s.first_violation.assign(nprops, SliceOutput::kNone);
  }

  // threads > 1, after a slice's expansion, by the worker that expanded it: each successor is
  // looked up among the stored states (the table is only read while windows expand), here where
  // its words are still in this core's cache. A stored one has its target now (out.tgt); the
  // others (new states, or repeats of the window's) go to their shard's list for the merge.
  auto lookup_stored = [&](SliceOutput& out) {
    for (auto& b : out.by_shard) b.items.clear();
    const size_t count = out.hashes.size();
    out.tgt.resize(count);
    for (size_t j = 0; j < count; ++j) {
      if (j + 16 < count) store_.prefetch(out.hashes[j + 16]);
      if (j + 8 < count) store_.prefetch_match(out.hashes[j + 8]);
      if (!store_.find_stored(&out.words[j * words], out.hashes[j], &out.tgt[j])) {
        out.tgt[j] = SliceOutput::kPending;
        out.by_shard[store_.shard_of(out.hashes[j])].items.push_back(static_cast<uint32_t>(j));
      }
    }
  };

  // A window with claims during the expansion (threads > 1, no fingerprints, no limit that may
  // stop the search inside the window): after a slice's expansion its worker looks each successor
  // up and, where it is neither stored nor claimed, claims a table slot for it at once
  // (StateStore::claim_concurrent), racing the other workers; of the candidates of one state,
  // numbered in BFS order (slice * kCandidateSpan + successor), the first keeps the slot. The
  // parallel merge is then left with numbering. Each shard has room for `claim_budget` claims per
  // slice; a slice that exceeds it (or a window with a model error) gives the window back to the
  // plain path (unclaim_window), and the budget doubles.
  constexpr uint32_t kCandidateSpan = 1u << 20;  // successors per slice, at most, in a claiming window
  bool claiming = false;
  uint64_t claim_budget = claim_budget_;
  auto claim_successors = [&](SliceOutput& out) {
    const uint32_t s = static_cast<uint32_t>(&out - slices.data());
    const size_t count = out.hashes.size();
    const uint32_t base = static_cast<uint32_t>(store_.size());
    out.tgt.resize(count);
    out.link.resize(count);
    out.slot.resize(count);
    out.pending.clear();
    out.claims.assign(nshards, 0);
    out.claims_overflowed = count > kCandidateSpan;
    if (out.claims_overflowed) return;
    auto candidate_words = [&](uint32_t c) { return &slices[c / kCandidateSpan].words[static_cast<size_t>(c % kCandidateSpan) * words]; };
    for (size_t j = 0; j < count; ++j) {
      if (j + 16 < count) store_.prefetch(out.hashes[j + 16]);
      const uint32_t me = s * kCandidateSpan + static_cast<uint32_t>(j);
      out.link[j] = SliceOutput::kFirst;  // (before the claim makes it visible)
      const auto c = store_.claim_concurrent(&out.words[j * words], out.hashes[j], base, me, candidate_words);
      if (c.kind == StateStore::Claimed::kStored) {
        out.tgt[j] = c.value;
        continue;
      }
      out.tgt[j] = SliceOutput::kPending;
      out.pending.push_back(static_cast<uint32_t>(j));
      if (c.kind == StateStore::Claimed::kDuplicate) {
        out.link[j] = c.value;
        continue;
      }
      out.slot[j] = c.pos;
      if (c.kind == StateStore::Claimed::kReplaced) {  // the one replaced now links to this one
        std::atomic_ref<uint32_t>(slices[c.value / kCandidateSpan].link[c.value % kCandidateSpan]).store(me, std::memory_order_relaxed);
      } else if (++out.claims[store_.shard_of(out.hashes[j])] > claim_budget) {
        out.claims_overflowed = true;
        return;
      }
    }
  };
  const bool native_predicates = sys_.has_native_predicates();
  // Expands states [begin, end) into `out`; touches only `out` and read-only shared data.
  auto expand = [&](uint64_t begin, uint64_t end, SliceOutput& out) {
    out.clear();
    std::vector<int32_t> cur(n);
    Scratch& sc = out.scratch;
    ModelError perr;  // filled by property_holds only when evaluating a property fails
    std::vector<uint8_t> holds(2 * nprops);  // all_predicates' answer
    for (uint64_t i = begin; i < end; ++i) {
      L.unpack(store_.get(static_cast<uint32_t>(i)), cur.data());
      size_t vbase = out.violated.size();
      out.violated.resize(vbase + nprops, 0);
      sc.has_error = false;
      // Native code evaluates every predicate in one call; where it is absent, or some predicate
      // fails here, they are evaluated one by one (which finds the same values, and the error).
      const bool batched = native_predicates && sys_.all_predicates(cur.data(), holds.data());
      if (batched) {
        for (int p : invariants) out.violated[vbase + p] = !holds[2 * p];
        for (int p : temporals) out.violated[vbase + p] = static_cast<uint8_t>(holds[2 * p] | holds[2 * p + 1] << 1);
        for (int p : open_reachables) out.violated[vbase + p] = holds[2 * p];
      }
      // Judges property p here: violated, or a model error if evaluating it failed.
      auto judge = [&](int p) {
        if (sys_.property_holds(p, cur.data(), &perr)) return;
        if (perr.property < 0) {
          out.violated[vbase + p] = 1;
          return;
        }
        if (!sc.has_error) {
          sc.has_error = true;
          sc.error = perr;
        }
        perr.property = -1;
      };
      if (!batched) {
        for (int p : invariants) judge(p);
        for (int p : temporals) {  // bit 0: the goal holds here; bit 1: the trigger
          const bool goal = sys_.property_holds(p, cur.data(), &perr);
          const bool trig = perr.property < 0 && sys_.trigger_holds(p, cur.data(), &perr);
          if (perr.property >= 0) {
            if (!sc.has_error) {
              sc.has_error = true;
              sc.error = perr;
            }
            perr.property = -1;
          }
          out.violated[vbase + p] = static_cast<uint8_t>(goal | trig << 1);
        }
        for (int p : open_reachables) {
          if (!sys_.property_holds(p, cur.data(), &perr)) {
            if (perr.property < 0) continue;
            if (!sc.has_error) {
              sc.has_error = true;
              sc.error = perr;
            }
            perr.property = -1;
            continue;
          }
          out.violated[vbase + p] = 1;  // satisfied here
        }
      }
      size_t before = out.succs.size();
      sys_.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
        // (almost always no overflow: no call to the portable popcount then)
        const uint8_t overflow = lab.overflow ? static_cast<uint8_t>(__builtin_popcount(lab.overflow)) : 0;
        SliceOutput::Succ s{-1, lab.ep, 0, 0, overflow};
        if (lab.inst >= 0) {
          const int slot = lab.ep == 0 ? sA : sB;
          s.inst = lab.inst;
          s.from = cur[slot];
          s.to = next[slot];
        } else if (lab.kind == Label::Kind::Unhandled) {
          s.inst = -2 - lab.ep;
        }
        out.succs.push_back(s);
        const size_t at = out.words.size();  // packed straight into the slice's buffer
        out.words.resize(at + words);
        uint64_t* const w = &out.words[at];
        L.pack(next, w);
        out.hashes.push_back(store_.hash(w));
      });
      // A state whose only moves a full channel blocked is an artefact of the capacity bound,
      // not a stuck connection: it is counted (capacity_cut_states), not judged.
      if (out.succs.size() == before && sc.capacity_blocked == 0)
        for (int p : stucks) judge(p);
      out.succ_end.push_back(static_cast<uint32_t>(out.succs.size()));
      out.has_error.push_back(sc.has_error ? 1 : 0);
      out.blocked.push_back(sc.capacity_blocked);
      out.frozen.push_back(sc.time_frozen ? 1 : 0);
      uint8_t flag = 0;
      for (int p : invariants) flag |= out.violated[vbase + p];
      for (int p : stucks) flag |= out.violated[vbase + p];
      for (int p : open_reachables) flag |= out.violated[vbase + p];
      out.flagged.push_back(flag);
      if (sc.has_error) out.errors.push_back(sc.error);
    }
    if (claiming) claim_successors(out);
    else if (!out.by_shard.empty()) lookup_stored(out);
  };

  const uint64_t memory_limit = limits.memory_limit_mb * 1024 * 1024;
  // Levels: the one being expanded is [level_begin, level_end] at `depth`; the sizes of the last
  // two complete levels give the progress line its estimate of what is left.
  uint64_t level_begin = 0, level_end = 0, prev_level_size = 0;
  uint32_t depth = 0;
  auto enter_level = [&](uint64_t discovered) {  // `discovered`: the store's size at that moment
    ++depth;
    prev_level_size = level_end - level_begin + 1;
    level_begin = level_end + 1;
    level_end = discovered - 1;
  };
  bool stopped = false;
  uint64_t idx = 0;
  auto progress = [&](bool final) {
    EngineProgress p;
    p.label = !limits.progress_label.empty() ? limits.progress_label : m.name.empty() ? m.path : m.name;
    p.states = store_.size();
    p.depth = depth;
    p.queue = store_.size() - idx;
    p.level_states = level_end - level_begin + 1;
    p.next_level_states = store_.size() - (level_end + 1);
    // Levels shrinking by a ratio r: the levels after this one hold about size * r / (1 - r)
    // states (geometric extrapolation), of which the next level's found so far are known.
    if (depth >= 2 && p.level_states < prev_level_size) {
      const double r = static_cast<double>(p.level_states) / static_cast<double>(prev_level_size);
      const double rest = static_cast<double>(p.level_states) * r / (1 - r);
      p.estimate_left = static_cast<int64_t>(std::max(0.0, rest - static_cast<double>(p.next_level_states)));
    }
    p.memory_bytes = store_.bytes() + (G ? G->bytes() : 0);
    p.seconds = std::chrono::duration<double>(clock::now() - start).count();
    p.final = final;
    limits.on_progress(p);
  };

  // What the merge records for an expanded state `self` (the k-th of `out`) besides inserting its
  // successors: the graph's row and predicate bits (the graph has room for `self` already:
  // add_states), the per-state counts (out.sums), and for each property violated here that has no
  // witness yet, k as the chunk's first such state unless it has one (out.first_violation).
  // Touches only `out` and the graph's entries of `self`: chunks whose bounds are 64-aligned may
  // be recorded in parallel (the bits of a state share a word with 63 others).
  auto record = [&](SliceOutput& out, size_t k, uint64_t self, uint64_t row, size_t nsucc) {
    if (G) {
      G->rowstart[self] = row;
      for (size_t t = 0; t < temporals.size(); ++t) {
        const uint8_t bits = out.violated[k * nprops + temporals[t]];
        if (bits & 1) G->goal[t].set(self, true);
        if (bits & 2) G->trigger[t].set(self, true);
      }
      if (out.blocked[k] && nsucc == 0) G->capacity_cut.set(self, true);
    }
    if (out.flagged[k]) {
      for (size_t p = 0; p < nprops; ++p) {
        if (G && m.properties[p].temporal()) continue;
        if (out.violated[k * nprops + p] && W.property[p] == StateStore::kNoParent &&
            out.first_violation[p] == SliceOutput::kNone)
          out.first_violation[p] = static_cast<uint32_t>(k);
      }
    }
    out.sums.transitions += nsucc;
    out.sums.blocked += out.blocked[k];
    if (out.blocked[k] && nsucc == 0) ++out.sums.cut;
    out.sums.frozen += out.frozen[k];
  };
  // The witnesses and sums record() left in `out` (chunk starting at state `begin`), taken in state
  // order: a property's first violating state in BFS order is a shortest witness. `depth_of(i)`:
  // the BFS depth of state i.
  auto take_recorded = [&](SliceOutput& out, uint64_t begin, const auto& depth_of) {
    for (size_t p = 0; p < nprops; ++p) {
      const uint32_t k = out.first_violation[p];
      if (k == SliceOutput::kNone) continue;
      out.first_violation[p] = SliceOutput::kNone;
      if (W.property[p] != StateStore::kNoParent) continue;
      PropertyOutcome& o = R.properties[p];
      o.verdict = m.properties[p].kind == ir::Property::Kind::Reachable ? Verdict::Holds : Verdict::Violated;
      W.property[p] = static_cast<uint32_t>(begin + k);
      o.depth = depth_of(begin + k);
    }
    R.transitions += out.sums.transitions;
    R.coverage.capacity_blocked += out.sums.blocked;
    R.coverage.capacity_cut_states += out.sums.cut;
    R.coverage.time_frozen_states += out.sums.frozen;
    out.sums = {};
  };

  // The sequential merge of one slice, state by state in state order (the only merge at -j1, and
  // the one for windows where a limit or a model error may stop the search mid-window).
  auto merge_sequential = [&](uint64_t begin, uint64_t end, SliceOutput& out) {
    Tally& tally = tallies[0];
    size_t succ_begin = 0, err_i = 0;
    for (uint64_t i = begin; i < end; ++i) {
      const size_t k = i - begin;
      // --memory-limit against the resident set: sampled every 4096 states, and before any
      // insertion that would grow the store (its growth is counted in advance).
      if (memory_limit) {
        const uint64_t growth = store_.growth_for(out.succ_end[k] - succ_begin);
        if ((growth || (i & 0xfff) == 0) && resident_bytes() + growth > memory_limit) {
          stopped = true;
          R.stop_reason = "memory limit of " + std::to_string(limits.memory_limit_mb) + " MB reached";
          break;
        }
      }
      if (i > level_end) enter_level(store_.size());
      const uint32_t self = static_cast<uint32_t>(i);
      const size_t succ_end = out.succ_end[k];
      if (G) G->add_states(1);
      record(out, k, self, G ? G->target.size() : 0, succ_end - succ_begin);
      if (out.flagged[k]) take_recorded(out, i - k, [&](uint64_t) { return depth; });
      for (size_t s = succ_begin; s < succ_end; ++s) {
        if (s + 16 < out.hashes.size()) store_.prefetch(out.hashes[s + 16]);
        if (s + 8 < out.hashes.size()) store_.prefetch_match(out.hashes[s + 8]);
        tally.count(out.succs[s]);
        const auto [to, added] = store_.insert(&out.words[s * words], out.hashes[s], self);
        if (compress && added) store_.set_position(to, static_cast<uint32_t>(s - succ_begin));
        if (G) G->target.push_back(to);
      }
      succ_begin = succ_end;
      idx = i + 1;
      if (out.has_error[k]) {
        R.model_error = out.errors[err_i++];
        W.model_error = self;
        stopped = true;
        R.stop_reason = "model error";
        break;
      }
      if (interrupt_requested()) {
        stopped = true;
        R.interrupted = true;
        R.stop_reason = "interrupted";
        break;
      }
      if (limits.max_states && store_.size() >= limits.max_states && idx < store_.size()) {
        stopped = true;
        R.stop_reason = "max-states limit of " + std::to_string(limits.max_states) + " reached";
        break;
      }
      if (store_.size() >= index_limit) {
        stopped = true;
        R.stop_reason = "state index space exhausted";
        break;
      }
    }
    take_recorded(out, begin, [&](uint64_t) { return depth; });  // the sums
  };

  std::optional<Team> team;
  if (threads > 1) team.emplace(threads);
  std::vector<std::pair<uint64_t, uint64_t>> ranges(nchunks);
  std::vector<uint64_t> succ_off(nchunks + 1), new_off(nchunks), new_count(static_cast<size_t>(nshards) * nchunks);
  std::vector<std::pair<uint64_t, uint32_t>> level_starts;  // a window's levels: (first state, depth)
  JobClaims jobs(std::max(nchunks, nshards));  // the chunks or shards of a phase (threads > 1)

  // A claiming window given back: every slot one of its candidates holds is emptied (which leaves
  // the table as it was before the window), and each slice is looked up again the plain way.
  auto unclaim_window = [&](bool lookup_again) {
    for (SliceOutput& out : slices)
      for (uint32_t j : out.pending)
        if (out.link[j] == SliceOutput::kFirst) store_.unclaim(out.hashes[j], out.slot[j]);
    claiming = false;
    if (!lookup_again) return;
    jobs.reset();
    team->run([&](int member) { jobs.take(member, threads, [&](int c) { lookup_stored(slices[c]); }); });
  };

  // The parallel merge of a window (threads > 1), in four steps with the same outcome as the
  // sequential merge: (1) per shard, one thread looks up, in global successor order, the
  // successors of that shard that are not stored states (lookup_stored found those while the
  // window expanded) among the window's earlier candidates, and claims a slot for each first occurrence (the minimal (parent, position): the one a sequential
  // merge would insert), writing what it found beside the shard's list; (2) prefix sums over the
  // claims give each new state its final index in that order, and per chunk one thread copies its
  // new states into the arena (where the arena moves to a bigger block, the threads share out the
  // copy of the stored states too); (3) per shard, the thread that claimed its slots (the same one, as
  // a rule: JobClaims) points them at the final indices, while they are still in its cache;
  // (4) per chunk, its states are recorded (record(); the levels the window enters are found
  // first, and the witnesses taken in chunk order after). In a claiming window (claim_successors)
  // the expansion did (1): the first candidate of each new state holds its slot, the others link
  // to it; (2) sets the slot's entry as it numbers the state, and (3) has nothing left to do.
  // No limit may stop the search inside such a window (the caller checks), so all of it is merged.
  auto merge_parallel = [&](uint64_t window_end) {
    const uint32_t base = static_cast<uint32_t>(store_.size());
    for (int s = 0; s < nchunks; ++s) {
      SliceOutput& out = slices[s];
      succ_off[s + 1] = succ_off[s] + out.succs.size();
      out.new_end.resize(out.succ_end.size());
      out.late.clear();
    }
    auto slice_of = [&](uint32_t c) {  // the slice of the window's candidate c
      int s = 0;
      while (c >= succ_off[s + 1]) ++s;
      return s;
    };
    auto candidate_words = [&](uint32_t c) -> const uint64_t* {
      const int s = slice_of(c);
      return &slices[s].words[(c - succ_off[s]) * words];
    };
    if (!claiming) {  // (1), unless the expansion made the claims
      jobs.reset();
      team->run([&](int member) {
        jobs.take(member, threads, [&](int t) {
        uint64_t incoming = 0;
        for (const auto& out : slices) incoming += out.by_shard[t].items.size();
        store_.reserve_shard(t, incoming);
        for (int s = 0; s < nchunks; ++s) {
          SliceOutput& out = slices[s];
          const std::vector<uint32_t>& list = out.by_shard[t].items;
          std::vector<SliceOutput::Found>& found = out.by_shard[t].found;
          found.resize(list.size());
          uint64_t claimed = 0;
          for (size_t q = 0; q < list.size(); ++q) {
            if (q + 16 < list.size()) store_.prefetch(out.hashes[list[q + 16]]);
            if (q + 8 < list.size()) store_.prefetch_match(out.hashes[list[q + 8]]);
            const uint32_t j = list[q];
            if (compress) {  // the first occurrence claims the fingerprint; the others are seen states
              const bool fresh = store_.claim_fingerprint(t, out.hashes[j]);
              found[q] = {0, StateStore::kUnknown, fresh ? kNew : kStored};
              claimed += fresh;
              continue;
            }
            const auto c = store_.find_or_claim(t, &out.words[static_cast<size_t>(j) * words], out.hashes[j], base,
                                                static_cast<uint32_t>(succ_off[s] + j), candidate_words);
            if (c.claimed) {
              found[q] = {c.pos, 0, kNew};
              ++claimed;
            } else if (c.value < base) {
              found[q] = {0, c.value, kStored};
            } else {
              found[q] = {0, c.value - base, kDuplicate};  // the candidate it repeats
            }
          }
          new_count[static_cast<size_t>(t) * nchunks + s] = claimed;
        }
        });
      });
    }
    uint64_t total_new = 0;
    for (int s = 0; s < nchunks; ++s) {
      new_off[s] = base + total_new;
      if (claiming) {
        for (uint32_t j : slices[s].pending) total_new += slices[s].link[j] == SliceOutput::kFirst;
        continue;
      }
      for (int t = 0; t < nshards; ++t) total_new += new_count[static_cast<size_t>(t) * nchunks + s];
    }
    store_.append(total_new, /*defer_copy=*/true);
    std::atomic<size_t> next_piece{0};
    const uint64_t edge_base = G ? G->target.size() : 0;
    if (G) {
      G->target.resize(edge_base + succ_off[nchunks]);  // (reserved for the window already)
    }
    jobs.reset();
    team->run([&](int thread) {
      Tally& tally = tallies[thread];
      jobs.take(thread, threads, [&](int s) {
      SliceOutput& out = slices[s];
      uint32_t next = static_cast<uint32_t>(new_off[s]);
      std::fill(out.cursor.begin(), out.cursor.end(), 0);
      size_t j = 0;
      for (size_t k = 0; k < out.succ_end.size(); ++k) {
        const uint32_t self = static_cast<uint32_t>(ranges[s].first + k);
        const size_t first = j;  // the state's first successor
        for (; j < out.succ_end[k]; ++j) {
          tally.count(out.succs[j]);
          if (out.tgt[j] != SliceOutput::kPending) {  // a stored state (lookup_stored)
            if (G) G->target[edge_base + succ_off[s] + j] = out.tgt[j];
            continue;
          }
          if (claiming) {
            uint32_t c = out.link[j];
            if (c == SliceOutput::kFirst) {  // the state's first candidate: a new state
              const uint32_t fin = next++;
              store_.set_state(fin, &out.words[j * words]);
              store_.set_parent(fin, self);
              store_.set_entry(out.hashes[j], out.slot[j], fin);
              out.tgt[j] = fin;
            } else {  // a repeat: its first is at the end of the links
              while (c / kCandidateSpan == static_cast<uint32_t>(s) && out.link[c % kCandidateSpan] != SliceOutput::kFirst)
                c = out.link[c % kCandidateSpan];
              if (c / kCandidateSpan != static_cast<uint32_t>(s)) {  // an earlier slice's: resolved later
                out.tgt[j] = c;
                out.late.push_back(static_cast<uint32_t>(j));
                continue;
              }
              out.tgt[j] = out.tgt[c % kCandidateSpan];
            }
            if (G) G->target[edge_base + succ_off[s] + j] = out.tgt[j];
            continue;
          }
          const int t = store_.shard_of(out.hashes[j]);
          SliceOutput::Found& f = out.by_shard[t].found[out.cursor[t]++];
          if (f.kind == kNew) {
            const uint32_t fin = next++;
            store_.set_state(fin, &out.words[j * words]);
            store_.set_parent(fin, self);
            if (compress) store_.set_position(fin, static_cast<uint32_t>(j - first));
            f.value = fin;
            out.tgt[j] = fin;
          } else if (f.kind == kDuplicate) {
            if (f.value < succ_off[s]) {  // repeats a state of an earlier slice: resolved later
              out.tgt[j] = f.value;
              out.late.push_back(static_cast<uint32_t>(j));
              continue;
            }
            out.tgt[j] = out.tgt[f.value - succ_off[s]];  // an earlier new state of this slice
          } else {
            out.tgt[j] = f.value;
          }
          if (G) G->target[edge_base + succ_off[s] + j] = out.tgt[j];
        }
        out.new_end[k] = next;
      }
      });
      for (size_t k; (k = next_piece.fetch_add(1, std::memory_order_relaxed)) < store_.pieces();) store_.copy_piece(k);
    });
    store_.finish_append();
    if (!compress && !claiming) {  // (3)
      jobs.reset();
      team->run([&](int member) {
        jobs.take(member, threads, [&](int t) {
          for (const SliceOutput& out : slices) {
            const SliceOutput::ShardList& list = out.by_shard[t];
            for (size_t q = 0; q < list.items.size(); ++q) {
              if (q + 16 < list.items.size() && list.found[q + 16].kind == kNew)
                store_.prefetch_entry(out.hashes[list.items[q + 16]], list.found[q + 16].pos);
              if (list.found[q].kind == kNew) store_.set_entry(out.hashes[list.items[q]], list.found[q].pos, list.found[q].value);
            }
          }
        });
      });
    }
    // (4) The levels the window enters (in state order: where state i begins a level, the store's
    // size then is the window's base plus the new states of the states before i), then per chunk
    // its states' records, in parallel (chunk bounds inside a window are 64-aligned), and the
    // witnesses and sums in chunk order.
    level_starts.clear();
    for (int s = 0; s < nchunks; ++s) {
      const SliceOutput& out = slices[s];
      while (level_end + 1 < ranges[s].second && level_end + 1 >= ranges[s].first) {
        const uint64_t k = level_end + 1 - ranges[s].first;
        enter_level(k == 0 ? new_off[s] : out.new_end[k - 1]);
        level_starts.push_back({level_begin, depth});
      }
    }
    const uint32_t window_depth = depth - static_cast<uint32_t>(level_starts.size());
    auto depth_of = [&](uint64_t i) {
      uint32_t d = window_depth;
      for (const auto& [first, at] : level_starts)
        if (i >= first) d = at;
      return d;
    };
    if (G) G->add_states(window_end - idx);
    std::atomic<bool> interrupted{false};
    jobs.reset();
    team->run([&](int member) {
      jobs.take(member, threads, [&](int s) {
        SliceOutput& out = slices[s];
        for (uint32_t j : out.late) {  // duplicates of states that an earlier chunk found first
          uint32_t c = out.tgt[j];
          if (claiming) {  // following the links to the first candidate
            while (slices[c / kCandidateSpan].link[c % kCandidateSpan] != SliceOutput::kFirst)
              c = slices[c / kCandidateSpan].link[c % kCandidateSpan];
            out.tgt[j] = slices[c / kCandidateSpan].tgt[c % kCandidateSpan];
          } else {
            const int o = slice_of(c);
            out.tgt[j] = slices[o].tgt[c - succ_off[o]];
          }
          if (G) G->target[edge_base + succ_off[s] + j] = out.tgt[j];
        }
        for (size_t k = 0; k < out.succ_end.size(); ++k) {
          const size_t first = k == 0 ? 0 : out.succ_end[k - 1];
          record(out, k, ranges[s].first + k, edge_base + succ_off[s] + first, out.succ_end[k] - first);
        }
        if (interrupt_requested()) interrupted = true;  // acted on per window
      });
    });
    for (int s = 0; s < nchunks; ++s) take_recorded(slices[s], ranges[s].first, depth_of);
    idx = window_end;
    if (interrupted) {
      stopped = true;
      R.interrupted = true;
      R.stop_reason = "interrupted";
    }
  };

  const uint64_t slice_size = 4096;
  while (idx < store_.size() && !stopped) {
    // A window of already-discovered states, split into chunks.
    const uint64_t window_end = std::min<uint64_t>(store_.size(), idx + slice_size * threads);
    // Chunk bounds inside the window are multiples of 64 (record(): a word of per-state bits is
    // one chunk's).
    const uint64_t per = (window_end - idx + nchunks - 1) / nchunks;
    for (int t = 0; t < nchunks; ++t) {
      auto bound = [&](int c) { return c == 0 ? idx : std::min(window_end, (idx + per * c + 63) & ~uint64_t{63}); };
      ranges[t] = {bound(t), t + 1 == nchunks ? window_end : bound(t + 1)};
    }
    claiming = threads > 1 && !compress && store_.shards() == nshards && window_end - idx >= 64 &&
               !limits.max_states && !memory_limit &&
               store_.size() + uint64_t{kCandidateSpan} * nchunks < index_limit;
    if (claiming)
      for (int t = 0; t < nshards; ++t) store_.reserve_shard(t, (claim_budget + 1) * nchunks);
    if (threads == 1)
      expand(ranges[0].first, ranges[0].second, slices[0]);
    else {
      jobs.reset();
      team->run([&](int member) {
        jobs.take(member, threads, [&](int c) { expand(ranges[c].first, ranges[c].second, slices[c]); });
      });
    }
    if (claiming) {
      bool overflowed = false, errors = false;
      for (const auto& out : slices) {
        overflowed |= out.claims_overflowed;
        errors |= !out.errors.empty();
      }
      if (overflowed) claim_budget *= 2;
      if (overflowed || errors) {
        unclaim_window(/*lookup_again=*/!errors);
      } else {
        for (const auto& out : slices)
          for (int t = 0; t < nshards; ++t) store_.add_claims(t, out.claims[t]);
      }
    }
    // The parallel merge needs a window that no limit or model error can stop midway (those
    // stop at an exact state: the sequential merge finds it), and one worth the synchronisation.
    bool parallel = threads > 1 && store_.shards() == nshards && window_end - idx >= 64;
    if (parallel) {
      uint64_t total = 0;
      for (const auto& out : slices) {
        total += out.succs.size();
        if (!out.errors.empty()) parallel = false;
      }
      if (limits.max_states && store_.size() + total >= limits.max_states) parallel = false;
      if (store_.size() + total >= index_limit) parallel = false;
      if (memory_limit && parallel) {
        const uint64_t growth = store_.growth_for(total);
        if (growth || resident_bytes() > memory_limit) parallel = false;
      }
    }
    if (G) {  // room for the window's rows and edges (as push_back would make, with huge pages)
      uint64_t edges = 0;
      for (const auto& out : slices) edges += out.succs.size();
      reserve_bulk(G->target, G->target.size() + edges);
      reserve_bulk(G->rowstart, G->rowstart.size() + (window_end - idx) + 1);
    }
    if (parallel) {
      merge_parallel(window_end);
    } else {
      // Merge in state order: identical to a sequential search whatever the thread count.
      for (int t = 0; t < nchunks && !stopped; ++t) merge_sequential(ranges[t].first, ranges[t].second, slices[t]);
    }
    store_.forget_before(idx);  // (fingerprint mode: the expanded states' words are not needed any more)
    if (!open_reachables.empty())
      std::erase_if(open_reachables, [&](int p) { return W.property[p] != StateStore::kNoParent; });
    const auto now = clock::now();
    if (report_progress && now - last_progress > std::chrono::milliseconds(500)) {
      last_progress = now;
      progress(false);
    }
  }
  team.reset();
  if (report_progress && last_progress != start) progress(true);
  R.complete = !stopped;
  R.states = store_.size();
  if (G) G->rowstart.push_back(G->target.size());
  R.depth = depth;
  // A property with no witness state: an invariant or stuck property holds when the search is
  // complete; a reachable property is then violated (no reachable state satisfies it).
  // Coverage properties are the verifier's, and unselected ones stay Inconclusive.
  for (size_t p = 0; p < nprops; ++p) {
    if (W.property[p] != StateStore::kNoParent) continue;
    if (m.properties[p].kind == ir::Property::Kind::Coverage || m.properties[p].temporal() ||
        (!limits.selected.empty() && !(p < limits.selected.size() && limits.selected[p])))
      continue;
    const bool reach = m.properties[p].kind == ir::Property::Kind::Reachable;
    R.properties[p].verdict = !R.complete ? Verdict::Inconclusive : reach ? Verdict::Violated : Verdict::Holds;
  }
  // Coverage: the per-thread counts summed (sums do not depend on which thread counted what), the
  // endpoint transitions in key order and then sorted stably, so that their order is fixed too.
  std::map<uint64_t, uint64_t> ept;
  for (const Tally& t : tallies) {
    for (size_t i = 0; i < ninst; ++i) {
      R.coverage.fired[i] += t.fired[i];
      R.coverage.overflow[i] += t.overflow[i];
    }
    R.coverage.unhandled[0] += t.unhandled[0];
    R.coverage.unhandled[1] += t.unhandled[1];
    for (const auto& [key, count] : t.ept.entries()) ept[key] += count;
  }
  for (const auto& [key, count] : ept) {
    const uint64_t i = key / (static_cast<uint64_t>(nstates) * nstates);
    const int f = static_cast<int>(key / nstates % nstates), t = static_cast<int>(key % nstates);
    R.coverage.endpoint_transitions.push_back({sys_.instances()[i].ep, sys_.instances()[i].rule, f, t, count});
  }
  std::stable_sort(R.coverage.endpoint_transitions.begin(), R.coverage.endpoint_transitions.end(),
                   [](const EndpointTransition& a, const EndpointTransition& b) {
                     return std::tie(a.ep, a.from, a.rule, a.to) < std::tie(b.ep, b.from, b.rule, b.to);
                   });
  if (compress) {
    R.omission_probability = store_.omission_probability();
    bool unchecked = false;
    for (size_t p = 0; p < nprops; ++p)
      if (m.properties[p].temporal() && !G && (limits.selected.empty() || (p < limits.selected.size() && limits.selected[p]))) {
        R.properties[p].basis = Basis::NotChecked;
        unchecked = true;
      }
    if (unchecked) R.notes.push_back("--compress keeps no state graph: temporal properties were not checked");
  }
  R.seconds = std::chrono::duration<double>(clock::now() - start).count();
  R.memory_bytes = store_.bytes() + (G ? G->bytes() : 0);
  return R;
}

std::optional<Trace> ExplicitEngine::trace_to(uint32_t state) const {
  std::vector<std::vector<uint64_t>> path;
  if (store_.fingerprints()) {
    path = path_by_positions(state);
  } else {
    for (uint32_t s = state; s != StateStore::kNoParent; s = store_.parent(s)) {
      const uint64_t* w = store_.get(s);
      path.emplace_back(w, w + store_.words());
    }
    std::reverse(path.begin(), path.end());
  }
  if (path.empty()) return std::nullopt;
  auto t = replay_path(sys_, path);
  if (t && !validate_trace(sys_, *t)) return std::nullopt;
  return t;
}

// Fingerprint mode: the states on the tree path to `state` are gone, but each one's position among
// its parent's successors is kept: the path is rebuilt forwards from the initial state, taking
// that successor each time (successors() enumerates in a fixed order). Empty if a position does
// not exist (which would be a bug in tcpmc).
std::vector<std::vector<uint64_t>> ExplicitEngine::path_by_positions(uint32_t state) const {
  std::vector<uint32_t> chain;
  for (uint32_t s = state; s != StateStore::kNoParent; s = store_.parent(s)) chain.push_back(s);
  std::reverse(chain.begin(), chain.end());
  const StateLayout& L = sys_.layout();
  std::vector<int32_t> cur(L.num_slots()), next(L.num_slots());
  std::vector<uint64_t> packed(L.num_words());
  sys_.initial_state(cur.data());
  L.pack(cur.data(), packed.data());
  std::vector<std::vector<uint64_t>> path{packed};
  Scratch sc = sys_.make_scratch();
  for (size_t k = 1; k < chain.size(); ++k) {
    const uint32_t want = store_.position(chain[k]);
    uint32_t at = 0;
    bool found = false;
    sys_.successors(cur.data(), sc, [&](const Label&, const int32_t* n) {
      if (at++ != want) return;
      std::copy(n, n + L.num_slots(), next.begin());
      found = true;
    });
    if (!found) return {};
    cur.swap(next);
    L.pack(cur.data(), packed.data());
    path.push_back(packed);
  }
  return path;
}

}  // namespace tcpmc
