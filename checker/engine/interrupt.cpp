#include "interrupt.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

namespace tcpmc {
namespace {

std::atomic<bool> g_interrupted{false};
// For the tests of the real signal path without sleeping: TCPMC_TEST_SIGINT_AFTER_POLLS=N makes
// the N-th poll raise SIGINT in this process (raise() runs the handler before it returns).
std::atomic<long> g_test_countdown{0};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_interrupt(int sig) {
  if (g_interrupted.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
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
}

bool interrupt_requested() {
  if (g_test_countdown.load(std::memory_order_relaxed) > 0 && g_test_countdown.fetch_sub(1) == 1) std::raise(SIGINT);
  return g_interrupted.load(std::memory_order_relaxed);
}
void request_interrupt() { g_interrupted.store(true); }
void clear_interrupt() { g_interrupted.store(false); }

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
