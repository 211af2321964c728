#pragma once
// Runs one configuration: forks the server and client roles (one client, or N for fan-in), pins them, releases them together
// once both finished setup, collects their records through result pipes, and turns any crash,
// hang, bad record or failed verification into a failed RunResult with its cause. Every wait is
// bounded; on return no process of the run is left.
#include <string>

#include "run/parent/interrupt.hpp"
#include "run/parent/unsupported.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {

RunResult run_orchestrated(const RunConfig &config);
// run_orchestrated plus what the machine did meanwhile: load and CPU pressure before and after,
// steal time, and the noise assessment.
RunResult run_measured(const RunConfig &config);

// Seconds a run may take before its children are killed (config.timeout_s, or derived).
double run_deadline_s(const RunConfig &config);

}  // namespace ipcb
