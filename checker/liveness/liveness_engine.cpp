#include "liveness_engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <numeric>
#include <thread>

#include "interrupt.hpp"
#include "temporal_judge.hpp"

namespace tcpmc {

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
  const std::vector<StateBits> goal = std::move(recorded.goal), trigger = std::move(recorded.trigger);
  const StateGraph g(std::move(recorded));
  TreeDepths depths(search_.store(), g.states());
  const TemporalInput in{sys_, g, search_.store(), temporal, goal, trigger, limits.fairness, depths};

  // The properties in order of decreasing work (states without the goal), so that no thread is
  // left with the largest one at the end; each thread takes the next one not taken. The order and
  // the thread change only when a verdict is found, never what it is.
  std::vector<size_t> order(temporal.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::vector<uint64_t> work(temporal.size());
  for (size_t t = 0; t < temporal.size(); ++t) work[t] = g.states() - goal[t].count();
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return work[a] > work[b]; });
  const size_t threads = std::clamp<size_t>(limits.threads > 0 ? static_cast<size_t>(limits.threads) : 1, 1, temporal.size());
  std::vector<std::unique_ptr<TemporalJudge>> judges;
  for (size_t i = 0; i < threads; ++i) judges.push_back(std::make_unique<TemporalJudge>(in));
  std::atomic<size_t> next{0};
  std::atomic<bool> interrupted{false};
  std::vector<std::exception_ptr> failed(threads);  // a judge's exception, rethrown by the caller
  auto run = [&](size_t i) {
    try {
      for (size_t k = next++; k < order.size(); k = next++) {
        if (interrupt_requested()) {
          interrupted = true;
          return;
        }
        judges[i]->judge(order[k], R.properties[temporal[order[k]]]);
      }
    } catch (...) {
      failed[i] = std::current_exception();
      next = order.size();  // the other judges take no more
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (size_t i = 1; i < threads; ++i) helpers.emplace_back(run, i);
    run(0);
  }
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
  for (const auto& j : judges) {
    stats.scc_rounds += j->scc_rounds();
    if (j->replay_failed()) R.replay_failed = true;
  }
  if (interrupted) {
    R.interrupted = true;
    R.stop_reason = "interrupted";
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  R.seconds += stats.seconds;
  R.memory_bytes = std::max<uint64_t>(R.memory_bytes, stats.graph_bytes);
  R.liveness = stats;
  return R;
}

}  // namespace tcpmc
