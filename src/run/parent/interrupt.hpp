#pragma once
// SIGINT, SIGTERM or SIGHUP during runs: the current run is killed and reported failed, and the
// command still writes the report of the runs that finished.
#include <atomic>
#include <vector>

#include "run/results/run_types.hpp"

namespace ipcb {

// Set by the handler: the signal that interrupted the command (0: none).
extern std::atomic<int> g_interrupt_signal;
// Installs that handler (without SA_RESTART, so a waiting poll() returns at once) and ignores
// SIGPIPE, for commands that run the orchestrator.
void install_interrupt_handlers();
// The command's exit status: 128 + signal when interrupted, 1 when a run failed, else 0
// (an "unsupported" run is not a failure).
int exit_status(const std::vector<RunResult> &runs);

}  // namespace ipcb
