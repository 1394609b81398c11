#include "sampling.hpp"

#include <chrono>

#include "explicit_engine.hpp"

namespace tcpmc::infer {

SampleRun sample(const ir::Model& model, uint64_t max_states, uint64_t memory_limit_mb, CandidateSet& set,
                 SampledStates* keep) {
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
  limits.selected.assign(model.properties.size(), 0);  // states only: no property is judged
  if (limits.selected.empty()) limits.selected.push_back(0);
  const EngineResult r = engine.check(limits);
  out.complete = r.complete;
  out.stop_reason = r.stop_reason;
  const StateStore& store = engine.store();
  std::vector<int32_t> state(static_cast<size_t>(sys.layout().num_slots()));
  if (keep) keep->begin_run(sys.layout(), model.seq_bits);
  for (uint64_t i = 0; i < store.size(); ++i) {
    const uint64_t* words = store.get(static_cast<uint32_t>(i));
    sys.layout().unpack(words, state.data());
    set.observe(sys, state.data());
    if (keep) keep->add(words);
  }
  out.states = store.size();
  out.alive_after = set.alive_count();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace tcpmc::infer
