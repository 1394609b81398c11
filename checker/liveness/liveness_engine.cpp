#include "liveness_engine.hpp"

#include <chrono>

#include "fair_components.hpp"
#include "interrupt.hpp"
#include "lasso_fairness.hpp"
#include "lasso_search.hpp"

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

EngineResult LivenessEngine::check(const EngineLimits& limits) {
  ReachableGraph recorded;
  search_.record_graph(&recorded);
  EngineResult R = search_.check(limits);
  if (!R.complete || recorded.temporal.empty()) return R;
  search_.release_index();
  const auto start = std::chrono::steady_clock::now();
  EngineResult::Liveness stats;
  stats.graph_bytes = recorded.bytes();
  stats.edges = recorded.edges();
  const std::vector<int> temporal = std::move(recorded.temporal);
  std::vector<StateBits> goal = std::move(recorded.goal), trigger = std::move(recorded.trigger);
  const StateGraph g(std::move(recorded));
  FairnessConstraints F(sys_, limits.fairness);
  EdgeActions actions(sys_, search_.store(), F);
  for (size_t t = 0; t < temporal.size(); ++t) {
    if (interrupt_requested()) {
      R.interrupted = true;
      R.stop_reason = "interrupted";
      break;
    }
    const int p = temporal[t];
    StateBits outside_goal;
    outside_goal.assign(g.states(), false);
    for (uint32_t s = 0; s < g.states(); ++s)
      if (!goal[t][s]) outside_goal.set(s, true);
    const FairComponents fair = fair_components(g, outside_goal, F, actions);
    stats.scc_rounds += fair.rounds;
    const bool leadsto = sys_.model().properties[p].kind == ir::Property::Kind::LeadsTo;
    auto lasso = find_lasso(g, search_.store(), goal[t], leadsto ? &trigger[t] : nullptr, fair, F, actions);
    PropertyOutcome& o = R.properties[p];
    if (!lasso) {
      o.verdict = Verdict::Holds;
      continue;
    }
    o.verdict = Verdict::Violated;
    o.depth = static_cast<uint32_t>(lasso->edges.size());
    o.witness = lasso_trace(sys_, g, search_.store(), *lasso, F);
    if (!o.witness) R.replay_failed = true;
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  R.seconds += stats.seconds;
  R.memory_bytes = std::max<uint64_t>(R.memory_bytes, stats.graph_bytes);
  R.liveness = stats;
  return R;
}

}  // namespace tcpmc
