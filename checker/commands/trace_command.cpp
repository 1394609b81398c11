// `tcpmc check SPEC --trace NAME [--svg FILE]`: one property's counterexample again, on its own.
// Only that property is checked (the engine skips the others), so the verdict, the counterexample
// and the exit code are those `tcpmc check SPEC --property NAME` gives.
#include <ostream>

#include "commands.hpp"

#include "command_support.hpp"
#include "exit_codes.hpp"
#include "file_output.hpp"
#include "svg_sequence.hpp"
#include "text_report.hpp"
#include "trace_format.hpp"
#include "verdict_text.hpp"

namespace tcpmc {

int run_trace(const CheckCommand& cmd, std::ostream& out, std::ostream& err) {
  if (cmd.specs.size() != 1) {
    err << "tcpmc: error: --trace takes exactly one spec\n";
    return exit_code::kUsage;
  }
  const std::string& path = cmd.specs[0];
  CheckOptions opts = cmd.options;
  opts.properties = {cmd.trace_property};
  if (int c = check_property_selection(cmd.specs, opts, err)) return c;
  ExitStatus status;
  std::unique_ptr<SpecResult> r = check_reporting(path, opts, err, status);
  if (!r) return status.code();
  if (r->properties.size() != 1) {  // check_property_selection let an unknown name through: a bug
    err << "tcpmc: internal error: property '" << cmd.trace_property << "' was not checked\n";
    return exit_code::kInternal;
  }
  const ir::Model& m = r->spec->model;
  const EngineResult& x = r->exploration;
  const PropertyReport& p = r->properties[0];
  out << "== " << path << (m.name.empty() ? "" : " (" + m.name + ")") << ": " << x.states << " states, depth "
      << x.depth << ", " << (x.complete ? "complete" : "INCOMPLETE: " + x.stop_reason) << "\n";
  out << "   " << p.name << "  " << (p.expect_hold ? "expect hold  " : "expect violation  ") << verdict_text(p);
  if (p.verdict != Verdict::Inconclusive && !p.as_expected()) out << "   <-- NOT AS EXPECTED";
  out << "\n";
  int code = exit_code::kAllAsExpected;
  if (p.counterexample) {
    out << format_counterexample(*r->system, p.name, p.expression, *p.counterexample, how_found(*p.counterexample),
                                 p.run_name());
  } else if (p.cti) {
    out << format_cti(*r->system, p, *p.cti);
  } else if (p.basis != Basis::Search) {
    // a symbolic engine's verdict: the line above says how far it went; no state count applies
  } else if (p.kind == ir::Property::Kind::Reachable && p.verdict == Verdict::Violated) {
    out << "   no state among all " << x.states << " reachable states satisfies " << p.name << ": there is no witness\n";
    out << "     property: " << p.expression << "\n";
  } else if (p.kind == ir::Property::Kind::Reachable && p.verdict == Verdict::Inconclusive) {
    out << "   " << p.name << " was not reached in the " << x.states << " states explored before the run stopped ("
        << x.stop_reason << "): inconclusive\n";
  } else if (p.kind == ir::Property::Kind::Coverage) {
    out << "   " << p.expression << ": " << (p.missing_edges.empty() ? "yes" : "no") << "\n";
    for (const auto& e : p.missing_edges) out << "     not reached: " << e << "\n";
  } else if (p.verdict == Verdict::Holds) {
    out << "   " << p.name << " holds in all " << x.states << " reachable states: there is no counterexample\n";
    out << "     property: " << p.expression << "\n";
  } else if (p.verdict == Verdict::Inconclusive) {
    out << "   " << p.name << " was not violated in the " << x.states << " states explored before the run stopped ("
        << x.stop_reason << "): inconclusive\n";
  }
  if (!cmd.svg_path.empty()) {
    if (!p.counterexample) {
      out << "   no SVG written: " << p.name << " has no " << p.run_name() << "\n";
    } else {
      const std::string title = (m.name.empty() ? path : m.name) + ": " + p.name + (p.is_witness() ? " reached" : " violated");
      if (auto e = write_file_atomically(cmd.svg_path, trace_to_svg(*r->system, *p.counterexample, title))) {
        err << "error: " << *e << "\n";
        code = exit_code::kBadInput;
      } else {
        out << "   wrote " << cmd.svg_path << "\n";
      }
    }
  }
  if (r->replay_failed) return exit_code::kInternal;
  if (x.model_error) {
    out << "   " << describe_model_error(*x.model_error) << "\n";
    return exit_code::kBadInput;
  }
  if (code != exit_code::kAllAsExpected) return code;
  if (p.verdict == Verdict::Inconclusive) return exit_code::kInconclusive;
  return p.as_expected() ? exit_code::kAllAsExpected : exit_code::kUnexpectedVerdict;
}

}  // namespace tcpmc
