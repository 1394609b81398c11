#include "trace.hpp"

#include <cstring>

namespace tcpmc {

std::optional<Trace> replay_path(const CompiledSystem& sys, const std::vector<std::vector<uint64_t>>& path) {
  const StateLayout& L = sys.layout();
  const int n = L.num_slots(), w = L.num_words();
  Trace t;
  t.initial.assign(n, 0);
  sys.initial_state(t.initial.data());
  std::vector<uint64_t> packed(w);
  L.pack(t.initial.data(), packed.data());
  if (path.empty() || packed != path[0]) return std::nullopt;
  Scratch sc = sys.make_scratch();
  std::vector<int32_t> cur = t.initial;
  for (size_t i = 1; i < path.size(); ++i) {
    bool found = false;
    TraceStep step;
    sys.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
      if (found) return;
      L.pack(next, packed.data());
      if (packed == path[i]) {
        found = true;
        step.label = lab;
        step.state.assign(next, next + n);
      }
    });
    if (!found) return std::nullopt;
    cur = step.state;
    t.steps.push_back(std::move(step));
  }
  return t;
}

std::optional<Trace> replay_choices(const CompiledSystem& sys, const std::vector<uint32_t>& choices) {
  const int n = sys.layout().num_slots();
  Trace t;
  t.initial.assign(n, 0);
  sys.initial_state(t.initial.data());
  Scratch sc = sys.make_scratch();
  std::vector<int32_t> cur = t.initial;
  for (uint32_t choice : choices) {
    uint32_t k = 0;
    bool found = false;
    TraceStep step;
    sys.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
      if (k++ != choice) return;
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
