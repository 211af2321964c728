#include "floor/host_probe.hpp"

#include <algorithm>
#include <cstdio>

#include "core/environment.hpp"
#include "core/sys.hpp"
#include "floor/bare_pingpong.hpp"
#include "floor/handoff_floor.hpp"

namespace ipcb {
namespace {

// Round trips per batch: ~0.3 s at the 50-300 us round trips of a stealing host, ~30 ms on a
// quiet one.
constexpr unsigned kBatchRoundTrips = 1500;

double steal_fraction(const MachineBusy &a, const MachineBusy &b, int cpu1, int cpu2) {
    double cpu_ms = 0;
    const double stolen = steal_ms_between(a, b, cpu1, cpu2, &cpu_ms);
    return cpu_ms > 0 ? stolen / cpu_ms : 0;
}

std::string verdict_of(const HostProbe &p) {
    char text[400];
    if (!p.noisy) {
        std::snprintf(text, sizeof text,
                      "quiet: the hypervisor stole %.1f%% of the probe's CPU time and a sleeping ping-pong's p50 moved "
                      "%.2fx over %u batches (%.0f-%.0f us)",
                      100 * p.steal_fraction, p.spread, unsigned(p.batch_p50_us.size()),
                      *std::min_element(p.batch_p50_us.begin(), p.batch_p50_us.end()),
                      *std::max_element(p.batch_p50_us.begin(), p.batch_p50_us.end()));
        return text;
    }
    std::snprintf(text, sizeof text,
                  "noisy: the hypervisor stole %.1f%% of the probe's CPU time and a sleeping ping-pong's p50 moved "
                  "%.2fx over %u batches (%.0f-%.0f us): differences between sleeping designs under %.1fx may be the "
                  "host's, not the designs'",
                  100 * p.steal_fraction, p.spread, unsigned(p.batch_p50_us.size()),
                  *std::min_element(p.batch_p50_us.begin(), p.batch_p50_us.end()),
                  *std::max_element(p.batch_p50_us.begin(), p.batch_p50_us.end()), std::max(p.spread, 1.1));
    return text;
}

}  // namespace

HostProbe probe_host(int client_cpu, int server_cpu) {
    HostProbe p;
    const std::uint64_t t0 = now_ns();
    const MachineBusy before = sample_machine_busy();
    try {
        if (client_cpu != server_cpu) {
            const FloorReading line = measure_run_floor(64, client_cpu, server_cpu);
            p.floor_line_us = line.line_p50_us;
            p.placement = placement_class(line.line_p50_us);
        } else {
            p.placement = "same-cpu";
        }
        for (unsigned i = 0; i < kProbeBatches; ++i)
            p.batch_p50_us.push_back(bare_futex_pingpong(64, kBatchRoundTrips, client_cpu, server_cpu).p50_us);
    } catch (const std::exception &e) {
        p.error = e.what();
        return p;
    }
    const MachineBusy after = sample_machine_busy();
    p.ran = true;
    p.seconds = double(now_ns() - t0) * 1e-9;
    p.steal_fraction = steal_fraction(before, after, client_cpu, server_cpu);
    const auto [lo, hi] = std::minmax_element(p.batch_p50_us.begin(), p.batch_p50_us.end());
    p.spread = *lo > 0 ? *hi / *lo : 0;
    p.noisy = p.steal_fraction > kProbeNoisySteal || p.spread > kProbeNoisySpread;
    p.verdict = verdict_of(p);
    return p;
}

}  // namespace ipcb
