// `tcpmc export --promela SPEC`: the spec's transition system under the run's fault budget as a
// Promela model (export/promela_export.hpp), to standard output or, with --out FILE, written
// completely or not at all (file_output.hpp). Exit 0, 1 usage (an unknown property), 2 when the
// spec does not load or cannot be exported (a parameter too wide to enumerate, SEQ_BITS > 30) or
// the file cannot be written.
#include <ostream>

#include "command_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "file_output.hpp"
#include "promela_export.hpp"

namespace tcpmc {

int run_export(const ExportCommand& cmd, std::ostream& out, std::ostream& err) {
  if (!cmd.out_path.empty() && !output_target_ok(cmd.out_path, err)) return exit_code::kBadInput;
  if (int c = check_property_selection({cmd.spec}, cmd.options, err)) return c;
  ExitStatus status;
  auto loaded = load_reporting(cmd.spec, cmd.options.defines, err, status);
  if (!loaded) return status.code();
  const ir::Model& m = loaded->model;
  const ir::FaultBudget faults = run_faults(m, cmd.options);
  std::string note = "spec " + cmd.spec;
  for (const auto& [name, value] : cmd.options.defines) note += " -D " + name + "=" + std::to_string(value);
  PromelaOptions po;
  po.selected = select_properties(m, cmd.options.properties);
  po.source_note = note;
  po.hidden_scratch = !cmd.no_hidden;
  const PromelaExport e = export_promela(m, faults, po);
  if (!e.error.empty()) {
    err << cmd.spec << ": error: " << e.error << "\n";
    return exit_code::kBadInput;
  }
  if (auto w = write_output(cmd.out_path.empty() ? "-" : cmd.out_path, e.text, out, err)) {
    err << "tcpmc: error: " << *w << "\n";
    return exit_code::kBadInput;
  }
  return exit_code::kAllAsExpected;
}

}  // namespace tcpmc
