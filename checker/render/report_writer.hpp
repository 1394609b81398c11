// Reports for people and for regression checking: `tcpmc report SPEC... --out DIR` writes, per
// spec, DIR/<spec>/ with report.md (verdicts, bounds, counts, each counterexample as a table and
// an SVG sequence chart), result.json (the check JSON without timing: the regression baseline),
// one SVG per counterexample, and the reached endpoint state diagram (states.dot, and states.svg
// rendered by Graphviz `dot` when it is installed; state_diagram.hpp) in which each reached edge
// is drawn as an edge of RFC 9293 Figure 5, an edge the RFC specifies elsewhere, or one it does not
// allow. DIR/README.md is an index over every report in DIR.
// A spec's directory is replaced as a whole (written beside it, then renamed into place), so a
// failure never leaves a half-written report.
#pragma once
#include <optional>
#include <string>

#include "verifier.hpp"

namespace tcpmc {

// The directory name of a spec's report: its file name without ".tcp".
std::string report_name(const std::string& spec_path);

// Writes DIR/<name>/; returns an error message on failure.
std::optional<std::string> write_spec_report(const SpecResult& r, const std::string& out_dir);

// Rewrites DIR/README.md from every DIR/*/result.json; returns an error message on failure.
std::optional<std::string> write_report_index(const std::string& out_dir);

}  // namespace tcpmc
