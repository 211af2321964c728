#pragma once
// The sweep matrix: which configurations a sweep runs, built in (no file needed) and expanded
// into a seeded, shuffled run list. The command line overrides it (cli/sweep_options.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "run/results/run_types.hpp"

namespace ipcb {

// What --sizes large adds to the matrix's sizes: where copying designs grow with the size.
inline constexpr const char *kLargeSizes[] = {"512K", "1M", "4M"};

struct SweepMatrix {
    std::vector<std::string> modes;
    std::vector<SizeSpec> sizes;
    int repetitions = 3;
    double duration_s = 0.75, warmup_s = 0.2;  // ~590 runs of the full sweep within 15 minutes
    // Spin budgets of spinning modes, each a variant; nullopt: the mode's own (default: it and 0).
    std::vector<std::optional<std::uint64_t>> spins_ns;
    struct InflightLevel {
        unsigned inflight;
        std::vector<SizeSpec> sizes;  // the sizes this level is run at (besides inflight 1)
    };
    std::vector<InflightLevel> inflight_levels;
    // io_uring knob sets (uring/uring.hpp) for the modes that take them, run at uring_sizes.
    std::vector<unsigned> uring_variants;
    std::vector<SizeSpec> uring_sizes;
    // AF_UNIX socket types (--socket) for the modes that take them, run at socket_sizes.
    std::vector<SocketType> socket_variants;
    std::vector<SizeSpec> socket_sizes;
    // The placement section: every mode that sleeps, both ends on the server's CPU (spin 0), at
    // these sizes, placement_repetitions times each (section "placement").
    std::vector<SizeSpec> same_cpu_sizes;
    int placement_repetitions = 0;  // 0: the matrix's repetitions
};

SweepMatrix default_matrix(bool quick);

// Every configuration x repetition, in an order shuffled with `seed`. Each run is `base` (CPUs,
// timeout, fault) with the matrix's mode, size, timing, in-flight level and spin budget (0 for
// modes that do not spin); repetition r uses size seed `seed + r`. The placement section's runs
// are shuffled in with the matrix's, so both placements see the same drifts of the machine.
std::vector<RunConfig> expand_matrix(const SweepMatrix &m, const RunConfig &base, std::uint64_t seed);

// The placement section's classes beyond same-cpu: each of smt, cache, cross-cache and
// cross-node the topology has a pair for, unless the matrix's own pair (separate) already is of
// that class. Each gets the section's sizes, every sleeping mode and the spinning baseline.
struct PlacementClassPlan {
    Placement placement;
    CpuPair pair;            // pair.found() false: not available here (pair.why_none)
    bool as_matrix = false;  // the matrix's separate pair is of this class: its runs stand for it
};
std::vector<PlacementClassPlan> placement_class_plans(const CpuTopology &t, int server_cpu, int client_cpu);

}  // namespace ipcb
