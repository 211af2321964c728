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
// Jain's fairness index over `x`: 1 when all are equal, 1/n when one takes everything.
double jain_index(const std::vector<double> &x);

}  // namespace ipcb
