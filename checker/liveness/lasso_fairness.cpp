#include "lasso_fairness.hpp"

#include <set>

namespace tcpmc {

bool loop_is_fair(const CompiledSystem& sys, const Trace& t, FairnessConstraints& F) {
  if (!t.loop_start) return false;
  const size_t start = *t.loop_start;
  Scratch sc = sys.make_scratch();
  if (start == t.steps.size()) {  // stays in its last state: only fair if nothing can move
    bool any = false;
    sys.successors(t.final_state().data(), sc, [&](const Label&, const int32_t*) { any = true; });
    return !any;
  }
  std::set<int32_t> taken, requested, enabled_somewhere;
  std::vector<std::set<int32_t>> enabled;  // per loop state
  bool clock = false, ticked = false;
  for (size_t i = start; i < t.steps.size(); ++i) {
    const std::vector<int32_t>& state = i == 0 ? t.initial : t.steps[i - 1].state;  // before step i
    clock |= clock_running(sys.layout(), state.data());
    std::set<int32_t> here;
    sys.successors(state.data(), sc, [&](const Label& l, const int32_t*) {
      for (int32_t c : F.info(F.action_of(l)).takes)
        if (c >= 0) here.insert(c);
    });
    enabled_somewhere.insert(here.begin(), here.end());
    enabled.push_back(std::move(here));
    const Label& l = t.steps[i].label;
    ticked |= l.kind == Label::Kind::Tick;
    const auto& info = F.info(F.action_of(l));
    for (int32_t c : info.takes)
      if (c >= 0) taken.insert(c);
    for (int32_t c : info.requests)
      if (c >= 0) requested.insert(c);
  }
  if (F.time() >= 0 && clock && !ticked) return false;
  for (size_t c = 0; c < F.size(); ++c) {
    const int32_t k = static_cast<int32_t>(c);
    if (taken.count(k) || F.kind(k) == FairnessConstraints::Kind::Time) continue;
    if (F.kind(k) == FairnessConstraints::Kind::Weak) {
      bool everywhere = true;
      for (const auto& e : enabled) everywhere &= e.count(k) > 0;
      if (everywhere) return false;
    } else if (enabled_somewhere.count(k) || requested.count(k)) {
      return false;
    }
  }
  return true;
}

}  // namespace tcpmc
