#pragma once
// Runs one configuration: forks the server and client roles, pins them, releases them together
// once both finished setup, collects their records through result pipes, and turns any crash,
// hang, bad record or failed verification into a failed RunResult with its cause. Every wait is
// bounded; on return no process of the run is left.
#include <atomic>
#include <vector>

#include "bench/run_types.hpp"

namespace ipcb {

// Set by the SIGINT/SIGTERM handler: the current run is killed and reported failed.
extern std::atomic<int> g_interrupt_signal;
// Installs that handler (without SA_RESTART, so a waiting poll() returns at once) and ignores
// SIGPIPE, for commands that run the orchestrator.
void install_interrupt_handlers();
// The command's exit status: 128 + signal when interrupted, 1 when a run failed, else 0
// (an "unsupported" run is not a failure).
int exit_status(const std::vector<RunResult> &runs);

RunResult run_orchestrated(const RunConfig &config);
// run_orchestrated plus what the machine did meanwhile: load and CPU pressure before and after,
// steal time, and the noise assessment.
RunResult run_measured(const RunConfig &config);

// Seconds a run may take before its children are killed (config.timeout_s, or derived).
double run_deadline_s(const RunConfig &config);

}  // namespace ipcb
