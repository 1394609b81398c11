// The explicit engine's contracts beyond single counts: results are identical for every thread
// count (states, transitions, depth, verdicts, counterexamples, coverage), the --max-states limit
// (counts discovered states; stops once reached while states wait; unexpanded states are not
// checked), and agreement with an independent reference BFS written here, both for complete runs
// and for runs stopped by the limit (including the per-rule "dropped by capacity" coverage).
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <string>

#include "explicit_engine.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::check_text;

const std::string kHandshake = test::kHandshakeSpec;

// Wide BFS levels (128 x 128 parameter choices) so that a window of 4096 states per thread matters;
// capacity 1 makes the network drop sends into a full channel often.
const std::string kWide =
    "enum S { C, D }\n"
    "endpoint { state: S = C\n  x: 0..127 }\n"
    "segment { flags SYN }\n"
    "network { capacity = 1, msl = 0 }\n"
    "call set(v: 0..127) in C { x := v send SYN () goto D }\n"
    "call again in D when x > 0 { x := x - 1 send SYN () }\n"
    "invariant small expect hold: A.x + B.x < 250\n";

std::unique_ptr<SpecResult> run(const std::string& text, int threads, uint64_t max_states = 0, int loss = -1) {
  CheckOptions o;
  if (loss >= 0) o.loss = loss;
  o.limits.progress = false;
  o.limits.threads = threads;
  o.limits.max_states = max_states;
  return check_text(text, o);
}

uint64_t sum(const std::vector<uint64_t>& v) {
  uint64_t s = 0;
  for (auto x : v) s += x;
  return s;
}

void expect_same(const SpecResult& a, const SpecResult& b) {
  const EngineResult &x = a.exploration, &y = b.exploration;
  EXPECT_EQ(x.states, y.states);
  EXPECT_EQ(x.transitions, y.transitions);
  EXPECT_EQ(x.depth, y.depth);
  EXPECT_EQ(x.complete, y.complete);
  EXPECT_EQ(x.coverage.fired, y.coverage.fired);
  EXPECT_EQ(x.coverage.overflow, y.coverage.overflow);
  EXPECT_EQ(x.coverage.capacity_blocked, y.coverage.capacity_blocked);
  EXPECT_EQ(x.coverage.capacity_cut_states, y.coverage.capacity_cut_states);
  EXPECT_EQ(x.coverage.unhandled[0], y.coverage.unhandled[0]);
  EXPECT_EQ(x.coverage.unhandled[1], y.coverage.unhandled[1]);
  ASSERT_EQ(x.coverage.endpoint_transitions.size(), y.coverage.endpoint_transitions.size());
  for (size_t i = 0; i < x.coverage.endpoint_transitions.size(); ++i)
    EXPECT_EQ(x.coverage.endpoint_transitions[i].count, y.coverage.endpoint_transitions[i].count);
  ASSERT_EQ(a.properties.size(), b.properties.size());
  for (size_t p = 0; p < a.properties.size(); ++p) {
    SCOPED_TRACE(a.properties[p].name);
    EXPECT_EQ(a.properties[p].verdict, b.properties[p].verdict);
    EXPECT_EQ(a.properties[p].depth, b.properties[p].depth);
    ASSERT_EQ(a.properties[p].counterexample.has_value(), b.properties[p].counterexample.has_value());
    if (!a.properties[p].counterexample) continue;
    const Trace &s = *a.properties[p].counterexample, &t = *b.properties[p].counterexample;
    ASSERT_EQ(s.steps.size(), t.steps.size());
    for (size_t i = 0; i < s.steps.size(); ++i) EXPECT_EQ(s.steps[i].state, t.steps[i].state);
  }
}

TEST(Engine, ThreadCountDoesNotChangeCompleteResults) {
  for (const std::string* text : {&kHandshake, &kWide}) {
    auto one = run(*text, 1);
    ASSERT_TRUE(one);
    EXPECT_TRUE(one->exploration.complete);
    for (int th : {2, 3, 8}) {
      SCOPED_TRACE("threads " + std::to_string(th));
      auto many = run(*text, th);
      ASSERT_TRUE(many);
      expect_same(*one, *many);
    }
  }
}

// An independent breadth-first search over the compiled system, stopping by the documented rule:
// after expanding a state, stop if at least `max_states` states are known and some wait.
struct Reference {
  uint64_t states = 0, transitions = 0, expanded = 0, overflow = 0, blocked = 0;
  uint32_t depth = 0;
  bool complete = true;
};

