// summary.md beyond the matrix: the decision table (sweep/decision.hpp) and the load, fan-in and
// spin sections, each from its own aggregates (aggregates never mix sections).

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "report/number_text.hpp"
#include "report/report.hpp"

namespace ipcb {
namespace {

using markdown::num;

std::string rate_text(const std::optional<double> &rate) {
    if (!rate) return "closed loop (as fast as it goes)";
    if (*rate >= 1e6) return num(*rate / 1e6, *rate >= 1e7 ? 0 : 1) + "M/s";
    if (*rate >= 1e3) return num(*rate / 1e3, 0) + "k/s";
    return num(*rate, 0) + "/s";
}

std::string choice_text(const std::optional<Choice> &c) {
    if (!c) return "-";
    return "`" + c->label + "` (p99 " + num(c->p99_us, 1) + " us, CPU " + num(c->cpu_us_per_op, 2) + " us)";
}

std::string pareto_text(const std::vector<Choice> &front) {
    std::string out;
    for (const Choice &c : front)
        out += (out.empty() ? "" : "; ") + c.label + " " + num(c.p99_us, 1) + "/" + num(c.cpu_us_per_op, 2);
    return out.empty() ? "-" : out;
}

std::string section_table(const std::vector<Aggregate> &aggregates, const std::string &title, const std::string &what) {
    if (aggregates.empty()) return "";
    std::string md = "\n## " + title + "\n\n" + what +
                     "\n\n| mode | variant | size | runs ok | p50 us | p99 us | ops/s | CPU us/op (mechanism) |\n"
                     "|---|---|---|---|---|---|---|---|\n";
    for (const Aggregate &a : aggregates)
        md += "| " + a.mode + " | " + (a.variant.empty() ? "-" : a.variant) + " | " + a.size + " | " +
              std::to_string(a.ok_runs) + "/" + std::to_string(a.runs) + " | " +
              (a.ok_runs ? num(a.p50_us.median, 1) + " | " + num(a.p99_us.median, 1) + " | " +
                               num(a.ops_per_sec.median, 0) + " | " + num(a.cpu_us_per_op.median, 2)
                         : std::string("- | - | - | -")) +
              " |\n";
    return md;
}

}  // namespace

std::string decision_section(const Report &report) {
    if (!report.sweep || report.sweep->decision.empty()) return "";
    std::string md =
        "\n## Decision table\n\nWhich design to pick, at each offered rate of the load ladder (open loop, each request "
        "due on a fixed schedule) and, closed loop, at each size the matrix ran: the lowest p99, the lowest CPU per "
        "request (both sides, without the open-loop client's pacing), and the Pareto set (p99 us / CPU us per "
        "request: the designs no other beats on both). Saturated runs are not candidates. Confidence: how sure the "
        "lowest-p99 choice is over the runner-up, by a one-sided Mann-Whitney rank test over the repetitions each "
        "has (high p <= 0.01, medium <= 0.05, low <= 0.20, else undecided; single: one candidate, no winner named); "
        "the note says the one thing that matters, report.json has every caveat. Placement: where the two ends ran, "
        "on two CPUs (separate) or both on one (same-cpu, the placement section).\n\n"
        "| placement | rate | size | lowest p99 | lowest CPU | Pareto set (p99 / CPU) | confidence | note |\n"
        "|---|---|---|---|---|---|---|---|\n";
    for (const DecisionRow &row : report.sweep->decision) {
        const bool single = row.confidence == "single";
        md += "| " + row.requested_placement + " | " + rate_text(row.rate) + " | " + row.size + " | " +
              (single ? "only " + choice_text(row.lowest_p99) : choice_text(row.lowest_p99)) + " | " +
              (single ? "-" : choice_text(row.lowest_cpu)) + " | " + pareto_text(row.pareto) + " | " + row.confidence +
              (single ? "" : " (p " + num(row.confidence_p_value, 3) + ")") + " | " +
              (row.note.empty() ? "-" : row.note) + " |\n";
    }
    return md;
}

std::string answer_section(const Report &report) {
    std::string md = "\n## The answer\n\n";
    if (report.advice) {
        md += "```\n" + advice_text(*report.advice, report.runs) + "```\n";
        return md;
    }
    if (report.host_probe && report.host_probe->ran)
        md += "Host, probed first: " + report.host_probe->verdict + ".\n\n";
    if (!report.sweep) return md;
    int said = 0;
    for (const DecisionRow &row : report.sweep->decision) {
        if (!row.lowest_p99 || (row.confidence != "high" && row.confidence != "medium")) continue;
        md += "- " +
              std::string(row.section == Section::loop ? "In a loop with neighbours " + row.neighbours + ", at "
                                                       : "At ") +
              rate_text(row.rate) + ", " + row.size + " B, " + row.requested_placement + ": use `" +
              row.lowest_p99->label + "` (p99 " + num(row.lowest_p99->p99_us, 1) + " us" +
              (row.runner_up.empty() ? std::string() : ", ahead of " + row.runner_up) + "; confidence " +
              row.confidence + ")" +
              (row.lowest_cpu && row.lowest_cpu->label != row.lowest_p99->label
                   ? "; cheapest in CPU: `" + row.lowest_cpu->label + "` (" + num(row.lowest_cpu->cpu_us_per_op, 2) +
                         " us/request)"
                   : std::string()) +
              ".\n";
        ++said;
    }
    if (said == 0)
        md +=
            "No row of the decision table is confident (high or medium) with the repetitions this sweep has; "
            "each row's note names the `--advise` command that settles it.\n";
    return md;
}

std::string load_sections_markdown(const std::vector<Aggregate> &aggregates) {
    return section_table(
               section_aggregates(aggregates, Section::load), "Load section (open loop)",
               "Each mode at the ladder's absolute rates up to the first it cannot carry, then at percents of "
               "its own closed-loop maximum (variant `rate=`). Latency counts from each request's due time.") +
           section_table(section_aggregates(aggregates, Section::fan_in), "Fan-in section",
                         "N clients into one server loop (variant `clients=`), closed loop.") +
           section_table(section_aggregates(aggregates, Section::spin), "Spin section",
                         "Spinning modes at a low and a high rate with spin budgets from 0 to 1 ms: what spinning "
                         "buys in p99 and costs in CPU (pareto.png).");
}

std::string loop_section_markdown(const Report &report) {
    if (!report.sweep || report.sweep->loop.empty()) return "";
    std::string md =
        "\n## A loop with other work\n\nThe server's io_uring loop also serves TCP neighbours (a third process, open "
        "loop). IPC p99 beside the same mode with no neighbours; the neighbours' p99 beside the same load with the IPC "
        "client idle. Medians over repetitions; rows by IPC rate, load and design. On a 2-CPU host the neighbours "
        "share "
        "the client's CPU: compare their p50 ratio too, their p99 there is mostly that CPU's tail.\n\n| design | IPC "
        "rate | neighbours | IPC p99 us | none | neighbours p99 us | IPC idle | neighbours p50 / idle | neighbours "
        "achieved/s | completions per enter |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    char line[512];
    std::vector<const LoopRow *> sorted;
    for (const LoopRow &l : report.sweep->loop) sorted.push_back(&l);
    std::stable_sort(sorted.begin(), sorted.end(), [](const LoopRow *a, const LoopRow *b) {
        return std::tuple(a->rate.value_or(0), a->neighbours_offered, a->design) <
               std::tuple(b->rate.value_or(0), b->neighbours_offered, b->design);
    });
    for (const LoopRow *row : sorted) {
        const LoopRow &l = *row;
        const double p50_ratio = l.neighbours_p50_ratio();
        std::snprintf(line, sizeof line, "| %s | %s | %s | %.1f | %s | %.1f | %s | %s | %.0f of %.0f | %.2f |\n",
                      l.design.c_str(), l.rate ? std::to_string(int(*l.rate)).c_str() : "closed", l.neighbours.c_str(),
                      l.ipc_p99_us, l.ipc_p99_none_us ? std::to_string(int(*l.ipc_p99_none_us)).c_str() : "-",
                      l.neighbours_p99_us,
                      l.neighbours_alone_p99_us ? std::to_string(int(*l.neighbours_alone_p99_us)).c_str() : "-",
                      p50_ratio > 0 ? markdown::num(p50_ratio, 2).c_str() : "-", l.neighbours_achieved,
                      l.neighbours_offered, l.cqes_per_enter);
        md += line;
    }
    return md;
}

}  // namespace ipcb
