#include "explicit_engine.hpp"

#include "interrupt.hpp"
#include "process_memory.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace tcpmc {

namespace {

// What expanding one window slice produced: successors (packed) with what coverage needs, and per
// expanded state its successor count, violated properties and any model error. Filled by one
// worker; read by the merge, which replays it in state order exactly as a sequential search would.
struct SliceOutput {
  struct Succ {
    int32_t inst;     // rule instance, or -1 (network/tick), or -2 - ep for an unhandled arrival
    uint8_t ep;
    int32_t from, to; // the acting endpoint's TCP state before and after (any enum size)
    uint8_t overflow; // segments this step sent into a full channel
  };
  std::vector<uint64_t> words;
  std::vector<uint64_t> hashes;  // per successor, computed by the worker
  std::vector<Succ> succs;
  std::vector<uint32_t> succ_end;       // per state: end offset into succs
  std::vector<uint8_t> violated;        // per state x property: an invariant or stuck property
                                        // violated, or a reachable property satisfied, here
  std::vector<uint8_t> has_error;       // per state
  std::vector<uint32_t> blocked;        // per state: transitions a full channel blocked
  std::vector<uint8_t> frozen;          // per state: an expired timer no timeout takes
  std::vector<ModelError> errors;       // in order of states with has_error
  Scratch scratch;
  void clear() {
    words.clear();
    hashes.clear();
    succs.clear();
    succ_end.clear();
    violated.clear();
    has_error.clear();
    blocked.clear();
    frozen.clear();
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

  EngineResult R;
  R.properties.assign(nprops, PropertyOutcome{});
  W.property.assign(nprops, StateStore::kNoParent);
  R.coverage.fired.assign(ninst, 0);
  R.coverage.overflow.assign(ninst, 0);
  TransitionCounter ept;
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

  {
    std::vector<int32_t> init(n);
    std::vector<uint64_t> packed(words);
    sys_.initial_state(init.data());
    L.pack(init.data(), packed.data());
    store_.insert(packed.data(), StateStore::kNoParent);
  }

  const int sA = sys_.state_slot(0), sB = sys_.state_slot(1);
  std::vector<SliceOutput> slices(threads);
  for (auto& s : slices) s.scratch = sys_.make_scratch();

  // Expands states [begin, end) into `out`; touches only `out` and read-only shared data.
  auto expand = [&](uint64_t begin, uint64_t end, SliceOutput& out) {
    out.clear();
    std::vector<int32_t> cur(n);
    std::vector<uint64_t> packed(words);
    Scratch& sc = out.scratch;
    ModelError perr;  // filled by property_holds only when evaluating a property fails
    for (uint64_t i = begin; i < end; ++i) {
      L.unpack(store_.get(static_cast<uint32_t>(i)), cur.data());
      size_t vbase = out.violated.size();
      out.violated.resize(vbase + nprops, 0);
      sc.has_error = false;
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
      size_t before = out.succs.size();
      sys_.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
        SliceOutput::Succ s{-1, lab.ep, 0, 0, static_cast<uint8_t>(__builtin_popcount(lab.overflow))};
        if (lab.inst >= 0) {
          const int slot = lab.ep == 0 ? sA : sB;
          s.inst = lab.inst;
          s.from = cur[slot];
          s.to = next[slot];
        } else if (lab.kind == Label::Kind::Unhandled) {
          s.inst = -2 - lab.ep;
        }
        out.succs.push_back(s);
        L.pack(next, packed.data());
        out.words.insert(out.words.end(), packed.begin(), packed.end());
        out.hashes.push_back(store_.hash(packed.data()));
      });
      // A state whose only moves a full channel blocked is an artefact of the capacity bound,
      // not a stuck connection: it is counted (capacity_cut_states), not judged.
      if (out.succs.size() == before && sc.capacity_blocked == 0)
        for (int p : stucks) judge(p);
      out.succ_end.push_back(static_cast<uint32_t>(out.succs.size()));
      out.has_error.push_back(sc.has_error ? 1 : 0);
      out.blocked.push_back(sc.capacity_blocked);
      out.frozen.push_back(sc.time_frozen ? 1 : 0);
      if (sc.has_error) out.errors.push_back(sc.error);
    }
  };

