// The terminal rendering of check results: per spec, the exploration figures, each property's
// verdict with its counterexample (capture-like table, sequence chart, final values), coverage
// warnings; and the closing summary table over all specs.
#pragma once
#include <string>
#include <vector>

#include "verifier.hpp"

namespace tcpmc {

struct TextOptions {
  bool counterexamples = true;  // print traces of violated properties
  bool coverage = false;        // list every reachable endpoint transition and rule count
};

std::string format_spec_result(const SpecResult& r, const TextOptions& opt);

struct SummaryRow {
  std::string spec, property, expected, verdict, states, time;
};
std::vector<SummaryRow> summary_rows(const SpecResult& r);
std::string format_summary(const std::vector<SummaryRow>& rows);

// Rules (per endpoint) that never fired: worth a warning, like an unreached-code report.
std::vector<std::string> never_fired(const SpecResult& r);

}  // namespace tcpmc
