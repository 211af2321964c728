#include "run/parent/retry.hpp"

#include "core/sys.hpp"
#include "run/parent/orchestrator.hpp"
#include "run/results/noise.hpp"

namespace ipcb {

std::vector<RunResult> run_with_retries(const RunConfig &config, RetryPolicy &policy) {
    std::vector<RunResult> attempts;
    std::uint64_t t0 = now_ns();
    attempts.push_back(run_measured(config));
    double last_s = double(now_ns() - t0) * 1e-9;
    policy.first_attempts_s += last_s;
    while (int(attempts.size()) <= policy.max_retries && !retry_reason(attempts.back()).empty() &&
           !g_interrupt_signal.load()) {
        const double limit = policy.budget_s >= 0 ? policy.budget_s
                             : policy.share >= 0  ? policy.share * policy.first_attempts_s
                                                  : -1;
        if (limit >= 0 && policy.spent_s + last_s > limit) {
            ++policy.refused;
            break;
        }
        attempts.back().superseded = true;
        t0 = now_ns();
        RunResult again = run_measured(config);
        last_s = double(now_ns() - t0) * 1e-9;
        policy.spent_s += last_s;
        ++policy.retried;
        again.attempt = int(attempts.size()) + 1;
        attempts.push_back(std::move(again));
    }
    return attempts;
}

}  // namespace ipcb