  const uint64_t memory_limit = limits.memory_limit_mb * 1024 * 1024;
  uint64_t level_end = 0;
  uint32_t depth = 0;
  bool stopped = false;
  uint64_t idx = 0;
  auto progress = [&](bool final) {
    EngineProgress p;
    p.label = !limits.progress_label.empty() ? limits.progress_label : m.name.empty() ? m.path : m.name;
    p.states = store_.size();
    p.depth = depth;
    p.queue = store_.size() - idx;
    p.memory_bytes = store_.bytes() + (G ? G->bytes() : 0);
    p.seconds = std::chrono::duration<double>(clock::now() - start).count();
    p.final = final;
    limits.on_progress(p);
  };
  const uint64_t slice_size = 4096;
  while (idx < store_.size() && !stopped) {
    // A window of already-discovered states, split into one slice per thread.
    const uint64_t window_end = std::min<uint64_t>(store_.size(), idx + slice_size * threads);
    const uint64_t per = (window_end - idx + threads - 1) / threads;
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (int t = 0; t < threads; ++t) {
      uint64_t b = std::min(window_end, idx + per * t), e = std::min(window_end, b + per);
      ranges.emplace_back(b, e);
    }
    if (threads == 1) {
      expand(ranges[0].first, ranges[0].second, slices[0]);
    } else {
      std::vector<std::thread> workers;
      for (int t = 1; t < threads; ++t)
        workers.emplace_back(expand, ranges[t].first, ranges[t].second, std::ref(slices[t]));
      expand(ranges[0].first, ranges[0].second, slices[0]);
      for (auto& w : workers) w.join();
    }
    // Merge in state order: identical to a sequential search whatever the thread count.
    for (int t = 0; t < threads && !stopped; ++t) {
      const SliceOutput& out = slices[t];
      size_t succ_begin = 0, err_i = 0;
      for (uint64_t i = ranges[t].first; i < ranges[t].second; ++i) {
        const size_t k = i - ranges[t].first;
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
        if (i > level_end) {
          ++depth;
          level_end = store_.size() - 1;
        }
        const uint32_t self = static_cast<uint32_t>(i);
        if (G) {
          G->rowstart.push_back(G->target.size());
          for (size_t t = 0; t < temporals.size(); ++t) {
            const uint8_t bits = out.violated[k * nprops + temporals[t]];
            G->goal[t].push_back(bits & 1);
            G->trigger[t].push_back(bits & 2);
          }
          G->capacity_cut.push_back(out.blocked[k] && out.succ_end[k] == succ_begin);
        }
        for (size_t p = 0; p < nprops; ++p) {
          if (G && m.properties[p].temporal()) continue;
          PropertyOutcome& o = R.properties[p];
          if (out.violated[k * nprops + p] && W.property[p] == StateStore::kNoParent) {
            // the first such state in BFS order: a shortest witness
            o.verdict = m.properties[p].kind == ir::Property::Kind::Reachable ? Verdict::Holds : Verdict::Violated;
            W.property[p] = self;
            o.depth = depth;
          }
        }
        const size_t succ_end = out.succ_end[k];
        for (size_t s = succ_begin; s < succ_end; ++s) {
          if (s + 8 < out.hashes.size()) store_.prefetch(out.hashes[s + 8]);
          const auto& info = out.succs[s];
          if (info.inst >= 0) {
            ++R.coverage.fired[info.inst];
            R.coverage.overflow[info.inst] += info.overflow;
            ept.add((static_cast<uint64_t>(info.inst) * nstates + info.from) * nstates + info.to);
          } else if (info.inst <= -2) {
            ++R.coverage.unhandled[-2 - info.inst];
          }
          const uint32_t to = store_.insert(&out.words[s * words], out.hashes[s], self).first;
          if (G) G->target.push_back(to);
        }
        R.transitions += succ_end - succ_begin;
        R.coverage.capacity_blocked += out.blocked[k];
        if (out.blocked[k] && succ_end == succ_begin) ++R.coverage.capacity_cut_states;
        R.coverage.time_frozen_states += out.frozen[k];
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
        if (store_.size() >= 0xfffffff0u) {
          stopped = true;
          R.stop_reason = "state index space exhausted";
          break;
        }
      }
    }
    if (!open_reachables.empty())
      std::erase_if(open_reachables, [&](int p) { return W.property[p] != StateStore::kNoParent; });
    const auto now = clock::now();
    if (report_progress && now - last_progress > std::chrono::milliseconds(500)) {
      last_progress = now;
      progress(false);
    }
  }
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
  for (const auto& [key, count] : ept.entries()) {
    const uint64_t i = key / (static_cast<uint64_t>(nstates) * nstates);
    const int f = static_cast<int>(key / nstates % nstates), t = static_cast<int>(key % nstates);
    R.coverage.endpoint_transitions.push_back({sys_.instances()[i].ep, sys_.instances()[i].rule, f, t, count});
  }
  std::sort(R.coverage.endpoint_transitions.begin(), R.coverage.endpoint_transitions.end(),
            [](const EndpointTransition& a, const EndpointTransition& b) {
              return std::tie(a.ep, a.from, a.rule, a.to) < std::tie(b.ep, b.from, b.rule, b.to);
            });
  R.seconds = std::chrono::duration<double>(clock::now() - start).count();
  R.memory_bytes = store_.bytes() + (G ? G->bytes() : 0);
  return R;
}

std::optional<Trace> ExplicitEngine::trace_to(uint32_t state) const {
  std::vector<std::vector<uint64_t>> path;
  for (uint32_t s = state; s != StateStore::kNoParent; s = store_.parent(s)) {
    const uint64_t* w = store_.get(s);
    path.emplace_back(w, w + store_.words());
  }
  std::reverse(path.begin(), path.end());
  auto t = replay_path(sys_, path);
  if (t && !validate_trace(sys_, *t)) return std::nullopt;
  return t;
}

}  // namespace tcpmc
