// tcpmc command line: argument parsing (CLI11) over the library commands in commands.hpp.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <algorithm>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace {

bool parse_define(const std::string& text, std::string& name, int64_t& value) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  name = text.substr(0, eq);
  std::string v = text.substr(eq + 1);
  if (v.empty() || v.size() > 10) return false;
  char* end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (*end != '\0') return false;
  value = x;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tcpmc;
  CLI::App app{"tcpmc: a model checker for the TCP connection lifecycle"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tcpmc 0.1.0");

  CheckCommand check;
  std::vector<std::string> defines;
  int loss = -1, dup = -1;
  bool reorder = false, no_reorder = false, no_progress = false;
  uint64_t max_states = 0, memory_mb = 0;
  int threads = static_cast<int>(std::max(1u, std::min(8u, std::thread::hardware_concurrency())));

  auto* c = app.add_subcommand("check", "explore every reachable state of each spec and check its properties");
  c->add_option("specs", check.specs, "spec files or directories of *.tcp files")->required();
  c->add_option("-D,--define", defines, "override a spec constant: -D NAME=VALUE");
  c->add_option("--loss", loss, "at most N segments lost in a run (default: the spec's)")->check(CLI::Range(0, 15));
  c->add_option("--dup", dup, "at most N segments duplicated in a run (default: the spec's)")->check(CLI::Range(0, 15));
  auto* ro = c->add_flag("--reorder", reorder, "segments may arrive in any order");
  auto* nro = c->add_flag("--no-reorder", no_reorder, "segments arrive in the order sent");
  ro->excludes(nro);
  c->add_option("--max-states", max_states, "stop (inconclusive) after N states");
  c->add_option("--memory-limit", memory_mb, "stop (inconclusive) when the state store exceeds MB megabytes");
  c->add_option("--json", check.json_path, "write results as JSON to FILE, or - for stdout");
  c->add_flag("-q,--quiet", check.quiet, "print only the summary table");
  c->add_flag("--coverage", check.coverage, "list rule counts and every reachable endpoint transition");
  c->add_option("-j,--threads", threads, "worker threads (results are identical for any count)")
      ->check(CLI::Range(1, 64));
  c->add_flag("--no-progress", no_progress, "no progress line on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int r = app.exit(e);
    return e.get_exit_code() == 0 ? 0 : (r == 0 ? 0 : exit_code::kUsage);
  }

  try {
    if (c->parsed()) {
      for (const auto& d : defines) {
        std::string name;
        int64_t value = 0;
        if (!parse_define(d, name, value)) {
          std::cerr << "tcpmc: error: -D expects NAME=INTEGER, got '" << d << "'\n";
          return exit_code::kUsage;
        }
        check.options.defines[name] = value;
      }
      if (loss >= 0) check.options.loss = loss;
      if (dup >= 0) check.options.dup = dup;
      if (reorder) check.options.reorder = true;
      if (no_reorder) check.options.reorder = false;
      check.options.limits.max_states = max_states;
      check.options.limits.memory_limit_mb = memory_mb;
      check.options.limits.progress = !no_progress;
      check.options.limits.threads = threads;
      return run_check(check, std::cout, std::cerr);
    }
  } catch (const std::exception& e) {
    std::cerr << "tcpmc: internal error: " << e.what() << "\n";
    return exit_code::kInternal;
  }
  return exit_code::kUsage;
}
