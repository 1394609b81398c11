#include "temporal_judge.hpp"

#include <algorithm>

#include "lasso_fairness.hpp"
#include "lasso_search.hpp"
#include "trigger_region.hpp"

namespace tcpmc {
namespace {

// The lasso as a trace of the model: replayed edge by edge (each edge is the k-th successor of its
// state), every state compared with the one the search stored, the loop checked to close and,
// independently of the components, to be fair (lasso_fairness.hpp).
std::optional<Trace> lasso_trace(const CompiledSystem& sys, const StateGraph& g, const StateStore& store,
                                 const Lasso& lasso, FairnessConstraints& F) {
  std::vector<uint32_t> choices;
  std::vector<uint32_t> visited;
  for (uint64_t e : lasso.edges) {
    const auto& rows = g.csr().m_forward.m_rowstart;
    const uint32_t from = static_cast<uint32_t>(std::upper_bound(rows.begin(), rows.end(), e) - rows.begin() - 1);
    choices.push_back(static_cast<uint32_t>(e - g.first_edge(from)));
    visited.push_back(g.target(e));
  }
  auto t = replay_choices(sys, choices);
  if (!t) return std::nullopt;
  const StateLayout& L = sys.layout();
  std::vector<uint64_t> packed(L.num_words());
  for (size_t i = 0; i < t->steps.size(); ++i) {
    L.pack(t->steps[i].state.data(), packed.data());
    if (!std::equal(packed.begin(), packed.end(), store.get(visited[i]))) return std::nullopt;
  }
  t->loop_start = lasso.loop_start;
  if (!validate_trace(sys, *t) || !loop_is_fair(sys, *t, F)) return std::nullopt;
  return t;
}

}  // namespace

const std::vector<uint32_t>& TreeDepths::get() {
  std::call_once(once_, [this] {
    // State indices are in breadth-first order: a parent comes before its children.
    depth_.assign(states_, 0);
    for (uint32_t s = 1; s < states_; ++s) depth_[s] = depth_[tree_.parent(s)] + 1;
  });
  return depth_;
}

TemporalJudge::TemporalJudge(const TemporalInput& in)
    : in_(in), F_(in.sys, in.fairness), actions_(in.sys, in.store, F_) {}

void TemporalJudge::judge(size_t t, PropertyOutcome& o) {
  const int p = in_.temporal[t];
  const bool leadsto = in_.sys.model().properties[p].kind == ir::Property::Kind::LeadsTo;
  const StateBits* trigger = leadsto ? &in_.trigger[t] : nullptr;
  trigger_region(in_.graph, in_.goal[t], trigger, region_, queue_);
  fair_components(in_.graph, region_, F_, actions_, buffers_, fair_);
  scc_rounds_ += fair_.rounds;
  std::optional<Lasso> lasso;
  if (fair_.count > 0)
    lasso = find_lasso(in_.graph, in_.depths.get(), in_.store, in_.goal[t], trigger, fair_, F_, actions_);
  if (!lasso) {
    o.verdict = Verdict::Holds;
    return;
  }
  o.verdict = Verdict::Violated;
  o.depth = static_cast<uint32_t>(lasso->edges.size());
  o.witness = lasso_trace(in_.sys, in_.graph, in_.store, *lasso, F_);
  if (!o.witness) replay_failed_ = true;
}

}  // namespace tcpmc
