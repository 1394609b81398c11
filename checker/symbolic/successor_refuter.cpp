#include "successor_refuter.hpp"

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <unordered_set>

#include "wide_moves.hpp"

namespace tcpmc::symbolic {

namespace {

ir::Model with_lemmas_as_properties(const ir::Model& m) {
  ir::Model e = m;
  for (const ir::Property& l : m.lemmas) {
    ir::Property p = l;
    p.kind = ir::Property::Kind::Invariant;
    e.properties.push_back(std::move(p));
  }
  e.lemmas.clear();
  return e;
}

std::string key(const int32_t* s, int n) { return std::string(reinterpret_cast<const char*>(s), sizeof(int32_t) * n); }

// A slot holding a sequence number of many bits (any bit pattern is a value).
bool wide_slot(const Slot& s) { return s.hi - s.lo >= (int64_t{1} << 20); }

// What the induction step's free state must be (Unroller::well_formed): every slot in its range,
// the records past a channel's count zero, and under reordering the records in flight sorted as
// CompiledSystem::canonicalize sorts them.
bool well_formed(const CompiledSystem& sys, const int32_t* s) {
  const StateLayout& L = sys.layout();
  for (int j = 0; j < L.num_slots(); ++j) {
    const Slot& sl = L.slot(j);
    if (!wide_slot(sl) && (s[j] < sl.lo || s[j] > sl.hi)) return false;
  }
  const int stride = L.seg_stride();
  for (int ch = 0; ch < 2; ++ch) {
    const int count = s[L.chan_count(ch)];
    for (int p = count; p < L.capacity(); ++p)
      for (int f = 0; f < stride; ++f)
        if (s[L.seg_base(ch, p) + f] != 0) return false;
    if (sys.faults().reorder)
      for (int p = 0; p + 1 < count; ++p) {
        const int32_t* a = s + L.seg_base(ch, p);
        const int32_t* b = s + L.seg_base(ch, p + 1);
        if (std::lexicographical_compare(b, b + stride, a, a + stride)) return false;
      }
  }
  return true;
}

}  // namespace

struct SuccessorRefuter::Impl {
  explicit Impl(const CompiledSystem& sys)
      : model(with_lemmas_as_properties(sys.model())),
        eval(model, sys.faults()),
        moves(eval),
        sc(eval.make_scratch()),
        nprops(sys.model().properties.size()),
        words((eval.layout().num_slots() + 63) / 64),
        reads(model.properties.size() * words, 0) {
    for (size_t p = 0; p < model.properties.size(); ++p)
      for (int j : eval.property_reads(static_cast<int>(p))) reads[p * words + j / 64] |= uint64_t{1} << (j % 64);
  }
  ir::Model model;
  CompiledSystem eval;
  WideMoves moves;
  Scratch sc;
  size_t nprops;
  size_t words;                 // of a slot mask
  std::vector<uint64_t> reads;  // per evaluated property, the mask of the slots it reads

  int index(const Goal* g) const { return g->property >= 0 ? g->property : static_cast<int>(nprops) + g->lemma; }
  // Whether goal g reads a slot in `changed` (a slot mask).
  bool reads_changed(const Goal* g, const std::vector<uint64_t>& changed) const {
    const uint64_t* r = reads.data() + static_cast<size_t>(index(g)) * words;
    for (size_t w = 0; w < words; ++w)
      if (r[w] & changed[w]) return true;
    return false;
  }
};

SuccessorRefuter::SuccessorRefuter(const CompiledSystem& sys, size_t max_expanded)
    : impl_(std::make_unique<Impl>(sys)), max_expanded_(max_expanded) {}

SuccessorRefuter::~SuccessorRefuter() = default;

bool SuccessorRefuter::holds(const Goal* g, const int32_t* state) const {
  return impl_->eval.property_holds(impl_->index(g), state);
}

std::vector<uint8_t> SuccessorRefuter::false_in(const int32_t* state, const std::vector<Goal*>& set) const {
  std::vector<uint8_t> out(set.size(), 0);
  for (size_t i = 0; i < set.size(); ++i) out[i] = !holds(set[i], state);
  return out;
}

std::vector<Goal*> SuccessorRefuter::refine(const std::vector<int32_t>& pre, const std::vector<Goal*>& set,
                                            const std::vector<int32_t>& extra_seq, size_t budget) {
  const int n = impl_->eval.layout().num_slots();
  if (static_cast<int>(pre.size()) != n) return set;
  for (const Goal* g : set)
    if (!holds(g, pre.data())) {
      ++disagree_;
      return set;
    }
  std::vector<Goal*> alive = set;
  std::deque<std::vector<int32_t>> todo{pre};
  std::unordered_set<std::string> seen{key(pre.data(), n)};
  size_t expanded = 0;
  std::vector<std::vector<int32_t>> next;
  std::vector<Goal*> kept;
  std::vector<uint64_t> changed;  // the slots a move changed, as a mask
  // When the states reachable from `pre` inside the set run out: a state visited with one to
  // three slots changed, kept when it is well formed and satisfies the set (then as good a pre-state as Z3's).
  std::vector<std::vector<int32_t>> visited{pre};
  std::mt19937_64 rng(expanded_ + 1);
  auto mutant = [&]() -> bool {
    for (int attempt = 0; attempt < 64; ++attempt) {
      std::vector<int32_t> m = visited[rng() % visited.size()];
      for (uint64_t k = 0, changes = 1 + rng() % 3; k < changes; ++k) {
        const int j = static_cast<int>(rng() % static_cast<uint64_t>(n));
        const Slot& sl = impl_->eval.layout().slot(j);
        if (wide_slot(sl)) {
          const std::vector<int32_t> pool = impl_->moves.seq_pool(m.data());
          m[j] = pool[rng() % pool.size()];
        } else {
          m[j] = static_cast<int32_t>(sl.lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(sl.hi - sl.lo + 1)));
        }
      }
      if (!well_formed(impl_->eval, m.data()) || !seen.insert(key(m.data(), n)).second) continue;
      bool all = true;
      for (const Goal* g : alive) all = all && holds(g, m.data());
      if (!all) continue;
      ++mutants_;
      todo.push_back(m);
      return true;
    }
    return false;
  };
  const size_t max_expanded = std::min(budget, max_expanded_);
  while (expanded < max_expanded && !alive.empty()) {
    if (todo.empty() && (!mutate_ || !mutant())) break;
    const std::vector<int32_t> s = std::move(todo.front());
    todo.pop_front();
    visited.push_back(s);
    ++expanded;
    next.clear();
    impl_->moves.for_each(s.data(), impl_->moves.seq_pool(s.data(), extra_seq), impl_->sc,
                          [&](const Label&, const int32_t* t) {
                            if (seen.insert(key(t, n)).second) next.emplace_back(t, t + n);
                          });
    for (const auto& t : next) {
      ++evaluated_;
      // Every goal left holds in s (s satisfied the goals alive when it was queued, a superset):
      // only the goals reading a slot that the move changed can be false in t.
      changed.assign(impl_->words, 0);
      for (int j = 0; j < n; ++j)
        if (t[j] != s[j]) changed[j / 64] |= uint64_t{1} << (j % 64);
      kept.clear();
      for (Goal* g : alive)
        if (!impl_->reads_changed(g, changed) || holds(g, t.data())) kept.push_back(g);
      alive.swap(kept);
      todo.push_back(t);  // satisfies every goal left
    }
  }
  expanded_ += expanded;
  return alive;
}

}  // namespace tcpmc::symbolic
