#pragma once
// What a run's results are once both roles reported: the derived figures (throughput, CPU per
// round trip, latency statistics), per-client figures and fairness, the clients merged into one
// report, and the open-loop saturation rule.
#include <vector>

#include "run/results/run_types.hpp"

namespace ipcb {

// Fills the derived figures and latency statistics from the role reports and samples: per client,
// and over all clients (`client` becomes the clients' merged report).
void finalize_result(RunResult &r);
// Several clients' reports as one: counts and CPU summed, the longest timed phase.
RoleReport merge_clients(const std::vector<RoleReport> &clients);
// The saturation rule of an open-loop run: saturated when it could not carry the offered rate
// (achieved < kCarriedFraction of offered) or its backlog grew (requests fell due with
// max-inflight outstanding in more than kWaitsFraction of them, or the send lag grew over the
// run); a brief hiccup is counted (max_inflight_waits) but does not mark the run.
inline constexpr double kCarriedFraction = 0.95, kWaitsFraction = 0.01;
inline constexpr const char *kSaturationRule =
    "open loop: achieved < 95% of offered, or requests fell due with max-inflight outstanding in over 1% of "
    "them, or the send lag grew over the run (last quarter's median > 1 ms and > 4x the first quarter's)";

// Jain's fairness index over `x`: 1 when all are equal, 1/n when one takes everything.
double jain_index(const std::vector<double> &x);

}  // namespace ipcb
