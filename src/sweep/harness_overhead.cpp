#include "sweep/harness_overhead.hpp"

#include "core/stats.hpp"

namespace ipcb {
namespace {

constexpr std::size_t kBytes = 4096;
constexpr unsigned kBareRoundTrips = 20000;  // 0.1-0.3 s here

}  // namespace

std::vector<HarnessOverheadRow> measure_harness_overhead(const RunConfig &base, int pairs, std::vector<RunResult> &runs,
                                                         const std::function<RunResult(const RunConfig &)> &run) {
    std::vector<HarnessOverheadRow> rows;
    for (Placement placement : {Placement::separate, Placement::same_cpu}) {
        HarnessOverheadRow row;
        row.placement = placement_name(placement);
        row.bytes = kBytes;
        RunConfig c = base;
        c.mode = "uds-sync";
        c.size = parse_size_spec("4K");
        c.clients = 1;
        c.client_cpus.clear();
        if (placement == Placement::same_cpu) c.put_on_one_cpu();
        c.section = Section::harness;
        std::vector<double> ratios;
        for (int pair = 0; pair < pairs; ++pair) {
            c.repetition = pair;
            BareResult bare;
            try {
                bare = bare_socketpair_pingpong(kBytes, kBareRoundTrips, c.client_cpu, c.server_cpu);
            } catch (const std::exception &e) {
                row.error = e.what();
                break;
            }
            runs.push_back(run(c));
            const RunResult &r = runs.back();
            if (!r.ok()) {
                row.error = std::string("uds-sync ") + status_name(r.status) + ": " + r.error;
                continue;
            }
            row.runs.push_back(runs.size() - 1);
            row.bare_p50_us.push_back(bare.p50_us);
            row.harness_p50_us.push_back(r.latency->p50);
            ratios.push_back(r.latency->p50 / bare.p50_us);
        }
        row.median_ratio = median(ratios);
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace ipcb