Reference reference_bfs(const CompiledSystem& sys, uint64_t max_states) {
  const StateLayout& L = sys.layout();
  const int n = L.num_slots();
  std::map<std::vector<uint64_t>, uint32_t> index;
  std::vector<std::vector<uint64_t>> order;
  std::vector<uint32_t> level;
  std::vector<int32_t> cur(n);
  std::vector<uint64_t> w(L.num_words());
  sys.initial_state(cur.data());
  L.pack(cur.data(), w.data());
  index[w] = 0;
  order.push_back(w);
  level.push_back(0);
  Scratch sc = sys.make_scratch();
  Reference r;
  for (size_t i = 0; i < order.size(); ++i) {
    L.unpack(order[i].data(), cur.data());
    r.depth = std::max(r.depth, level[i]);
    sys.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
      ++r.transitions;
      if (lab.inst >= 0) r.overflow += static_cast<uint64_t>(__builtin_popcount(lab.overflow));
      L.pack(next, w.data());
      if (index.emplace(w, static_cast<uint32_t>(order.size())).second) {
        order.push_back(w);
        level.push_back(level[i] + 1);
      }
    });
    r.blocked += sc.capacity_blocked;
    r.expanded = i + 1;
    if (max_states && order.size() >= max_states && i + 1 < order.size()) {
      r.complete = false;
      break;
    }
  }
  r.states = order.size();
  return r;
}

TEST(Engine, AgreesWithAReferenceSearch) {
  for (uint64_t max : {0ull, 1ull, 2ull, 50ull, 300ull}) {
    SCOPED_TRACE("max-states " + std::to_string(max));
    auto r = run(kHandshake, 1, max);
    ASSERT_TRUE(r);
    Reference ref = reference_bfs(*r->system, max);
    EXPECT_EQ(r->exploration.states, ref.states);
    EXPECT_EQ(r->exploration.transitions, ref.transitions);
    EXPECT_EQ(r->exploration.complete, ref.complete);
    EXPECT_EQ(sum(r->exploration.coverage.overflow), ref.overflow);
    EXPECT_EQ(r->exploration.coverage.capacity_blocked, ref.blocked);
    if (ref.complete) {
      EXPECT_EQ(r->exploration.depth, ref.depth);
    }
  }
}

TEST(Engine, MaxStatesCountsDiscoveredStates) {
  // Two counters 0..2: 9 states. BFS discovers the 9th state while expanding (2,1), with (1,2) and
  // (2,2) still waiting, so a limit of 9 stops the run; 10 does not.
  const std::string counters =
      "enum S { C }\nendpoint { state: S = C\n  n: 0..2 }\ncall inc when n < 2 { n := n + 1 }\n"
      "invariant p expect hold: A.n + B.n <= 4\n";
  auto at = run(counters, 1, 9);
  ASSERT_TRUE(at);
  EXPECT_FALSE(at->exploration.complete);
  EXPECT_EQ(at->exploration.states, 9u);
  EXPECT_EQ(at->exploration.stop_reason, "max-states limit of 9 reached");
  EXPECT_EQ(at->properties[0].verdict, Verdict::Inconclusive);
  auto above = run(counters, 1, 10);
  ASSERT_TRUE(above);
  EXPECT_TRUE(above->exploration.complete);
  EXPECT_EQ(above->properties[0].verdict, Verdict::Holds);
  // Limit 1: only the initial state is expanded; its two successors are known but unchecked.
  auto one = run(counters, 1, 1);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->exploration.states, 3u);
  EXPECT_EQ(one->exploration.transitions, 2u);
  EXPECT_EQ(one->exploration.depth, 0u);
}

TEST(Engine, ThreadCountDoesNotChangeStoppedRuns) {
  for (uint64_t max : {12000ull, 17000ull}) {
    auto one = run(kWide, 1, max);
    ASSERT_TRUE(one);
    EXPECT_FALSE(one->exploration.complete);
    for (int th : {2, 3}) {
      SCOPED_TRACE("max " + std::to_string(max) + ", threads " + std::to_string(th));
      auto many = run(kWide, th, max);
      ASSERT_TRUE(many);
      expect_same(*one, *many);
    }
  }
}

