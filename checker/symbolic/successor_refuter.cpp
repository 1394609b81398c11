#include "successor_refuter.hpp"

#include <deque>
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

}  // namespace

struct SuccessorRefuter::Impl {
  explicit Impl(const CompiledSystem& sys)
      : model(with_lemmas_as_properties(sys.model())), eval(model, sys.faults()), moves(eval), sc(eval.make_scratch()) {}
  ir::Model model;
  CompiledSystem eval;
  WideMoves moves;
  Scratch sc;
  size_t nprops = 0;
};

SuccessorRefuter::SuccessorRefuter(const CompiledSystem& sys, size_t max_expanded)
    : impl_(std::make_unique<Impl>(sys)), max_expanded_(max_expanded) {
  impl_->nprops = sys.model().properties.size();
}

SuccessorRefuter::~SuccessorRefuter() = default;

bool SuccessorRefuter::holds(const Goal* g, const int32_t* state) const {
  const int p = g->property >= 0 ? g->property : static_cast<int>(impl_->nprops) + g->lemma;
  return impl_->eval.property_holds(p, state);
}

std::vector<uint8_t> SuccessorRefuter::false_in(const int32_t* state, const std::vector<Goal*>& set) const {
  std::vector<uint8_t> out(set.size(), 0);
  for (size_t i = 0; i < set.size(); ++i) out[i] = !holds(set[i], state);
  return out;
}

std::vector<Goal*> SuccessorRefuter::refine(const std::vector<int32_t>& pre, const std::vector<Goal*>& set,
                                            const std::vector<int32_t>& extra_seq) {
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
  while (!todo.empty() && expanded < max_expanded_ && !alive.empty()) {
    const std::vector<int32_t> s = std::move(todo.front());
    todo.pop_front();
    ++expanded;
    next.clear();
    impl_->moves.for_each(s.data(), impl_->moves.seq_pool(s.data(), extra_seq), impl_->sc,
                          [&](const Label&, const int32_t* t) {
                            if (seen.insert(key(t, n)).second) next.emplace_back(t, t + n);
                          });
    for (const auto& t : next) {
      ++evaluated_;
      std::vector<Goal*> kept;
      kept.reserve(alive.size());
      for (Goal* g : alive)
        if (holds(g, t.data())) kept.push_back(g);
      alive = std::move(kept);
      todo.push_back(t);  // satisfies every goal left
    }
  }
  expanded_ += expanded;
  return alive;
}

}  // namespace tcpmc::symbolic
