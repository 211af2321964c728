#pragma once
// Shared by the integration tests: short orchestrated runs, running the built binary, and
// checks that nothing of a run outlives it.
#include <functional>
#include <string>
#include <vector>

#include "run/results/run_types.hpp"

namespace ipcb::test {

// A short run of `mode` on the two lowest allowed CPUs (0.3 s timed, 0.05 s warmup).
RunConfig short_config(const std::string &mode, const std::string &size);
RunResult run(const RunConfig &config);

// True when the run is `unsupported` because of a limit of this host the mode names for this
// configuration (Mode::unsupported_for: a message queue's fs.mqueue.msgsize_max); the test then
// says so instead of checking the run.
bool unsupported_by_host_limit(const RunResult &r);

// Modes the running kernel supports.
std::vector<std::string> supported_modes();

// Runs body(mode) once per mode, each in a doctest SUBCASE of its own, so a failure in one mode
// does not hide the others. A mode this kernel cannot run gets a subcase that only says so, with
// the reason; the test fails when no mode can run at all.
void for_each_mode(const std::function<void(const std::string &mode)> &body);

// Nothing of a run may outlive it: taken before the run, check() after it asserts that this test
// process has no child left and no more open fds than before.
struct NothingLeftBehind {
    int fds;
    NothingLeftBehind();
    void check() const;
};

struct CommandResult {
    int status = -1;  // exit status, or 128+signal
    std::string out, err;
};
// Runs the ipc_benchmark binary (IPCB_BINARY) with `args`; kills it after timeout_s.
CommandResult run_binary(const std::vector<std::string> &args, double timeout_s);
std::string binary_path();
// Validates a report file against schemas/report.schema.json (IPCB_SCHEMA) with python3-jsonschema.
void check_against_schema(const std::string &report_path);

// Processes whose parent is this test process (leftover children), and this process's open fds.
std::vector<int> child_processes();
int open_fd_count();

std::string temp_dir();  // a fresh folder under /tmp, removed at exit

}  // namespace ipcb::test
