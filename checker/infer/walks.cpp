#include "walks.hpp"

#include <chrono>
#include <random>
#include <vector>

#include "interrupt.hpp"
#include "wide_moves.hpp"

namespace tcpmc::infer {

SampleRun walk(const ir::Model& model, const WalkOptions& options, CandidateSet& set) {
  const auto start = std::chrono::steady_clock::now();
  SampleRun out;
  for (const auto& c : model.consts)
    if (c.overridden) out.bounds += (out.bounds.empty() ? "" : " ") + c.name + "=" + std::to_string(c.value);
  out.bounds = "random runs at " + (out.bounds.empty() ? std::string("the spec's bounds") : out.bounds);
  CompiledSystem sys(model, model.default_faults);
  const WideMoves moves(sys);
  const int n = sys.layout().num_slots();
  std::mt19937_64 rng(options.seed);
  Scratch sc = sys.make_scratch();
  std::vector<int32_t> state(n), init(n);
  sys.initial_state(init.data());
  std::vector<int32_t> next;  // the successors of this step, n slots each
  for (uint64_t r = 0; r < options.runs && !interrupt_requested(); ++r) {
    state = init;
    set.observe(sys, state.data());
    ++out.states;
    for (uint64_t s = 0; s < options.steps; ++s) {
      const std::vector<int32_t> extra = {static_cast<int32_t>(rng()), static_cast<int32_t>(rng())};
      next.clear();
      moves.for_each(state.data(), moves.seq_pool(state.data(), extra), sc,
                     [&](const Label&, const int32_t* t) { next.insert(next.end(), t, t + n); });
      const uint64_t count = next.size() / static_cast<size_t>(n);
      if (count == 0) break;
      const uint64_t pick = rng() % count;
      state.assign(next.begin() + static_cast<std::ptrdiff_t>(pick * n), next.begin() + static_cast<std::ptrdiff_t>((pick + 1) * n));
      set.observe(sys, state.data());
      ++out.states;
    }
  }
  out.stop_reason = "random runs";
  out.alive_after = set.alive_count();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace tcpmc::infer
