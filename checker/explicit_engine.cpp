#include "explicit_engine.hpp"

#include <algorithm>
#include <cstdio>

namespace tcpmc {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Holds: return "holds";
    case Verdict::Violated: return "violated";
    case Verdict::Inconclusive: return "inconclusive";
  }
  return "?";
}

ExplicitEngine::ExplicitEngine(const CompiledSystem& sys) : sys_(sys), store_(sys.layout().num_words()) {}

ExplorationResult ExplicitEngine::run(const EngineLimits& limits) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_progress = start;
  const StateLayout& L = sys_.layout();
  const ir::Model& m = sys_.model();
  const int n = L.num_slots();
  const int nstates = static_cast<int>(m.state_enum().members.size());
  const size_t ninst = sys_.instances().size();

  ExplorationResult R;
  R.properties.assign(m.properties.size(), PropertyOutcome{});
  R.coverage.fired.assign(ninst, 0);
  std::vector<uint64_t> ept(ninst * nstates * nstates, 0);
  std::vector<int> invariants, stucks;
  for (size_t p = 0; p < m.properties.size(); ++p)
    (m.properties[p].kind == ir::Property::Kind::Invariant ? invariants : stucks).push_back(static_cast<int>(p));

  std::vector<int32_t> cur(n);
  std::vector<uint64_t> packed(L.num_words());
  sys_.initial_state(cur.data());
  L.pack(cur.data(), packed.data());
  store_.insert(packed.data(), StateStore::kNoParent);

  Scratch sc = sys_.make_scratch();
  const int sA = sys_.state_slot(0), sB = sys_.state_slot(1);
  uint64_t level_end = 0;
  uint32_t depth = 0;
  bool stopped = false;
  uint64_t idx = 0;
  for (; idx < store_.size(); ++idx) {
    if (idx > level_end) {
      ++depth;
      level_end = store_.size() - 1;
    }
    const uint32_t self = static_cast<uint32_t>(idx);
    L.unpack(store_.get(self), cur.data());
    for (int p : invariants) {
      PropertyOutcome& o = R.properties[p];
      if (o.verdict != Verdict::Violated && !sys_.property_holds(p, cur.data())) {
        o.verdict = Verdict::Violated;
        o.witness = self;
        o.depth = depth;
      }
    }
    uint64_t nsucc = 0;
    sys_.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
      ++nsucc;
      if (lab.inst >= 0) {
        ++R.coverage.fired[lab.inst];
        const int slot = lab.ep == 0 ? sA : sB;
        ++ept[(static_cast<size_t>(lab.inst) * nstates + cur[slot]) * nstates + next[slot]];
      } else if (lab.kind == Label::Kind::Unhandled) {
        ++R.coverage.unhandled[lab.ep];
      }
      L.pack(next, packed.data());
      store_.insert(packed.data(), self);
    });
    R.transitions += nsucc;
    if (sc.has_error) {
      R.model_error = sc.error;
      R.model_error_state = self;
      stopped = true;
      R.stop_reason = "model error";
      ++idx;
      break;
    }
    if (nsucc == 0) {
      for (int p : stucks) {
        PropertyOutcome& o = R.properties[p];
        if (o.verdict != Verdict::Violated && !sys_.property_holds(p, cur.data())) {
          o.verdict = Verdict::Violated;
          o.witness = self;
          o.depth = depth;
        }
      }
    }
    if ((idx & 0x3fff) == 0) {
      const auto now = clock::now();
      if (limits.memory_limit_mb && store_.bytes() > limits.memory_limit_mb * 1024 * 1024) {
        stopped = true;
        R.stop_reason = "memory limit of " + std::to_string(limits.memory_limit_mb) + " MB reached";
        ++idx;
        break;
      }
      if (limits.progress && now - start > std::chrono::seconds(3) && now - last_progress > std::chrono::seconds(2)) {
        last_progress = now;
        double secs = std::chrono::duration<double>(now - start).count();
        std::fprintf(stderr, "[tcpmc] %s: %llu states, %.0f states/s, depth %u, queue %llu, %llu MiB\n",
                     m.name.empty() ? m.path.c_str() : m.name.c_str(), static_cast<unsigned long long>(store_.size()),
                     store_.size() / secs, depth, static_cast<unsigned long long>(store_.size() - idx),
                     static_cast<unsigned long long>(store_.bytes() >> 20));
      }
    }
    if (limits.max_states && store_.size() >= limits.max_states && idx + 1 < store_.size()) {
      stopped = true;
      R.stop_reason = "max-states limit of " + std::to_string(limits.max_states) + " reached";
      ++idx;
      break;
    }
    if (store_.size() >= 0xfffffff0u) {
      stopped = true;
      R.stop_reason = "state index space exhausted";
      ++idx;
      break;
    }
  }
  R.complete = !stopped;
  R.states = store_.size();
  R.depth = depth;
  for (auto& o : R.properties)
    if (o.verdict != Verdict::Violated) o.verdict = R.complete ? Verdict::Holds : Verdict::Inconclusive;
  R.coverage.blocked = sc.blocked;
  for (size_t i = 0; i < ninst; ++i)
    for (int f = 0; f < nstates; ++f)
      for (int t = 0; t < nstates; ++t) {
        uint64_t c = ept[(i * nstates + f) * nstates + t];
        if (c) R.coverage.endpoint_transitions.push_back({sys_.instances()[i].ep, sys_.instances()[i].rule, f, t, c});
      }
  std::sort(R.coverage.endpoint_transitions.begin(), R.coverage.endpoint_transitions.end(),
            [](const EndpointTransition& a, const EndpointTransition& b) {
              return std::tie(a.ep, a.from, a.rule, a.to) < std::tie(b.ep, b.from, b.rule, b.to);
            });
  R.seconds = std::chrono::duration<double>(clock::now() - start).count();
  R.memory_bytes = store_.bytes();
  return R;
}

std::optional<Trace> ExplicitEngine::trace_to(uint32_t state) const {
  std::vector<std::vector<uint64_t>> path;
  for (uint32_t s = state; s != StateStore::kNoParent; s = store_.parent(s)) {
    const uint64_t* w = store_.get(s);
    path.emplace_back(w, w + store_.words());
  }
  std::reverse(path.begin(), path.end());
  auto t = replay_path(sys_, path);
  if (t && !validate_trace(sys_, *t)) return std::nullopt;
  return t;
}

}  // namespace tcpmc
