#include "random_walk.hpp"

#include <chrono>
#include <random>
#include <string>
#include <unordered_set>

#include "interrupt.hpp"

namespace tcpmc {

namespace {

struct Successor {
  Label label;
  std::vector<int32_t> next;
};

// The run so far: visited[0] is the initial state, labels[i] leads from visited[i] to visited[i+1].
Trace trace_prefix(const std::vector<std::vector<int32_t>>& visited, const std::vector<Label>& labels, size_t k) {
  Trace t;
  t.initial = visited[0];
  for (size_t i = 0; i < k; ++i) t.steps.push_back({labels[i], visited[i + 1]});
  return t;
}

}  // namespace

SimulationResult simulate(const CompiledSystem& sys, const SimulationOptions& opts) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_progress = start;
  const ir::Model& m = sys.model();
  const StateLayout& L = sys.layout();
  const int n = L.num_slots();
  const size_t nprops = m.properties.size();

  SimulationResult R;
  R.properties.resize(nprops);
  // Invariants and reachable properties are judged in every visited state (a reachable one is
  // "violated" here when its predicate holds: a run reached it); stuck ones at dead ends.
  // Coverage and temporal properties are not judged by simulation (a finite run proves no
  // violation of `eventually` and no fairness).
  std::vector<int> invariants, stucks;
  std::vector<uint8_t> reach(nprops, 0);
  for (size_t p = 0; p < nprops; ++p) {
    R.properties[p].checked = opts.selected.empty() || (p < opts.selected.size() && opts.selected[p]);
    const auto kind = m.properties[p].kind;
    reach[p] = kind == ir::Property::Kind::Reachable;
    if (kind == ir::Property::Kind::Coverage || m.properties[p].temporal()) R.properties[p].checked = false;
    if (R.properties[p].checked)
      (kind == ir::Property::Kind::Stuck ? stucks : invariants).push_back(static_cast<int>(p));
  }

  std::mt19937_64 rng(opts.seed);
  Scratch sc = sys.make_scratch();
  std::unordered_set<std::string> distinct;
  std::string packed(sizeof(uint64_t) * L.num_words(), '\0');
  std::vector<int32_t> init(n);
  sys.initial_state(init.data());
  std::vector<std::vector<int32_t>> visited;
  std::vector<Label> labels;
  std::vector<Successor> succs;
  const int sA = sys.state_slot(0), sB = sys.state_slot(1);

  auto report = [&](bool final) {
    if (!opts.on_progress) return;
    SimulationProgress p;
    p.runs_done = R.runs;
    p.runs = opts.runs;
    p.steps = R.steps;
    for (size_t q = 0; q < nprops; ++q) p.violated += R.properties[q].violated && !reach[q];
    p.seconds = std::chrono::duration<double>(clock::now() - start).count();
    p.final = final;
    opts.on_progress(p);
  };

  bool stop = false;
  for (uint64_t run = 0; run < opts.runs && !stop; ++run) {
    if (interrupt_requested()) {
      R.interrupted = true;
      break;
    }
    visited.assign(1, init);
    labels.clear();
    std::vector<uint8_t> violated_here(nprops, 0);
    // Records the current (last visited) state, judges the properties `which` on it; false on a
    // model error (a property whose evaluation failed), which ends the simulation.
    auto judge = [&](const std::vector<int>& which) {
      const std::vector<int32_t>& cur = visited.back();
      const size_t k = labels.size();
      for (int p : which) {
        if (violated_here[p]) continue;
        ModelError err;
        if (sys.property_holds(p, cur.data(), &err) != static_cast<bool>(reach[p])) continue;
        if (err.property >= 0) {
          R.model_error = err;
          R.model_error_trace = trace_prefix(visited, labels, k);
          R.model_error_trace->error = err;
          return false;
        }
        violated_here[p] = 1;
        SimulatedProperty& sp = R.properties[p];
        ++sp.violating_runs;
        if (!sp.violated || k < sp.witness->steps.size()) {
          sp.violated = true;
          sp.found_in_run = run + 1;
          sp.witness = trace_prefix(visited, labels, k);
        }
      }
      return true;
    };
    auto visit = [&]() {
      const std::vector<int32_t>& cur = visited.back();
      R.tcp_state_pairs.insert({cur[sA], cur[sB]});
      if (!R.distinct_capped) {
        L.pack(cur.data(), reinterpret_cast<uint64_t*>(packed.data()));
        distinct.insert(packed);
        if (distinct.size() >= kMaxDistinctTracked) R.distinct_capped = true;
      }
      return judge(invariants);
    };
    if (!visit()) break;
    for (uint64_t step = 0; step < opts.max_steps; ++step) {
      const std::vector<int32_t>& cur = visited.back();
      succs.clear();
      sc.has_error = false;
      sys.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
        succs.push_back({lab, std::vector<int32_t>(next, next + n)});
      });
      if (sc.has_error) {  // a transition from here fails: the model is wrong, as the engine reports it
        R.model_error = sc.error;
        R.model_error_trace = trace_prefix(visited, labels, labels.size());
        R.model_error_trace->error = sc.error;
        stop = true;
        break;
      }
      if (succs.empty()) {
        if (sc.capacity_blocked == 0 && !judge(stucks)) stop = true;
        ++R.dead_ends;
        break;
      }
      Successor& s = succs[rng() % succs.size()];
      labels.push_back(s.label);
      visited.push_back(std::move(s.next));
      ++R.steps;
      if (!visit()) {
        stop = true;
        break;
      }
      if (interrupt_requested()) {
        R.interrupted = true;
        stop = true;
        break;
      }
    }
    if (labels.size() > R.longest_run) R.longest_run = labels.size();
    if (!R.interrupted) ++R.runs;
    const auto now = clock::now();
    if (now - last_progress > std::chrono::milliseconds(500)) {
      last_progress = now;
      report(false);
    }
  }
  if (last_progress != start) report(true);
  R.distinct_states = distinct.size();

  // Nothing is returned that is not a run of the model.
  for (size_t p = 0; p < nprops; ++p) {
    SimulatedProperty& sp = R.properties[p];
    if (!sp.witness) continue;
    if (!validate_trace(sys, *sp.witness) ||
        sys.property_holds(static_cast<int>(p), sp.witness->final_state().data()) != static_cast<bool>(reach[p])) {
      sp.witness.reset();
      R.replay_failed = true;
    }
  }
  if (R.model_error_trace && !validate_trace(sys, *R.model_error_trace)) {
    R.model_error_trace.reset();
    R.replay_failed = true;
  }
  R.seconds = std::chrono::duration<double>(clock::now() - start).count();
  return R;
}

}  // namespace tcpmc
