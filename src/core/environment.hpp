#pragma once
// What the numbers were measured on: read once per report from uname, /proc and /sys.
#include <string>
#include <vector>

namespace ipcb {

struct Environment {
    std::string kernel, hostname, cpu_model, virtualization, clocksource, governor, smt;
    int cpus_online = 0;
    std::vector<int> allowed_cpus;
    std::string mitigations;        // "name: state" of each /sys/.../vulnerabilities entry, joined by "; "
    std::string liburing_version, compiler, build_type, git_commit, timestamp;
    double clock_cost_ns = 0;
    std::string clock = "CLOCK_MONOTONIC";
};

Environment probe_environment();

// Load average (1 min) and CPU pressure (some avg10), read before and after each run.
struct LoadSample {
    double loadavg1 = -1;
    double cpu_pressure_some_avg10 = -1;  // -1: /proc/pressure/cpu unavailable
};
LoadSample sample_load();

std::string utc_timestamp();            // 2026-11-28T01:02:03Z
std::string read_first_line(const std::string &path);

}  // namespace ipcb
