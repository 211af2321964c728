#pragma once
// What the numbers were measured on: read once per report from uname, /proc and /sys.
#include <cstdint>
#include <string>
#include <vector>

namespace ipcb {

struct Environment {
    std::string kernel, hostname, cpu_model, virtualization, clocksource, governor, smt;
    int cpus_online = 0;
    std::vector<int> allowed_cpus;
    std::string mitigations;  // "name: state" of each /sys/.../vulnerabilities entry, joined by "; "
    std::string liburing_version, compiler, build_type, git_commit, timestamp;
    double clock_cost_ns = 0;
    std::string clock = "CLOCK_MONOTONIC";
};

Environment probe_environment();

// Load average (1 min) and CPU pressure (some avg10), read before and after each run.
struct MachineBusy {
    double loadavg1 = -1;
    double cpu_pressure_some_avg10 = -1;           // -1: /proc/pressure/cpu unavailable
    std::int64_t cpu_pressure_some_total_us = -1;  // cumulative stall time, for deltas over a run
    std::uint64_t at_ns = 0;                       // CLOCK_MONOTONIC when sampled
    std::vector<std::uint64_t> steal_ticks;        // per CPU, /proc/stat "steal" (USER_HZ ticks)
};
MachineBusy sample_machine_busy();
// Steal time (ms) on CPUs cpu1 and cpu2 (one CPU when they are equal) between two samples, and
// those CPUs' wall time over the window in *cpu_ms; a CPU missing from either sample is skipped.
double steal_ms_between(const MachineBusy &before, const MachineBusy &after, int cpu1, int cpu2, double *cpu_ms);

std::string utc_timestamp();  // 2026-11-28T01:02:03Z
std::string read_first_line(const std::string &path);

}  // namespace ipcb
