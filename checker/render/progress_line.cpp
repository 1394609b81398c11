#include "progress_line.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace tcpmc {

void ProgressLine::update(const std::string& text, double seconds) {
  const auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    if (shown_ && now - last_ < std::chrono::milliseconds(450)) return;
    os_ << "\r" << text << "\x1b[K" << std::flush;
  } else {
    if (seconds < 3 || (shown_ && now - last_ < std::chrono::seconds(5))) return;
    os_ << text << "\n" << std::flush;
  }
  shown_ = true;
  last_ = now;
}

void ProgressLine::finish() {
  if (terminal_ && shown_) os_ << "\r\x1b[K" << std::flush;
  shown_ = false;
}

std::string format_elapsed(double s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  } else {
    const long t = static_cast<long>(s);
    if (t < 3600) std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
    else std::snprintf(buf, sizeof buf, "%ldh%02ldm%02lds", t / 3600, t / 60 % 60, t % 60);
  }
  return buf;
}

static std::string rate(double per_second) {
  char buf[32];
  if (per_second >= 1e6) std::snprintf(buf, sizeof buf, "%.1fM/s", per_second / 1e6);
  else if (per_second >= 1e3) std::snprintf(buf, sizeof buf, "%.0fk/s", per_second / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f/s", per_second);
  return buf;
}

// "1234567", "12.3M", "456k": a state count short enough for a one-line display.
static std::string count(uint64_t n) {
  char buf[32];
  if (n >= 10'000'000) std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  else if (n >= 100'000) std::snprintf(buf, sizeof buf, "%.0fk", n / 1e3);
  else std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
  return buf;
}

std::string format_engine_progress(const EngineProgress& p) {
  std::string levels;
  if (p.level_states) {
    levels = " (level " + count(p.level_states) + ", next " + count(p.next_level_states);
    if (p.estimate_left >= 0) levels += ", ~" + count(static_cast<uint64_t>(p.estimate_left)) + " left";
    levels += ")";
  }
  return "[tcpmc] " + p.label + ": " + std::to_string(p.states) + " states (" +
         rate(p.seconds > 0 ? p.states / p.seconds : 0) + "), depth " + std::to_string(p.depth) + levels +
         ", queue " + std::to_string(p.queue) + ", " + std::to_string(p.memory_bytes >> 20) + " MiB, " +
         format_elapsed(p.seconds);
}

ProgressCallback progress_callback(std::shared_ptr<ProgressLine> line) {
  return [line](const EngineProgress& p) {
    if (p.final) line->finish();
    else line->update(format_engine_progress(p), p.seconds);
  };
}

std::shared_ptr<ProgressLine> stderr_progress_line() {
  return std::make_shared<ProgressLine>(std::cerr, isatty(STDERR_FILENO) == 1);
}

}  // namespace tcpmc
