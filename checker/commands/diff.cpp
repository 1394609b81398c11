#include "commands.hpp"

#include <ostream>
#include "command_support.hpp"
#include "exit_codes.hpp"
#include "run_summary.hpp"
#include "trace_format.hpp"

namespace tcpmc {

int run_diff(const CheckCommand& cmd, const std::string& old_spec, const std::string& new_spec, std::ostream& out,
             std::ostream& err) {
  ExitStatus status;
  auto a = check_reporting(old_spec, cmd.options, err, status);
  auto b = check_reporting(new_spec, cmd.options, err, status);
  if (!a || !b) return status.code();
  if (a->replay_failed || b->replay_failed) return exit_code::kInternal;
  RunSummary sa = summarize(*a), sb = summarize(*b);
  std::string d = diff_summaries(sa, sb);
  out << "--- " << old_spec << "\n+++ " << new_spec << "\n";
  if (d.empty()) {
    out << "  no change: same verdicts, " << sa.states << " states, " << sa.transitions
        << " transitions, same reachable endpoint transitions\n";
    return exit_code::kAllAsExpected;
  }
  out << d;
  // Show each counterexample that is new or changed.
  for (const auto& p : b->properties) {
    if (!p.counterexample) continue;
    auto old_len = sa.cex_length.find(p.name);
    if (old_len != sa.cex_length.end() && old_len->second == p.counterexample->steps.size()) continue;
    out << "\n  new " << p.run_name() << " for " << p.name << " (" << p.counterexample->steps.size() << " steps):\n";
    std::string table = format_trace_table(*b->system, *p.counterexample);
    size_t pos = 0;
    while (pos < table.size()) {
      size_t e = table.find('\n', pos);
      out << "    " << table.substr(pos, e - pos) << "\n";
      pos = e + 1;
    }
  }
  return exit_code::kUnexpectedVerdict;
}

}  // namespace tcpmc
