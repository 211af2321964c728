#pragma once
// One design held for an interleaved measurement (the advice's default method, --floor-paired):
// its roles are started once, set up and warmed (syscall counting included) as any run's, then
// run in slices when asked. Between slices every process of the run is stopped (SIGSTOP to each
// role's process group): an idle design uses no CPU, whatever it would do waiting (a spinning
// server spins no more), and the design whose slice it is has the run's CPUs to itself.
//
// A slice: SIGCONT, one byte down each client's slice pipe, the clients' SLICE records (figures,
// both roles' CPU clocks around the recorded part, a latency histogram), SIGSTOP. A slice the host
// stalled is kept out of the statistics (dropped, with the reason): steal time on the run's CPUs
// over kSliceStealFraction of the slice, or, where no two roles share a CPU, more involuntary
// context switches of its roles' main threads than kSliceInvoluntaryPerS (or 1% of its round
// trips): a role that never sleeps is preempted by the kernel's own threads 10-15 times in 100 ms
// on a 2-vCPU Intel Xeon VM (lfshm-spin at 10k/s), which is no stall. finish() ends the clients' timed phase (EOF on the
// slice pipes) and evaluates the run as any other: every message verified, syscalls counted; its
// time and CPU are the sum of its recorded parts.
#include <cstdint>
#include <memory>
#include <string>

#include "run/parent/run_processes.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {

inline constexpr double kSliceStealFraction = 0.05;
inline constexpr double kSliceInvoluntaryPerS = 200;  // 20 in a 100 ms slice

struct SliceSample {
    std::uint64_t ops = 0;
    double wall_ms = 0;
    double p50_us = 0, p99_us = 0;
    double cpu_us_per_op = 0;  // both roles, without the open-loop clients' pacing
    double steal_fraction = 0;
    long involuntary_switches = 0;  // the roles' main threads
    std::string dropped;            // why it is no sample ("" when kept)
    bool kept() const { return dropped.empty(); }
};

class SlicedRun {
public:
    // Starts the roles and warms them (one design at a time: the others are stopped); a run that
    // cannot start is failed(), with its cause in finish()'s result.
    SlicedRun(const RunConfig &config, SliceTiming timing);
    ~SlicedRun();  // kills and reaps whatever is left
    SlicedRun(const SlicedRun &) = delete;
    SlicedRun &operator=(const SlicedRun &) = delete;

    // One slice; throws Error (the cause) when the run failed during it (it is then failed()).
    SliceSample run_slice();
    // Ends the timed phase and evaluates the run; its figures are the kept and dropped slices'.
    RunResult finish();
    bool failed() const { return !error_.empty(); }
    const RunConfig &config() const { return config_; }
    // Both roles' CPU since the last slice ended, in ns (0 when unread): what "idle" cost.
    std::uint64_t idle_cpu_ns() const;

private:
    void start();
    void close_slice_pipes();
    void set_stopped(bool stopped);
    void fail(const std::string &cause);
    bool slice_arrived(std::size_t client) const;

    RunConfig config_;
    SliceTiming timing_;
    RunProcesses p_;
    std::vector<std::string> events_;
    std::vector<std::size_t> slices_seen_;  // per client: SLICE_HISTOGRAM records taken so far
    std::uint64_t slices_ = 0, dropped_ = 0;
    double kept_server_cpu_s_ = 0, kept_wall_s_ = 0;
    std::uint64_t cpu_at_stop_ns_ = 0;
    MachineBusy busy_before_;
    std::string error_;
    bool finished_ = false;
};

// A slice of the run's floor (floor/handoff_floor.hpp) on the run's CPUs, in the parent, while
// every design is stopped: the handoff of the run's message size for about timing.slice_ns.
SliceSample floor_slice(const RunConfig &config, SliceTiming timing);

}  // namespace ipcb
