// summary.md's placement sections: the two placements side by side (sweep/placement_pairs.hpp)
// and the harness against the bare reference ping-pong (sweep/harness_overhead.hpp).
#include "report/number_text.hpp"
#include "report/report.hpp"
#include "sweep/placement_pairs.hpp"
#include "sweep/sweep.hpp"

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

std::string placement_classes_section(const Report &report, const std::vector<Aggregate> &aggregates) {
    if (!report.sweep || report.sweep->placement_classes.empty()) return "";
    std::string md =
        "\n## Placement by the machine's topology\n\nThe pair of CPUs each class takes here (`--list-cpus`): "
        "two threads of one core (smt), two cores sharing the last-level cache (cache), one package across "
        "last-level caches (cross-cache), two NUMA nodes (cross-node). Each class the machine has runs every "
        "mode at the placement section's sizes, set against the matrix's pair (separate).\n\n";
    std::string rows;
    for (const PlacementClassPlan &c : report.sweep->placement_classes) {
        md += "- " + std::string(placement_name(c.placement)) + ": ";
        if (!c.pair.found()) md += "not available here (" + c.pair.why_none + ")\n";
        else if (c.as_matrix)
            md += "CPUs " + std::to_string(c.pair.server) + " and " + std::to_string(c.pair.client) +
                  ": the matrix's own pair (separate) is of this class, so the matrix's runs are this class's\n";
        else md += "ran on CPUs " + std::to_string(c.pair.server) + " and " + std::to_string(c.pair.client) + "\n";
        for (const PlacementPair &p : placement_pairs(aggregates, c.placement))
            rows += "| " + p.mode + " | " + (p.variant.empty() ? "-" : p.variant) + " | " + p.size + " | " +
                    placement_name(c.placement) + " | " + num(p.separate.p50_us.median, 2) + " | " +
                    num(p.same_cpu.p50_us.median, 2) + " | " + num(p.p50_ratio(), 2) + " | " +
                    num(p.same_cpu.cpu_us_per_op.median, 2) + " | " + num(p.same_cpu.p50_over_floor.median, 2) + " |\n";
    }
    if (!rows.empty())
        md +=
            "\n| mode | variant | size | class | p50 us separate | p50 us in class | class / separate | CPU us in "
            "class | p50/floor in class |\n|---|---|---|---|---|---|---|---|---|\n" +
            rows;
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
