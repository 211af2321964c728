// summary.md's placement sections: the two placements side by side (sweep/placement_pairs.hpp)
// and the harness against the bare reference ping-pong (sweep/harness_overhead.hpp).
#include "report/number_text.hpp"
#include "report/report.hpp"
#include "sweep/placement_pairs.hpp"

namespace ipcb {

using markdown::num;

std::string placement_section(const std::vector<Aggregate> &aggregates) {
    const std::vector<PlacementPair> pairs = placement_pairs(aggregates);
    if (pairs.empty()) return "";
    std::string md =
        "\n## Placement: one CPU or two\n\nEvery sleeping mode with its two ends on separate CPUs (the matrix) and "
        "both on one CPU (the placement section, `same-cpu`: a wake-up there is a context switch, not an "
        "interrupt to another CPU). Medians over repetitions; CPU us per round trip, both sides; p50 / floor "
        "against each run's own floor (two CPUs: the spinning handoff; one CPU: the futex handoff between two "
        "processes). Spinning-only modes are not run on one CPU: a spin there starves the peer.\n\n"
        "| mode | variant | size | p50 us separate | p50 us same-cpu | same / separate | CPU us separate | "
        "CPU us same-cpu | p50/floor separate | p50/floor same-cpu |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const PlacementPair &p : pairs)
        md += "| " + p.mode + " | " + (p.variant.empty() ? "-" : p.variant) + " | " + p.size + " | " +
              num(p.separate.p50_us.median, 2) + " | " + num(p.same_cpu.p50_us.median, 2) + " | " +
              num(p.p50_ratio(), 2) + " | " + num(p.separate.cpu_us_per_op.median, 2) + " | " +
              num(p.same_cpu.cpu_us_per_op.median, 2) + " | " + num(p.separate.p50_over_floor.median, 2) + " | " +
              num(p.same_cpu.p50_over_floor.median, 2) + " |\n";
    return md;
}

std::string harness_section(const Report &report) {
    if (!report.sweep || report.sweep->harness.empty()) return "";
    std::string md =
        "\n## The harness against a bare ping-pong\n\n`uds-sync` at 4 KiB against a bare blocking ping-pong over a "
        "`SOCK_SEQPACKET` socketpair (two processes, no verification, no counters: `build/bare_pingpong`), each "
        "pair back to back; p50 per pair, and the median of the pairs' ratios. Near 1: the harness does not move "
        "what it measures.\n\n| placement | pairs | bare p50 us | uds-sync p50 us | uds-sync / bare (median) |\n"
        "|---|---|---|---|---|\n";
    auto list = [](const std::vector<double> &v) {
        std::string out;
        for (double x : v) out += (out.empty() ? "" : ", ") + num(x, 2);
        return out.empty() ? std::string("-") : out;
    };
    for (const HarnessOverheadRow &row : report.sweep->harness)
        md += "| " + row.placement + " | " + std::to_string(row.bare_p50_us.size()) + " | " + list(row.bare_p50_us) +
              " | " + list(row.harness_p50_us) + " | " +
              (row.median_ratio > 0 ? num(row.median_ratio, 3) : "- (" + row.error + ")") + " |\n";
    return md;
}

}  // namespace ipcb
