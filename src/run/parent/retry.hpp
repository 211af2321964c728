#pragma once
// --retry-noisy: a run whose numbers the machine moved (noise.hpp's retry_reason: steal, CPU
// pressure, preemption, a floor that changed placement) is run again, up to max_retries times
// and within a time budget, so that aggregates, the decision table and the advice rest on quiet
// runs. Every attempt is returned; all but the last are marked superseded and stay in the report.
// When no quiet attempt could be had, the last (noisy) one is the kept one and says so.
#include <vector>

#include "run/results/run_types.hpp"

namespace ipcb {

struct RetryPolicy {
    int max_retries = 0;   // repeats of one configuration at most
    double budget_s = -1;  // seconds all retries together may take; < 0: see share
    // With no budget_s: the retries' seconds may reach this share of the first attempts' seconds
    // so far (< 0: no limit but max_retries).
    double share = -1;
    double first_attempts_s = 0;  // first attempts' seconds so far
    double spent_s = 0;           // retries' seconds so far (shared by the calls that use this policy)
    int retried = 0;              // repeats made
    int refused = 0;              // repeats not made because the budget was spent
};

// The share of a sweep's planned time that its retries may add (a host where every run is noisy
// takes at most this much longer, not three times as long).
inline constexpr double kSweepRetryShare = 0.25;
inline constexpr double kQuickSweepRetryShare = 0.05;  // --quick: about a minute in all

// Runs `config` with run_measured, then again while the attempt is noisy and the policy allows;
// the attempts in order, each with its `attempt` number.
std::vector<RunResult> run_with_retries(const RunConfig &config, RetryPolicy &policy);

}  // namespace ipcb
