// The liveness phase on several threads (each temporal property judged by one thread, any
// thread): the JSON report (verdicts, lassos, counts) is the same, byte for byte apart from the
// timing, at -j1, -j2 and -j3, on rfc9293 and on the specs whose temporal properties are violated
// (lassos with loops and with terminal states); the trigger region a judgement is confined to,
// and the set-bit walks it and the trim use, on hand-built graphs.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "engine_cases.hpp"
#include "json_report.hpp"
#include "trigger_region.hpp"

namespace tcpmc {
namespace {

bool temporal(const PropertyReport& p) {
  return p.kind == ir::Property::Kind::LeadsTo || p.kind == ir::Property::Kind::Eventually;
}

TEST(LivenessThreads, SameReportForEveryThreadCount) {
  // rfc9293: every temporal property holds; unfair_network (every copy of a segment may be lost,
  // so the loss budget is unbounded) and close_wait_leak: some are violated.
  const std::vector<std::pair<std::string, int>> specs = {
      {"rfc9293", 1}, {"unfair_network", ir::FaultBudget::kUnboundedLoss}, {"close_wait_leak", 1}};
  for (const auto& [stem, loss] : specs) {
    test::Case c = test::reduced_bounds(loss, 0, 0);
    c.name = stem;
    c.path = std::string(TCPMC_SOURCE_DIR) + "/specs/" + stem + ".tcp";
    std::vector<std::string> reports;
    for (int threads : {1, 2, 3}) {
      auto r = test::run_case(c, EngineKind::Explicit, 20, false, threads);
      ASSERT_TRUE(r) << stem;
      ASSERT_TRUE(r->exploration.liveness) << stem;  // the temporal properties were judged
      size_t judged = 0, lassos = 0;
      for (const auto& p : r->properties) {
        if (!temporal(p)) continue;
        judged += p.verdict == Verdict::Holds || p.verdict == Verdict::Violated;
        lassos += p.verdict == Verdict::Violated && p.counterexample && p.counterexample->loop_start;
      }
      EXPECT_GE(judged, 5u) << stem;
      if (stem != "rfc9293") {
        EXPECT_GE(lassos, 1u) << stem;  // counterexamples to compare
      }
      reports.push_back(json_text(spec_json(*r, false)));
    }
    EXPECT_EQ(reports[0], reports[1]) << stem;
    EXPECT_EQ(reports[0], reports[2]) << stem;
  }
}

// 0 -> 1 -> 2 -> {3, 4}, 4 -> 1: the states from which a violation can run.
StateGraph chain() {
  ReachableGraph rg;
  rg.rowstart = {0, 1, 2, 4, 4, 5};
  rg.target = {1, 2, 3, 4, 1};
  rg.capacity_cut.assign(5, false);
  return StateGraph(std::move(rg));
}

StateBits bits(uint64_t n, const std::vector<uint64_t>& set) {
  StateBits b;
  b.assign(n, false);
  for (uint64_t i : set) b.set(i, true);
  return b;
}

std::vector<uint64_t> members(const StateBits& b) {
  std::vector<uint64_t> v;
  b.for_each_set([&](uint64_t i) { v.push_back(i); });
  return v;
}

TEST(LivenessThreads, TriggerRegionIsWhatTheTriggersReachWithoutTheGoal) {
  const StateGraph g = chain();
  StateBits region;
  std::vector<uint32_t> queue;
  const StateBits goal = bits(5, {3});
  const StateBits trigger = bits(5, {1, 3});  // 3 has the goal: no violation starts there
  EXPECT_EQ(trigger_region(g, goal, &trigger, region, queue), 3u);
  EXPECT_EQ(members(region), (std::vector<uint64_t>{1, 2, 4}));
  EXPECT_EQ(trigger_region(g, goal, nullptr, region, queue), 4u);  // `eventually`: from the initial state
  EXPECT_EQ(members(region), (std::vector<uint64_t>{0, 1, 2, 4}));
  EXPECT_EQ(trigger_region(g, bits(5, {0}), nullptr, region, queue), 0u);  // the goal holds at once
  EXPECT_EQ(trigger_region(g, bits(5, {2, 3}), &trigger, region, queue), 1u);  // the goal cuts the way
  EXPECT_EQ(members(region), (std::vector<uint64_t>{1}));
}

TEST(LivenessThreads, SetBitsAreWalkedInOrderBothWays) {
  const StateBits b = bits(200, {0, 5, 63, 64, 130, 199});
  EXPECT_EQ(members(b), (std::vector<uint64_t>{0, 5, 63, 64, 130, 199}));
  std::vector<uint64_t> down;
  b.for_each_set_descending([&](uint64_t i) { down.push_back(i); });
  EXPECT_EQ(down, (std::vector<uint64_t>{199, 130, 64, 63, 5, 0}));
  EXPECT_EQ(b.count(), 6u);
}

}  // namespace
}  // namespace tcpmc
