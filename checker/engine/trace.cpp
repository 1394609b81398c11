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

namespace {

// Whether `a`, the transition fire() took, is the transition the trace's label `b` records.
bool same_transition(const CompiledSystem& sys, const Label& a, const Label& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Label::Kind::Tick) return true;
  if (a.ep != b.ep || a.inst != b.inst) return false;
  const size_t stride = sizeof(int32_t) * sys.layout().seg_stride();
  switch (a.kind) {
    case Label::Kind::Call: {
      const size_t np = sys.instances()[a.inst].param_ranges.size();
      if (std::memcmp(a.params, b.params, sizeof(int32_t) * np) != 0) return false;
      break;
    }
    case Label::Kind::Recv:
    case Label::Kind::Unhandled:
    case Label::Kind::Loss:
    case Label::Kind::Dup:
      if (a.pos != b.pos || std::memcmp(a.seg, b.seg, stride) != 0) return false;
      break;
    default: break;
  }
  if (a.kind == Label::Kind::Call || a.kind == Label::Kind::Recv || a.kind == Label::Kind::Timeout) {
    if (a.nsent != b.nsent || a.overflow != b.overflow) return false;
    for (int i = 0; i < a.nsent; ++i)
      if (std::memcmp(a.sent[i], b.sent[i], stride) != 0) return false;
  }
  return true;
}

}  // namespace

bool validate_steps(const CompiledSystem& sys, const Trace& t) {
  const size_t n = static_cast<size_t>(sys.layout().num_slots());
  if (t.initial.size() != n) return false;
  Scratch sc = sys.make_scratch();
  const std::vector<int32_t>* cur = &t.initial;
  for (const auto& step : t.steps) {
    if (step.state.size() != n) return false;
    bool found = false;
    sys.fire(cur->data(), step.label, sc, [&](const Label& lab, const int32_t* next) {
      found = found || (same_transition(sys, lab, step.label) &&
                        std::memcmp(next, step.state.data(), sizeof(int32_t) * n) == 0);
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

bool validate_trace(const CompiledSystem& sys, const Trace& t) {
  if (!t.from_arbitrary_state) {
    std::vector<int32_t> init(sys.layout().num_slots());
    sys.initial_state(init.data());
    if (init != t.initial) return false;
  }
  return validate_steps(sys, t);
}

}  // namespace tcpmc
