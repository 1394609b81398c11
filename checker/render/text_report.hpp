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

// Every line of `text` with `prefix` before it (a last line without newline gets one).
std::string indent(const std::string& text, const std::string& prefix);

// One counterexample as the terminal shows it, indented under its heading line: for a lasso the
// shape of the run ("a run that never satisfies P: 2 steps to the loop, then a loop of 3 steps
// (3-5) that repeats forever"), the property's expression, the capture-like table, the sequence
// chart and the final values. `how` says how it
// was found ("shortest, replayed through the model"); `run` what the run is ("counterexample", or
// "witness" for a reachable property).
// How an engine's run was found, for format_counterexample: a finite run is a shortest one; a
// lasso has a shortest prefix to its fair loop (the loop is short, not always the shortest).
const char* how_found(const Trace& t);

std::string format_counterexample(const CompiledSystem& sys, const std::string& property, const std::string& expression,
                                  const Trace& t, const std::string& how, const std::string& run = "counterexample");

// A counterexample to induction (p.cti, from a k-induction run at k = p.bound) under the heading
// "counterexample to induction (k=K): the first state is any state satisfying the assumptions --
// not necessarily reachable", then like a counterexample (its first state shown in full).
std::string format_cti(const CompiledSystem& sys, const PropertyReport& p, const Trace& t);

struct SummaryRow {
  std::string spec, property, expected, verdict, states, time;
};
std::vector<SummaryRow> summary_rows(const SpecResult& r);
std::string format_summary(const std::vector<SummaryRow>& rows);

// Rules (per endpoint) that never fired: worth a warning, like an unreached-code report.
std::vector<std::string> never_fired(const SpecResult& r);

}  // namespace tcpmc
