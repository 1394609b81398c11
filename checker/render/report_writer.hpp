// Reports for people and for regression checking: `tcpmc report SPEC... --out DIR` writes, per
// spec, DIR/<spec>/ with report.md (verdicts, bounds, counts, each counterexample as a table and
// an SVG sequence chart, a lasso's introduced by the shape of its run), result.json (the check JSON without timing: the regression baseline),
// one SVG per counterexample, and the reached endpoint state diagram (states.dot, and states.svg
// rendered by Graphviz `dot` when it is installed; state_diagram.hpp) in which each reached edge
// is drawn as an edge of RFC 9293 Figure 5, an edge the RFC specifies elsewhere, or one it does not
// allow. DIR/README.md is an index over every report in DIR.
// A spec's directory is replaced as a whole (written beside it as .NAME.tmp.PID, then renamed into
// place), so a failure or an interrupt never leaves a half-written report, and the temporary
// directory is removed on every way out. Only a report directory is replaced: a file or symlink
// of the report's name, or a directory without report.md, is refused. result.json is
// pretty-printed, so that diffs of the committed baseline read well.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "verifier.hpp"

namespace tcpmc {

// The directory name of a spec's report: its file name without ".tcp".
std::string report_name(const std::string& spec_path);

// Writes DIR/<name>/; returns an error message on failure.
std::optional<std::string> write_spec_report(const SpecResult& r, const std::string& out_dir);

// Rewrites DIR/README.md from every DIR/*/result.json; returns an error message on failure. A
// result.json that cannot be read as a tcpmc result is left out, with a message in `warnings`.
std::optional<std::string> write_report_index(const std::string& out_dir, std::vector<std::string>* warnings = nullptr);

}  // namespace tcpmc
