#pragma once
// The commands main() dispatches to: orchestrated runs, the sweep, and the two-terminal roles.
#include "cli/options.hpp"

namespace ipcb {

// Returns the process exit status: 0 all runs ok (or unsupported), 1 a run failed, 130/143 when
// interrupted by SIGINT/SIGTERM (after writing the report of the runs that finished).
int run_command(const Options &opts);

}  // namespace ipcb
