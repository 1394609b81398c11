// ProgressLine: shows how a long run is going, on a stream meant for people (stderr).
// On a terminal it is one line redrawn in place ("\r", the text, clear to end of line) at most
// every half second, and erased when the run ends, so that the results print on a clean line.
// Elsewhere (a log file, CI) it writes a new line at most every five seconds, and only for runs
// longer than three seconds, so that short runs leave no noise. Engines and the simulator only
// report (EngineLimits::on_progress); this class decides what is shown and when. Not thread-safe:
// the engines report from one thread.
#pragma once
#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>

#include "engine.hpp"

namespace tcpmc {

class ProgressLine {
 public:
  ProgressLine(std::ostream& os, bool terminal) : os_(os), terminal_(terminal) {}
  // `text` describes the run now; `seconds` is its elapsed time.
  void update(const std::string& text, double seconds);
  // The run is over: erase the line on a terminal.
  void finish();
  bool terminal() const { return terminal_; }

 private:
  std::ostream& os_;
  bool terminal_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// "[tcpmc] rfc9293: 1234567 states (352k/s), depth 31, queue 20456, 96 MiB, 3.5s"; a breadth-first
// engine adds its levels after the depth: "depth 31 (level 412k, next 96k, ~310k left)", the
// estimate only while levels shrink.
std::string format_engine_progress(const EngineProgress& p);
// "1m05s", "3.5s"
std::string format_elapsed(double seconds);

// An EngineLimits::on_progress that draws on `line` (which it shares).
ProgressCallback progress_callback(std::shared_ptr<ProgressLine> line);

// A ProgressLine on stderr, a terminal or not as isatty says.
std::shared_ptr<ProgressLine> stderr_progress_line();

}  // namespace tcpmc
