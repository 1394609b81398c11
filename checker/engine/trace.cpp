#include "trace.hpp"

#include <cstring>

namespace tcpmc {

namespace {

// The run from the initial state that takes, at step i (0 <= i < steps), the first successor
// (in the system's fixed order) for which take(i, k, next) holds, k being its position among the
// state's successors. Returns nullopt if no successor is taken at some step.
template <class Take>
std::optional<Trace> replay(const CompiledSystem& sys, size_t steps, Take take) {
  const int n = sys.layout().num_slots();
  Trace t;
  t.initial.assign(n, 0);
  sys.initial_state(t.initial.data());
  Scratch sc = sys.make_scratch();
  std::vector<int32_t> cur = t.initial;
  for (size_t i = 0; i < steps; ++i) {
    uint32_t k = 0;
    bool found = false;
    TraceStep step;
    sys.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
      if (found || !take(i, k++, next)) return;
      found = true;
      step.label = lab;
      step.state.assign(next, next + n);
    });
    if (!found) return std::nullopt;
    cur = step.state;
    t.steps.push_back(std::move(step));
  }
  return t;
}

}  // namespace

std::optional<Trace> replay_path(const CompiledSystem& sys, const std::vector<std::vector<uint64_t>>& path) {
  const StateLayout& L = sys.layout();
  std::vector<int32_t> init(L.num_slots());
  sys.initial_state(init.data());
  std::vector<uint64_t> packed(L.num_words());
  L.pack(init.data(), packed.data());
  if (path.empty() || packed != path[0]) return std::nullopt;
  return replay(sys, path.size() - 1, [&](size_t i, uint32_t, const int32_t* next) {
    L.pack(next, packed.data());
    return packed == path[i + 1];
  });
}

std::optional<Trace> replay_choices(const CompiledSystem& sys, const std::vector<uint32_t>& choices) {
  return replay(sys, choices.size(), [&](size_t i, uint32_t k, const int32_t*) { return k == choices[i]; });
}

bool validate_trace(const CompiledSystem& sys, const Trace& t) {
  const int n = sys.layout().num_slots();
  std::vector<int32_t> init(n);
  sys.initial_state(init.data());
  if (init != t.initial) return false;
  Scratch sc = sys.make_scratch();
  const std::vector<int32_t>* cur = &t.initial;
  for (const auto& step : t.steps) {
    bool found = false;
    sys.successors(cur->data(), sc, [&](const Label& lab, const int32_t* next) {
      if (!found && lab.kind == step.label.kind && lab.inst == step.label.inst &&
          std::memcmp(next, step.state.data(), sizeof(int32_t) * n) == 0)
        found = true;
    });
    if (!found) return false;
    cur = &step.state;
  }
  if (t.loop_start) {
    if (*t.loop_start > t.steps.size()) return false;
    if (*t.loop_start < t.steps.size() && t.final_state() != t.loop_state()) return false;
    if (*t.loop_start == t.steps.size()) {  // stays for ever: no move may be possible
      bool any = false;
      sys.successors(cur->data(), sc, [&](const Label&, const int32_t*) { any = true; });
      if (any) return false;
    }
  }
  return true;
}

}  // namespace tcpmc
