#pragma once
// How far a run's numbers can be trusted: a run is flagged noisy when the machine was busy or
// the hypervisor took CPU time away during it. Thresholds are stated in every report.
#include <string>
#include <vector>

#include "run/results/run_types.hpp"

namespace ipcb {

// /proc/pressure/cpu "some" stall time during the run. High because a run's own threads count
// too: shm's helper thread and event loop share a CPU and wait for each other.
inline constexpr double kNoisyPressurePercent = 25.0;
inline constexpr double kNoisyInvoluntaryPerOp = 0.01;  // involuntary context switches per round trip, either side
inline constexpr double kNoisyStealFraction = 0.01;     // hypervisor steal time / wall time, the run's CPUs

NoiseReport assess_noise(const RunResult &r);
// Why an ok run says little about its design and is worth running again ("" when it is quiet):
// flagged noisy, or its floor moved to another placement during it.
std::string retry_reason(const RunResult &r);
std::string noise_thresholds_text();

}  // namespace ipcb
