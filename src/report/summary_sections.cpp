// summary.md beyond the matrix: the decision table (sweep/decision.hpp) and the load, fan-in and
// spin sections, each from its own aggregates (aggregates never mix sections).

#include <cstdio>

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
        "request: the designs no other beats on both). Saturated runs are not candidates. Notes say when a choice is "
        "uncertain. Placement: where the two ends ran, on two CPUs (separate) or both on one (same-cpu, the "
        "placement section): a helper pinned next to its server lives in the second.\n\n"
        "| placement | rate | size | lowest p99 | lowest CPU | Pareto set (p99 / CPU) | notes |\n"
        "|---|---|---|---|---|---|---|\n";
    for (const DecisionRow &row : report.sweep->decision) {
        std::string notes;
        for (const std::string &n : row.notes) notes += (notes.empty() ? "" : "; ") + n;
        md += "| " + row.requested_placement + " | " + rate_text(row.rate) + " | " + row.size + " | " +
              choice_text(row.lowest_p99) + " | " + choice_text(row.lowest_cpu) + " | " + pareto_text(row.pareto) +
              " | " + (notes.empty() ? "-" : notes) + " |\n";
    }
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
        "client idle. Medians over repetitions.\n\n| design | IPC rate | neighbours | IPC p99 us | none | neighbours "
        "p99 us | IPC idle | neighbours achieved/s | completions per enter "
        "|\n|---|---|---|---:|---:|---:|---:|---:|---:|\n";
    char line[512];
    for (const LoopRow &l : report.sweep->loop) {
        std::snprintf(line, sizeof line, "| %s | %s | %s | %.1f | %s | %.1f | %s | %.0f of %.0f | %.2f |\n",
                      l.design.c_str(), l.rate ? std::to_string(int(*l.rate)).c_str() : "closed", l.neighbours.c_str(),
                      l.ipc_p99_us, l.ipc_p99_none_us ? std::to_string(int(*l.ipc_p99_none_us)).c_str() : "-",
                      l.neighbours_p99_us,
                      l.neighbours_alone_p99_us ? std::to_string(int(*l.neighbours_alone_p99_us)).c_str() : "-",
                      l.neighbours_achieved, l.neighbours_offered, l.cqes_per_enter);
        md += line;
    }
    return md;
}

}  // namespace ipcb
