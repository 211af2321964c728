#pragma once
// Shared by the integration tests: short orchestrated runs, running the built binary, and
// checks that nothing of a run outlives it.
#include <string>
#include <vector>

#include "bench/run_types.hpp"

namespace ipcb::test {

// A short run of `mode` on the two lowest allowed CPUs (0.3 s timed, 0.05 s warmup).
RunConfig short_config(const std::string &mode, const std::string &size);
RunResult run(const RunConfig &config);

// Modes the running kernel supports.
std::vector<std::string> supported_modes();

struct CommandResult {
    int status = -1;        // exit status, or 128+signal
    std::string out, err;
};
// Runs the ipc_benchmark binary (IPCB_BINARY) with `args`; kills it after timeout_s.
CommandResult run_binary(const std::vector<std::string> &args, double timeout_s);
std::string binary_path();

// Processes whose parent is this test process (leftover children), and this process's open fds.
std::vector<int> child_processes();
int open_fd_count();

std::string temp_dir();  // a fresh folder under /tmp, removed at exit

}  // namespace ipcb::test
