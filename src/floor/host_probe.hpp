#pragma once
// The host, probed before a sweep or an advice (a few seconds): how much CPU the hypervisor
// steals from a sleeping ping-pong (the runs that sleep lose most to it: a vCPU that halts is
// descheduled, and waking it waits for the host), and how far that ping-pong's p50 moves from
// one batch to the next within the probe. A difference between two sleeping designs smaller
// than that movement cannot be told apart on this host, whatever the statistics say.
#include <string>
#include <vector>

namespace ipcb {

struct HostProbe {
    bool ran = false;
    std::string error;                 // why it did not run
    double seconds = 0;                // how long it took
    std::vector<double> batch_p50_us;  // the sleeping (futex) ping-pong's p50, batch by batch
    double spread = 0;                 // max / min of batch_p50_us (1: steady)
    double steal_fraction = 0;         // steal time / wall time on the two CPUs during it
    double floor_line_us = 0;          // the spinning line round trip (where the two CPUs are)
    std::string placement;             // placement_class of it
    bool noisy = false;                // steal or spread past the thresholds below
    std::string verdict;               // one sentence with the figures
};

inline constexpr double kProbeNoisySteal = 0.05;  // 5% of the probe's CPU time stolen
inline constexpr double kProbeNoisySpread = 1.5;  // batches' p50 moved by half or more
inline constexpr unsigned kProbeBatches = 6;

// Runs the probe on the two CPUs (they must differ; on one CPU, only the steal is read).
HostProbe probe_host(int client_cpu, int server_cpu);

}  // namespace ipcb