// The coverage of a run stopped by the limit counts only the states that were expanded, whatever
// the thread count (the engine expands whole windows of states in parallel before merging them).
TEST(Engine, CoverageOfAStoppedRunCountsOnlyExpandedStates) {
  for (uint64_t max : {12000ull, 17000ull}) {
    for (int th : {1, 2, 3}) {
      SCOPED_TRACE("max " + std::to_string(max) + ", threads " + std::to_string(th));
      auto r = run(kWide, th, max, /*loss=*/1);
      ASSERT_TRUE(r);
      Reference ref = reference_bfs(*r->system, max);
      EXPECT_EQ(r->exploration.states, ref.states);
      EXPECT_EQ(r->exploration.transitions, ref.transitions);
      EXPECT_EQ(sum(r->exploration.coverage.overflow), ref.overflow);
      EXPECT_EQ(r->exploration.coverage.capacity_blocked, ref.blocked);
      EXPECT_GT(ref.overflow, 0u);
    }
  }
}

// Past the 32-bit state index the search stops, inconclusive, with a clear reason, at the same
// state for every thread count (the ceiling lowered here: the real one is 2^32 - 16 states, and a
// window whose successors could cross it is merged state by state, never in parallel).
TEST(Engine, IndexCeilingStopsTheSearchInconclusively) {
  auto l = test::load(kWide);
  ASSERT_TRUE(l->ok());
  CompiledSystem sys(l->spec->model, {0, 0, false});
  for (uint64_t limit : {5000ull, 16500ull}) {
    uint64_t states = 0, transitions = 0;
    for (int th : {1, 2, 3}) {
      SCOPED_TRACE("limit " + std::to_string(limit) + ", threads " + std::to_string(th));
      ExplicitEngine engine(sys);
      engine.set_index_limit(limit);
      EngineLimits lim;
      lim.progress = false;
      lim.threads = th;
      EngineResult x = engine.check(lim);
      EXPECT_FALSE(x.complete);
      EXPECT_EQ(x.stop_reason, "state index space exhausted");
      EXPECT_GE(x.states, limit);
      for (const auto& o : x.properties) EXPECT_EQ(o.verdict, Verdict::Inconclusive);
      if (th == 1) {
        states = x.states;
        transitions = x.transitions;
      }
      EXPECT_EQ(x.states, states);
      EXPECT_EQ(x.transitions, transitions);
    }
  }
}

// The parallel merge (windows of at least 64 states at -j2 and more) builds exactly the store of
// the sequential one: every state at the same index with the same parent, and the same recorded
// graph; with the claims made during the expansion (the default budget), and when they overflow
// a budget of 1 or 64 claims per slice and shard (windows given back to the plain merge, claimed
// again once the doubled budget suffices).
TEST(Engine, ParallelMergeBuildsTheSameStoreAndGraph) {
  auto l = test::load(kWide);
  ASSERT_TRUE(l->ok());
  CompiledSystem sys(l->spec->model, {1, 0, false});
  auto explore = [&](int th, ReachableGraph& g, uint64_t claim_budget = 0) {
    auto engine = std::make_unique<ExplicitEngine>(sys);
    engine->record_graph(&g);
    if (claim_budget) engine->set_claim_budget(claim_budget);
    EngineLimits lim;
    lim.progress = false;
    lim.threads = th;
    EngineResult x = engine->check(lim);
    EXPECT_TRUE(x.complete);
    return engine;
  };
  ReachableGraph g1;
  auto one = explore(1, g1);
  ASSERT_GT(one->store().size(), 20000u);
  for (auto [th, budget] : {std::pair{2, 0}, {3, 0}, {2, 1}, {3, 1}, {2, 64}}) {
    SCOPED_TRACE("threads " + std::to_string(th) + ", claim budget " + std::to_string(budget));
    ReachableGraph gn;
    auto many = explore(th, gn, budget);
    ASSERT_EQ(many->store().size(), one->store().size());
    const int words = one->store().words();
    for (uint32_t i = 0; i < one->store().size(); ++i) {
      ASSERT_EQ(many->store().parent(i), one->store().parent(i)) << i;
      ASSERT_EQ(std::memcmp(many->store().get(i), one->store().get(i), sizeof(uint64_t) * words), 0) << i;
    }
    EXPECT_EQ(gn.rowstart, g1.rowstart);
    EXPECT_EQ(gn.target, g1.target);
    EXPECT_EQ(gn.bytes(), g1.bytes());
  }
}

}  // namespace
}  // namespace tcpmc
