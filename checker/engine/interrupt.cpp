#include "interrupt.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <thread>

namespace tcpmc {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int64_t> g_first_signal_ns{0};  // CLOCK_MONOTONIC when the first signal came; 0: none
constexpr int64_t kSameRequestNs = 1'000'000'000;
// For the tests of the real signal path without sleeping: TCPMC_TEST_SIGINT_AFTER_POLLS=N makes
// the N-th poll raise SIGINT in this process (raise() runs the handler before it returns);
// TCPMC_TEST_SIGTERM_TWICE_AFTER_POLLS=N raises SIGTERM twice in a row there, as timeout(1)
// delivers it.
std::atomic<long> g_test_countdown{0};
int g_test_signal = SIGINT, g_test_repeats = 1;
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");
static_assert(std::atomic<int64_t>::is_always_lock_free, "the signal handler needs a lock-free time");

int64_t monotonic_ns() {  // (clock_gettime is async-signal-safe)
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The first signal asks for a clean stop. The same request may arrive twice at once: timeout(1)
// signals the process and then its process group, and another thread may take the second
// delivery while the first is handled; a repeat within a second is ignored. A later one ends the
// process (the default action), for a run that does not stop.
extern "C" void on_interrupt(int sig) {
  const int64_t now = monotonic_ns();
  int64_t first = 0;
  if (g_first_signal_ns.compare_exchange_strong(first, now)) {
    g_interrupted.store(true);
    return;
  }
  if (now - first < kSameRequestNs) return;
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  if (const char* n = std::getenv("TCPMC_TEST_SIGINT_AFTER_POLLS")) g_test_countdown.store(std::atol(n));
  if (const char* n = std::getenv("TCPMC_TEST_SIGTERM_TWICE_AFTER_POLLS")) {
    g_test_countdown.store(std::atol(n));
    g_test_signal = SIGTERM;
    g_test_repeats = 2;
  }
}

bool interrupt_requested() {
  if (g_test_countdown.load(std::memory_order_relaxed) > 0 && g_test_countdown.fetch_sub(1) == 1)
    for (int i = 0; i < g_test_repeats; ++i) std::raise(g_test_signal);
  return g_interrupted.load(std::memory_order_relaxed);
}
void request_interrupt() { g_interrupted.store(true); }
void clear_interrupt() {
  g_interrupted.store(false);
  g_first_signal_ns.store(0);
}

void run_watched(const std::function<void()>& body, const std::function<void()>& on_interrupt) {
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done.load()) {
      if (interrupt_requested()) {
        on_interrupt();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  try {
    body();
  } catch (...) {
    done = true;
    watcher.join();
    throw;
  }
  done = true;
  watcher.join();
}

}  // namespace tcpmc
