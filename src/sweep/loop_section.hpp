#pragma once
// The sweep's loop section (section "loop"): every mode whose server can join an event loop with
// other work (Mode::loop_join), the lfshm rings with each integration, at one size, closed loop
// and at an offered rate, with the neighbours none (the twin), light and heavy, shuffled; each run
// with neighbours has its neighbours-alone pass (orchestrator.hpp). Its rows pair each design at
// a load with its none twin: what the neighbours cost the IPC, and what the IPC design costs them.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "run/results/run_types.hpp"

namespace ipcb {

struct LoopSection {
    std::vector<NeighbourSpec> loads;  // beside none: the light and the heavy load
    std::vector<double> rates;         // offered IPC requests/s; 0: closed loop
    SizeSpec size;
    double duration_s = 0.4, warmup_s = 0.1;
    int repetitions = 1;
    std::vector<std::string> only_modes;  // empty: every mode the matrix has that can join a loop
};

LoopSection default_loop_section(bool quick, int repetitions);

// Every run of the section, shuffled with `seed`, with `base`'s CPUs, timeout and seed.
std::vector<RunConfig> loop_section_configs(const LoopSection &s, const std::vector<std::string> &modes,
                                            const RunConfig &base, std::uint64_t seed);

// One design at one IPC rate and neighbour load: medians over its ok repetitions.
struct LoopRow {
    std::string design;  // mode[variant] without the offered load
    std::string mode, integration;
    std::optional<double> rate;  // IPC requests/s offered; nullopt: closed loop
    std::string neighbours;      // the spec ("none", "8@2000", ...)
    double neighbours_offered = 0;
    int ok_runs = 0;
    double ipc_p50_us = 0, ipc_p99_us = 0, ipc_cpu_us_per_op = 0;
    std::optional<double> ipc_p99_none_us;  // the same design and rate with no neighbours
    double neighbours_achieved = 0, neighbours_p50_us = 0, neighbours_p99_us = 0;
    std::optional<double> neighbours_alone_p99_us;  // the same load with the IPC idle
    std::optional<double> neighbours_alone_p50_us;  // (on 2 CPUs the p99 ratio is mostly the shared CPU's tail)
    double iterations_per_sec = 0, cqes_per_enter = 0, enters_per_round_trip = 0;
    std::vector<std::size_t> runs, twin_runs;  // into the report's runs
    // What the neighbours cost the IPC (p99 over its none twin's), and what the IPC design costs
    // the neighbours (their p99 over their alone pass's): 0 where a side is missing.
    double ipc_p99_ratio() const { return ipc_p99_none_us && *ipc_p99_none_us > 0 ? ipc_p99_us / *ipc_p99_none_us : 0; }
    double neighbours_p50_ratio() const {
        return neighbours_alone_p50_us && *neighbours_alone_p50_us > 0 ? neighbours_p50_us / *neighbours_alone_p50_us
                                                                       : 0;
    }
    double neighbours_p99_ratio() const {
        return neighbours_alone_p99_us && *neighbours_alone_p99_us > 0 ? neighbours_p99_us / *neighbours_alone_p99_us
                                                                       : 0;
    }
};

std::vector<LoopRow> loop_rows(const std::vector<RunResult> &runs);

}  // namespace ipcb
