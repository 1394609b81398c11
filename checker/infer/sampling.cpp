#include "sampling.hpp"

#include <chrono>

#include "explicit_engine.hpp"

namespace tcpmc::infer {

SampleRun sample(const ir::Model& model, uint64_t max_states, uint64_t memory_limit_mb, CandidateSet& set,
                 SampledStates* keep, int threads) {
  const auto start = std::chrono::steady_clock::now();
  SampleRun out;
  for (const auto& c : model.consts)
    if (c.overridden) out.bounds += (out.bounds.empty() ? "" : " ") + c.name + "=" + std::to_string(c.value);
  CompiledSystem sys(model, model.default_faults);
  ExplicitEngine engine(sys);
  EngineLimits limits;
  limits.max_states = max_states;
  limits.memory_limit_mb = memory_limit_mb;
  limits.progress = false;
  limits.threads = threads;
  limits.selected.assign(model.properties.size(), 0);  // states only: no property is judged
  if (limits.selected.empty()) limits.selected.push_back(0);
  const EngineResult r = engine.check(limits);
  out.complete = r.complete;
  out.stop_reason = r.stop_reason;
  // The candidates read what the projections keep (SampledStates): observing each projection once
  // refutes what observing every state would, at a fraction of the cost.
  const StateStore& store = engine.store();
  const StateLayout& l = sys.layout();
  std::vector<int32_t> state(static_cast<size_t>(l.num_slots()));
  SampledStates own;
  SampledStates& projections = keep ? *keep : own;
  projections.begin_run(l, model.seq_bits);
  for (uint64_t i = 0; i < store.size(); ++i) {
    l.unpack(store.get(static_cast<uint32_t>(i)), state.data());
    projections.add(state.data());
  }
  const SampledStates::Run& run = projections.runs().back();
  for (uint64_t i = 0; i < run.size(); ++i) {
    l.unpack(run.get(i), state.data());
    set.observe(sys, state.data());
  }
  out.states = store.size();
  out.projections = run.size();
  out.alive_after = set.alive_count();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace tcpmc::infer
