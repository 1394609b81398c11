// --compress (StateStore's fingerprint mode) against the full store: the same states, transitions,
// depth, verdicts, shortest counterexamples and coverage for every unit spec and every shipped
// spec (reduced bounds), at one and at two threads, and for a model error; temporal properties
// not checked, with a note; the omission probability n(n-1)/2 / 2^64; less memory.
#include <gtest/gtest.h>

#include "engine_cases.hpp"
#include "json_report.hpp"
#include "state_store.hpp"
#include "test_util.hpp"

namespace tcpmc::test {
namespace {

CheckOptions options(bool compress, int threads) {
  CheckOptions o;
  o.limits.progress = false;
  o.limits.threads = threads;
  o.limits.compress = compress;
  return o;
}

// The full store's JSON with the temporal properties as --compress reports them (not checked) and
// without the liveness record, to compare with the JSON of a compressed run minus its `compress`
// record and its note.
Json expected_compressed(const SpecResult& full) {
  Json j = spec_json(full, false);
  j.erase("liveness");
  for (Json& p : j["properties"])
    if (p["kind"] == "eventually" || p["kind"] == "leadsto") {
      p["verdict"] = "inconclusive";
      p["basis"] = "not_checked";
      p["as_expected"] = false;
      p["counterexample"] = nullptr;
      p["witness"] = nullptr;
    }
  return j;
}

// Compares a compressed run at `threads` with a full one; returns the compressed run's
// counterexamples (0 on a failure).
int compare(const Case& c, int threads) {
  auto full = run_case(c, options(false, 1));
  auto packed = run_case(c, options(true, threads));
  EXPECT_TRUE(full && packed) << c.name;
  if (!full || !packed) return 0;
  const uint64_t n = packed->exploration.states;
  EXPECT_TRUE(packed->exploration.omission_probability) << c.name;
  if (!packed->exploration.omission_probability) return 0;
  EXPECT_DOUBLE_EQ(*packed->exploration.omission_probability, double(n) * double(n - 1) / 2 / 18446744073709551616.0);
  Json j = spec_json(*packed, false);
  EXPECT_TRUE(j.contains("compress")) << c.name;
  EXPECT_EQ(j["compress"]["fingerprint_bits"], 64);
  j.erase("compress");
  bool temporal = false;
  for (const auto& p : packed->spec->model.properties) temporal |= p.temporal();
  const Json notes = j["notes"];
  EXPECT_FALSE(notes.empty() && temporal) << c.name;
  if (temporal && !notes.empty()) {
    EXPECT_EQ(notes.back(), "--compress keeps no state graph: temporal properties were not checked") << c.name;
    j["notes"].erase(j["notes"].size() - 1);
  }
  EXPECT_EQ(json_text(expected_compressed(*full)), json_text(j)) << c.name << " at -j" << threads;
  int counterexamples = 0;
  for (const auto& p : packed->properties) counterexamples += p.counterexample.has_value();
  return counterexamples;
}

TEST(Compress, UnitSpecsGiveTheSameResults) {
  for (const Case& c : unit_cases()) compare(c, 1);
}

TEST(Compress, ShippedSpecsGiveTheSameResultsAtOneAndTwoThreads) {
  int counterexamples = 0;
  for (const Case& c : shipped_cases(reduced_bounds(1, 0, 0))) {
    counterexamples += compare(c, 1);
    compare(c, 2);
  }
  EXPECT_GT(counterexamples, 3);  // rebuilt from successor positions, and compared
}

// The stored bytes per state (a table slot, a parent and a position, no state), on a run of
// 1.45 M states with duplication and reordering, where the same states and transitions are found
// at two threads
// (the hash once had 17,729 collisions of all 64 bits among these states, and lost as many).
TEST(Compress, UsesLessMemoryAndFindsTheSameStates) {
  Case c = reduced_bounds(1, 1, 1);
  c.path = std::string(TCPMC_SOURCE_DIR) + "/specs/close_wait_leak.tcp";
  CheckOptions o = options(false, 1);
  o.properties = {"handshake_agreement"};  // no temporal property: the same engine both ways
  auto full = run_case(c, o);
  o.limits.compress = true;
  o.limits.threads = 2;  // (the parallel merge, on windows of thousands of states)
  auto packed = run_case(c, o);
  ASSERT_TRUE(full && packed);
  EXPECT_EQ(full->exploration.states, 1450298u);
  EXPECT_EQ(packed->exploration.states, full->exploration.states);
  EXPECT_EQ(packed->exploration.transitions, full->exploration.transitions);
  EXPECT_LT(packed->exploration.memory_bytes * 10, full->exploration.memory_bytes * 8)
      << packed->exploration.memory_bytes << " vs " << full->exploration.memory_bytes;
}

// A model error: the run to the state whose successor fails is rebuilt by replay.
TEST(Compress, ModelErrorTraceIsTheSame) {
  const std::string spec =
      "enum S { C }\nendpoint { state: S = C\n  n: 0..5 }\ncall inc when n < 5 { n := n + 1 }\n"
      "call c when n == 3 { n := 6 / (n - 3) }\n";
  CheckOptions o = options(false, 1);
  auto full = check_text(spec, o);
  o.limits.compress = true;
  auto packed = check_text(spec, o);
  ASSERT_TRUE(full && packed);
  ASSERT_TRUE(full->exploration.model_error && full->model_error_trace);
  ASSERT_TRUE(packed->exploration.model_error && packed->model_error_trace);
  EXPECT_EQ(packed->model_error_trace->steps.size(), 3u);  // three increments, then the division fails
  Json j = spec_json(*packed, false);
  j.erase("compress");
  EXPECT_EQ(json_text(spec_json(*full, false)), json_text(j));
}

}  // namespace
}  // namespace tcpmc::test
