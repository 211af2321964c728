#pragma once
// A sweep as plain data: the plan (the matrix's shuffled runs, then the load, fan-in and spin
// sections), run_sweep that carries it out, and the SweepResult it returns (aggregates per
// section, the io_uring pairs, the sections' points, the machine's floors, the decision table).
// Reporters (report/) render a SweepResult; nothing here formats output.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "floor/handoff_floor.hpp"
#include "floor/memcpy_bandwidth.hpp"
#include "run/parent/retry.hpp"
#include "run/results/run_types.hpp"
#include "sweep/aggregate.hpp"
#include "sweep/decision.hpp"
#include "sweep/harness_overhead.hpp"
#include "sweep/load_sections.hpp"
#include "sweep/loop_section.hpp"
#include "sweep/matrix.hpp"

namespace ipcb {

// A configuration of the matrix this host cannot run (a limit the mode names: Mode::unsupported_for),
// left out of the runs and listed instead.
struct SkippedConfig {
    RunConfig config;
    std::string reason;
    int repetitions = 0;
};

// Takes out of `order` the runs a host limit rules out; one entry per configuration.
std::vector<SkippedConfig> drop_host_limited(std::vector<RunConfig> &order);

struct SweepPlan {
    SweepMatrix matrix;
    std::vector<RunConfig> order;        // the matrix's runs, shuffled (expand_matrix)
    std::vector<SkippedConfig> skipped;  // taken out of order by drop_host_limited
    std::uint64_t shuffle_seed = 1;
    bool quick = false;
    LoadSections sections;
    LoopSection loop;
    RunConfig section_base;  // CPUs, timeout and seed of the sections' runs
    int server_cpu = 0, client_cpu = 1;
    // Noisy runs are run again (--retry-noisy, default 2) while the retries take at most
    // kSweepRetryShare of the time the first attempts took so far.
    RetryPolicy retry{.max_retries = 2, .share = kSweepRetryShare};
};

struct SweepResult {
    SweepMatrix matrix;
    std::vector<RunConfig> order;
    std::vector<SkippedConfig> skipped;
    std::uint64_t shuffle_seed = 1;
    bool quick = false;
    std::vector<Aggregate> aggregates;  // every section's, each its own
    std::vector<OverheadRow> overhead;  // io_uring mode against its baseline: matrix aggregates
    SectionResults sections;
    std::vector<LoopRow> loop;         // the loop section's designs at each neighbour load, with their twins
    std::vector<HandoffFloor> floors;  // per fixed size of the matrix
    std::string floors_skipped;        // why none were measured ("" when they were)
    MemcpyBandwidth memcpy;
    std::vector<DecisionRow> decision;
    std::vector<HarnessOverheadRow> harness;  // uds-sync against the bare socketpair, both placements
    RetryPolicy retry;                        // as planned, with what the retries took
    // The placement section's topology classes: run, stood for by the matrix's pair, or not here.
    std::vector<PlacementClassPlan> placement_classes;
};

// What the command line sees of a sweep as it runs: progress, and whether to stop early.
struct SweepHooks {
    std::function<void(std::size_t index, std::size_t total, const RunConfig &)> before_matrix_run;
    std::function<void(std::size_t index, const RunResult &)> after_matrix_run;
    std::function<void(const RunResult &)> after_section_run;
    std::function<bool()> interrupted;
};

// Runs the plan; every run is appended to `runs` (the report's runs, in the order run).
SweepResult run_sweep(const SweepPlan &plan, std::vector<RunResult> &runs, const SweepHooks &hooks);

}  // namespace ipcb
