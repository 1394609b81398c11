// Cooperative interruption (Ctrl-C, SIGTERM). The handlers only set a flag; engines poll it at
// every state and stop with an incomplete result ("interrupted"), and the commands then print the
// summary so far, remove their temporary files and exit 5 (inconclusive). Nothing is written or
// cleaned up inside a signal handler. A second signal while the first is being honoured ends the
// process at once (the default action), for a run that does not stop, unless it comes within a
// second of the first: that is the same request delivered twice (timeout(1) sends it to the
// process and to its process group).
#pragma once
#include <functional>

namespace tcpmc {

// Installs the SIGINT and SIGTERM handlers (the executable calls this once). For tests, the
// environment variable TCPMC_TEST_SIGINT_AFTER_POLLS=N makes the N-th interrupt_requested() call
// raise SIGINT in this process, so that the signal path is tested without timing;
// TCPMC_TEST_SIGTERM_TWICE_AFTER_POLLS=N raises SIGTERM twice there, as timeout(1) delivers it.
void install_interrupt_handlers();
bool interrupt_requested();
// For tests and for commands that want to stop as if interrupted.
void request_interrupt();
void clear_interrupt();
// Runs `body` while a watcher thread polls for an interrupt every 50 ms and then calls
// `on_interrupt` once (from that thread): for a solver that answers one question for long and
// can only be stopped from outside (Z3's context interrupt).
void run_watched(const std::function<void()>& body, const std::function<void()>& on_interrupt);

}  // namespace tcpmc
