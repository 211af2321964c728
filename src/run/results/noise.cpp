#include "run/results/noise.hpp"

#include <cstdio>

namespace ipcb {
namespace {

std::string pct(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", v * 100);
    return buf;
}

// Steal time on the run's CPUs between the load samples around the run, and those CPUs' time.
double steal_ms(const RunResult &r, double *cpu_ms) {
    return steal_ms_between(r.busy_before, r.busy_after, r.config.server_cpu, r.config.client_cpu, cpu_ms);
}

double cpu_pressure_during(const RunResult &r) {
    const MachineBusy &a = r.busy_before, &b = r.busy_after;
    if (a.cpu_pressure_some_total_us < 0 || b.cpu_pressure_some_total_us < 0 || b.at_ns <= a.at_ns) return -1;
    return double(b.cpu_pressure_some_total_us - a.cpu_pressure_some_total_us) * 1e3 / double(b.at_ns - a.at_ns);
}

}  // namespace

std::string noise_thresholds_text() {
    return "noisy when some task waited for a CPU (PSI cpu some) > " + pct(kNoisyPressurePercent / 100) +
           ", involuntary context switches > " + pct(kNoisyInvoluntaryPerOp) +
           " of round trips on either side, or "
           "hypervisor steal time > " +
           pct(kNoisyStealFraction) +
           " of the run on its CPUs (same-cpu runs: steal time only, since there the two ends wait for the one "
           "CPU and preempt each other by design); outliers are samples above " +
           std::to_string(int(kOutlierFactor)) + " x p50 (counted, never dropped)";
}

NoiseReport assess_noise(const RunResult &r) {
    NoiseReport n;
    double cpu_ms = 0;
    n.steal_ms = steal_ms(r, &cpu_ms);
    n.cpu_pressure = cpu_pressure_during(r);
    if (!r.ok()) return n;
    const double ops = double(r.client->operations);
    // On one CPU the ends are each other's competition: waiting for the CPU is the design there.
    const bool own_contention = r.config.placement == Placement::same_cpu;
    if (!own_contention && n.cpu_pressure * 100 > kNoisyPressurePercent)
        n.reasons.push_back("tasks waited for a CPU during " + pct(n.cpu_pressure) +
                            " of the run (CPU pressure: other work competed)");
    for (const RoleReport *role : {&*r.server, &*r.client}) {
        const double per_op = double(role->involuntary_switches) / ops;
        if (!own_contention && per_op > kNoisyInvoluntaryPerOp)
            n.reasons.push_back(role->role + " was preempted " + std::to_string(role->involuntary_switches) +
                                " times (" + pct(per_op) + " of round trips)");
    }
    if (cpu_ms > 0 && n.steal_ms / cpu_ms > kNoisyStealFraction)
        n.reasons.push_back("the hypervisor stole " + pct(n.steal_ms / cpu_ms) + " of the run's CPU time");
    n.noisy = !n.reasons.empty();
    return n;
}

std::string retry_reason(const RunResult &r) {
    if (!r.ok()) return {};
    std::string why;
    for (const std::string &reason : r.noise.reasons) why += (why.empty() ? "" : "; ") + reason;
    if (r.placement() == "changed")
        why += std::string(why.empty() ? "" : "; ") + "its floor changed placement during it";
    return why;
}

}  // namespace ipcb
