#include <algorithm>
#include <cmath>
#include <cstdio>

#include "modes/mode.hpp"
#include "report/number_text.hpp"
#include "report/report.hpp"

namespace ipcb {
namespace {

using markdown::num;

std::string with_spread(const Spread &s, int decimals) {
    return num(s.median, decimals) + " (" + num(s.min, decimals) + "-" + num(s.max, decimals) + ")";
}

// Every ping-pong at a fixed size against the two-thread handoff of the same bytes (the warmed
// variant: the best plain copy-in/copy-out this machine does), or why the floor was not measured.
std::string handoff_floor_section(const Report &report, const std::vector<Aggregate> &aggregates) {
    if (!report.sweep || (report.sweep->floors.empty() && report.sweep->floors_skipped.empty())) return "";
    const std::vector<HandoffFloor> &floors = report.sweep->floors;
    std::string md = "\n## Against the shared-memory handoff floor\n\n";
    if (!report.sweep->floors_skipped.empty()) return md + "Not measured: " + report.sweep->floors_skipped + ".\n";
    md +=
        "Two threads on the runs' CPUs hand the message back and forth through shared buffers and a flag each "
        "way, spinning, with nothing else (no ring, no verification), measured after the runs: *plain* copies, "
        "and *warmed*, where a side that waits first takes write ownership of the buffer it fills next (as "
        "lfshm does). No mode that copies the message in and out can beat it by much; the ratio says how "
        "far each mode is from it.\n\n";
    md +=
        "| size | plain p50 us | plain p99 us | warmed p50 us | warmed p99 us | round trips "
        "|\n|---|---|---|---|---|---|\n";
    for (const HandoffFloor &f : floors)
        md += "| " + std::to_string(f.bytes) + " | " + num(f.plain_p50_us, 2) + " | " + num(f.plain_p99_us, 2) + " | " +
              num(f.warmed_p50_us, 2) + " | " + num(f.warmed_p99_us, 2) + " | " + std::to_string(f.round_trips) +
              " |\n";
    md += "\n| mode | variant | size | p50 us | p50 / warmed floor |\n|---|---|---|---|---|\n";
    for (const Aggregate &a : aggregates) {
        if (a.size_min != a.size_max || a.inflight != 1 || a.ok_runs == 0) continue;
        for (const HandoffFloor &f : floors)
            if (f.bytes == a.size_max)
                md += "| " + a.mode + " | " + (a.variant.empty() ? "-" : a.variant) + " | " + a.size + " | " +
                      num(a.p50_us.median, 2) + " | " + num(a.p50_us.median / f.warmed_p50_us, 2) + " |\n";
    }
    return md;
}

// "separate-cores", or "shared-core 1, separate-cores 2" when the repetitions saw several.
std::string placements_text(const Aggregate &a) {
    std::string out;
    for (const auto &[placement, n] : a.placements) {
        if (!out.empty()) out += ", ";
        out += placement;
        if (a.placements.size() > 1) out += ' ' + std::to_string(n);
    }
    return out;
}

std::string aggregate_row(const Aggregate &a) {
    std::string md = "| " + a.mode + " | " + (a.variant.empty() ? "-" : a.variant) + " | " + a.size + " | " +
                     std::to_string(a.ok_runs) + "/" + std::to_string(a.runs) + (a.disagree ? " !" : "") +
                     (a.placement_explains ? " (placement)" : "") + " | ";
    if (a.ok_runs == 0)
        return md + (a.unsupported_runs == a.runs ? "unsupported here" : "failed") + " | | | | | | | | | " +
               placements_text(a) + " |\n";
    return md + with_spread(a.p50_us, 1) + " | " + with_spread(a.p99_us, 1) + " | " +
           (a.p50_over_floor.median > 0 ? with_spread(a.p50_over_floor, 2) : "-") + " | " +
           num(a.ops_per_sec.median, 0) + " | " + num(a.mib_per_sec.median, 0) + " | " +
           num(a.cpu_us_per_op.median, 2) + " | " +
           (a.syscalls_per_op.median > 0 ? num(a.syscalls_per_op.median, 2) : "-") + " | " +
           num(a.server_cpu_percent.median, 0) + " | " + num(a.client_cpu_percent.median, 0) + " | " +
           placements_text(a) + " |\n";
}

// Configurations whose repetitions ran on more than one placement: the medians per placement.
std::string by_placement_section(const std::vector<Aggregate> &aggregates) {
    std::string rows;
    for (const Aggregate &a : aggregates)
        for (const auto &[placement, g] : a.by_placement)
            rows += "| " + a.key + " | " + placement + " | " + std::to_string(g.ok_runs) + " | " +
                    with_spread(g.p50_us, 2) + " | " +
                    (g.p50_over_floor.median > 0 ? with_spread(g.p50_over_floor, 2) : "-") + " |\n";
    if (rows.empty()) return "";
    return "\n## Configurations measured on more than one placement\n\n"
           "| configuration | placement | ok runs | p50 us | p50 / floor |\n|---|---|---|---|---|\n" +
           rows;
}

// The environment, then one row per configuration.
std::string aggregates_section(const Report &report, const std::vector<Aggregate> &aggregates) {
    const Environment &e = report.environment;
    std::string md = "# ipc_benchmark sweep summary\n\n";
    md += "- Machine: " + e.cpu_model + ", " + std::to_string(e.cpus_online) + " CPUs online, " + e.virtualization +
          "\n- Kernel: " + e.kernel + ", clocksource " + e.clocksource + ", SMT " + e.smt + "\n- Build: " + e.compiler +
          ", liburing " + e.liburing_version + ", commit " + e.git_commit + "\n- Time: " + e.timestamp + "\n" +
          answer_section(report) +
          "\n## Closed loop\n\nClosed-loop round trips (server and client on separate CPUs unless noted). Figures are "
          "the median "
          "over repetitions, with min-max in parentheses. Latency in microseconds; CPU = user+sys of both "
          "processes per round trip; syscalls/op = system calls of both processes (every thread) per round trip, "
          "counted by the kernel. p50 / floor: each run's p50 over its own floor, the plain two-thread handoff "
          "of its message size on its two CPUs measured right before and after it (the figure to hold across "
          "hosts). Placement: where the host put the two CPUs during each repetition, from the floor's "
          "one-line probe (shared-core, separate-cores, time-shared, or changed during the run); the count "
          "follows when repetitions saw several. A `!` marks configurations whose repetitions disagree by "
          "more than " +
          num(kDisagreeThreshold * 100, 0) +
          "% (p50 or ops/s); `(placement)` after it: no placement's own repetitions disagree, so the "
          "placement explains it.\n\n";
    md +=
        "| mode | variant | size | runs ok | p50 us | p99 us | p50 / floor | ops/s | MiB/s | CPU us/op | syscalls/op "
        "| server CPU % | client CPU % | placement |\n";
    md += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const Aggregate &a : aggregates) md += aggregate_row(a);
    return md + by_placement_section(aggregates);
}

// "3% higher", "4% lower" or "the same", for a ratio of io_uring-driven over its pair.
std::string change_words(double ratio) {
    const double pct = std::abs(ratio - 1) * 100;
    if (pct < 0.5) return "the same";
    std::string out = num(pct, 0);
    out += ratio > 1 ? "% higher" : "% lower";
    return out;
}

// One sentence per pair (and variant): at 4 KiB where the sweep has it, else its first fixed size.
std::string overhead_sentences(const std::vector<OverheadRow> &rows) {
    std::string md;
    std::vector<std::string> said;
    for (const OverheadRow &r : rows) {
        const std::string line = r.pair + (r.variant.empty() ? "" : " [" + r.variant + "]");
        if (r.size_bytes == 0 || std::find(said.begin(), said.end(), line) != said.end()) continue;
        const OverheadRow *pick = &r;
        for (const OverheadRow &o : rows)
            if (o.pair == r.pair && o.variant == r.variant && o.size_bytes == 4096) pick = &o;
        said.push_back(line);
        md += "- " + line + " at " + std::to_string(pick->size_bytes) + " B: " + pick->uring_mode + "'s p50 is " +
              change_words(pick->p50_ratio()) + " and its CPU per round trip " + change_words(pick->cpu_ratio()) +
              ", against " + pick->baseline_mode + "'s (p50 " + num(pick->p50_uring, 1) + " vs " +
              num(pick->p50_base, 1) + " us, CPU " + num(pick->cpu_uring, 1) + " vs " + num(pick->cpu_base, 1) +
              " us).\n";
    }
    return md;
}

// "uds against uds-sync, shm against shm-direct, ...": the pairs of the mode table (Mode::baseline),
// each mode that takes io_uring knobs "and its knob sets", modes with the same baseline together.
std::string pairs_text() {
    std::vector<std::string> baselines;
    for (const Mode *m : all_modes())
        if (m->baseline && std::find(baselines.begin(), baselines.end(), m->baseline) == baselines.end())
            baselines.push_back(m->baseline);
    std::string text;
    for (const std::string &base : baselines) {
        std::vector<std::string> against;
        for (const Mode *m : all_modes())
            if (m->baseline && base == m->baseline)
                against.push_back(std::string(m->name) + (m->uring_knobs ? " and its knob sets" : ""));
        std::string who;
        for (std::size_t i = 0; i < against.size(); ++i)
            who += (i == 0 ? "" : i + 1 == against.size() ? " and " : ", ") + against[i];
        text += (text.empty() ? "" : ", ") + who + " against " + base;
    }
    return text;
}

std::string overhead_section(const std::vector<Aggregate> &aggregates) {
    const std::vector<OverheadRow> rows = uring_overhead(aggregates);
    if (rows.empty()) return "";
    std::string md =
        "\n## io_uring integration overhead\n\nEach io_uring-driven mode against its pair at the same size "
        "(ping-pong, medians over repetitions): " +
        pairs_text() + ". Ratio > 1: the io_uring-driven design costs more.\n\n";
    md += overhead_sentences(rows) + "\n";
    md +=
        "| pair | variant | size | p50 us (uring / base) | p50 ratio | p99 us (uring / base) | p99 ratio | CPU "
        "us/op (uring / base) | CPU ratio |\n";
    md += "|---|---|---|---|---|---|---|---|---|\n";
    for (const OverheadRow &r : rows)
        md += "| " + r.pair + " | " + (r.variant.empty() ? "-" : r.variant) + " | " + r.size + " | " +
              num(r.p50_uring, 1) + " / " + num(r.p50_base, 1) + " | " + num(r.p50_ratio(), 2) + " | " +
              num(r.p99_uring, 1) + " / " + num(r.p99_base, 1) + " | " + num(r.p99_ratio(), 2) + " | " +
              num(r.cpu_uring, 1) + " / " + num(r.cpu_base, 1) + " | " + num(r.cpu_ratio(), 2) + " |\n";
    return md;
}

std::string memcpy_section(const Report &report, const std::vector<Aggregate> &aggregates) {
    std::string md;
    if (report.sweep) {
        const MemcpyBandwidth &mc = report.sweep->memcpy;
        const double cold = mc.block_128k_cold_gbps, hot = mc.block_128k_hot_gbps;
        md +=
            "\n## Against single-core memcpy\n\nmemcpy on one core, measured after the runs: 128 KiB blocks "
            "streaming through 64 MiB (DRAM) " +
            num(cold, 1) + " GB/s (4 KiB blocks " + num(mc.block_4k_cold_gbps, 1) +
            " GB/s); one 128 KiB block in cache " + num(hot, 1) +
            " GB/s. Data rate = request + response bytes per second. Every byte is copied twice on its way (into "
            "the ring or socket buffer, and out), one after the other in a ping-pong, so the copy rate is twice the "
            "data rate; half of those copies read lines another core just wrote.\n\n";
        md +=
            "| mode | variant | size | data rate GB/s | copy rate GB/s | copy rate / in-cache memcpy | copy rate / "
            "streaming memcpy |\n|---|---|---|---|---|---|---|\n";
        for (const Aggregate &a : aggregates) {
            if (a.size_max != kMatrixMaxSize || a.size_min != kMatrixMaxSize || a.ok_runs == 0 || a.inflight != 1)
                continue;
            const double gbps = a.mib_per_sec.median * 1048576.0 / 1e9;
            md += "| " + a.mode + " | " + (a.variant.empty() ? "-" : a.variant) + " | " + a.size + " | " +
                  num(gbps, 2) + " | " + num(2 * gbps, 2) + " | " + num(100 * 2 * gbps / hot, 0) + "% | " +
                  num(100 * 2 * gbps / cold, 0) + "% |\n";
        }
    }
    return md;
}

std::string failures_section(const Report &report) {
    std::string failures;
    for (const RunResult &r : report.runs)
        if (!r.ok())
            failures += "- " + config_key(r.config) + " (repetition " + std::to_string(r.config.repetition) +
                        "): " + status_name(r.status) + ": " + r.error + "\n";
    return failures.empty() ? "" : "\n## Runs that did not succeed\n\n" + failures;
}

// Configurations of the matrix this host's limits ruled out (SweepResult::skipped).
std::string skipped_section(const Report &report) {
    if (!report.sweep || report.sweep->skipped.empty()) return "";
    std::string out =
        "\n## Not run on this host\n\nA limit of this host rules these out (the sweep left them "
        "out; raise the limit named to run them):\n\n";
    for (const SkippedConfig &k : report.sweep->skipped) out += "- " + config_key(k.config) + ": " + k.reason + "\n";
    return out;
}

// Runs whose worst interval's p99 stood out (RunResult::timeline_spike).
std::string timeline_section(const Report &report) {
    std::string spikes;
    for (const RunResult &r : report.runs)
        if (r.ok())
            if (const std::string spike = r.timeline_spike(); !spike.empty())
                spikes += "- " + config_key(r.config) + " (" + section_name(r.config.section) + ", repetition " +
                          std::to_string(r.config.repetition) + "): " + spike + "\n";
    return spikes.empty() ? ""
                          : "\n## Runs with a timeline spike\n\nThe worst interval's p99 over " +
                                std::to_string(int(RunResult::kSpikeFactor)) +
                                " x the median interval's (`runs[].timeline`, `timeline.png`):\n\n" + spikes;
}

}  // namespace

std::string summary_markdown(const Report &report, const std::vector<Aggregate> &aggregates) {
    const std::vector<Aggregate> matrix = matrix_aggregates(aggregates);
    return aggregates_section(report, matrix) + decision_section(report) + placement_section(aggregates) +
           placement_classes_section(report, aggregates) + harness_section(report) + loop_section_markdown(report) +
           load_sections_markdown(aggregates) + overhead_section(matrix) + memcpy_section(report, matrix) +
           handoff_floor_section(report, matrix) + timeline_section(report) + skipped_section(report) +
           failures_section(report);
}

}  // namespace ipcb
