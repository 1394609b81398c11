// RunSummary: what a check found, reduced to what regression checking compares: per property
// the verdict and counterexample length, state/transition counts and depth, and the set of
// reachable endpoint-level transitions. Built from a fresh SpecResult or from a committed
// result.json, so `tcpmc diff` and `tcpmc regress` share one comparison.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>

#include "verifier.hpp"

namespace tcpmc {

struct RunSummary {
  std::string spec;
  std::string spec_from_baseline;  // the spec's path relative to the baseline folder ("" if unknown)
  uint64_t states = 0, transitions = 0, depth = 0;
  bool complete = false;
  std::map<std::string, std::string> verdicts;  // property -> holds | violated | inconclusive
  std::map<std::string, std::string> expect;    // property -> hold | violation
  std::map<std::string, uint64_t> cex_length;   // violated property -> steps
  std::set<std::string> endpoint_transitions;   // "B: FIN_WAIT_2 --recv rst--> CLOSED"
  // How to run it again.
  ConstOverrides defines;
  int loss = 0, dup = 0;
  bool reorder = false;
  bool fairness = true;  // temporal properties under the spec's fairness (false: --fairness none)
  uint64_t max_states = 0;
};

RunSummary summarize(const SpecResult& r);
// Parses a result.json object (as written by write_spec_json); nullopt with `error` set if malformed.
std::optional<RunSummary> summary_from_json(const std::string& json_text, std::string& error);

// Human-readable differences (empty when the runs agree on everything compared).
std::string diff_summaries(const RunSummary& before, const RunSummary& after);

std::string endpoint_transition_text(const std::string& ep, const std::string& from, const std::string& event,
                                     const std::string& to);

}  // namespace tcpmc
