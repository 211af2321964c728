#pragma once
// A report: the environment plus every run, as plain data. Reporters (JSON, console) only read it.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "advise/advise.hpp"
#include "core/environment.hpp"
#include "core/output_file.hpp"
#include "run/results/run_types.hpp"
#include "sweep/aggregate.hpp"
#include "sweep/decision.hpp"
#include "sweep/sweep.hpp"

namespace ipcb {

struct Report {
    Environment environment;
    std::vector<RunResult> runs;
    std::vector<std::string> command_line;
    std::optional<SweepResult> sweep;     // a sweep's own results (none for plain runs)
    std::optional<HostProbe> host_probe;  // a sweep's or an advice's probe of the host, first
    std::optional<Advice> advice;         // --advise
};

inline constexpr int kSchemaVersion = 2;
// The version a report declares: 2 (kSchemaVersion) when a field means something else than in
// version 1 (an open-loop run's latency counts from the intended send; a fan-in run's figures sum
// its clients; a sweep has load sections). A report of closed-loop single-client runs means what
// version 1 meant, field for field (it only gains fields), and says 1 so version-1 readers keep it.
int schema_version_of(const Report &report);

nlohmann::json environment_to_json(const Environment &e);
nlohmann::json run_to_json(const RunResult &r);
nlohmann::json report_to_json(const Report &report);
// A run with neighbours: runs[].neighbours and runs[].event_loop (loop_json.cpp); null otherwise.
nlohmann::json neighbours_json(const RunResult &r);
nlohmann::json event_loop_json(const RunResult &r);
// The mode table: each mode's summary, its baseline, whether it spins, what the kernel must have,
// and why it cannot run here (null when it can).
nlohmann::json modes_json();

// A JSON document as the reports write it (indented, newline-terminated), always valid UTF-8.
std::string json_text(const nlohmann::json &j);

// Google Benchmark's JSON format (context + benchmarks[]): one entry per ok repetition
// (run_type "iteration") and median/min/max aggregates per configuration, so compare.py and
// dashboards that read that format take it unchanged. One iteration = one round trip.
nlohmann::json gbench_json(const Report &report, const std::vector<Aggregate> &aggregates);
// Bencher Metric Format: {benchmark: {measure: {value, lower_value, upper_value}}}.
nlohmann::json bmf_json(const std::vector<Aggregate> &aggregates);
nlohmann::json aggregates_json(const std::vector<Aggregate> &aggregates);
nlohmann::json overhead_json(const std::vector<OverheadRow> &rows);
// A Markdown table of the aggregates, with the environment in a header.
std::string summary_markdown(const Report &report, const std::vector<Aggregate> &aggregates);
// Its parts for the sections beyond the matrix (summary_sections.cpp): the decision table, and
// the load, fan-in and spin sections' aggregates.
std::string decision_section(const Report &report);
// What summary.md opens with: the advice, or the decision table's confident rows, a sentence each.
std::string answer_section(const Report &report);
std::string load_sections_markdown(const std::vector<Aggregate> &aggregates);
std::string loop_section_markdown(const Report &report);
// The two placements side by side, and the harness against the bare ping-pong (placement_sections.cpp).
std::string placement_section(const std::vector<Aggregate> &aggregates);
// The topology's classes (smt, cache, cross-cache, cross-node): which ran, which the machine lacks.
std::string placement_classes_section(const Report &report, const std::vector<Aggregate> &aggregates);
std::string harness_section(const Report &report);
// report.json's `sweep` section (sweep_json.cpp).
nlohmann::json sweep_to_json(const SweepResult &sweep, const std::vector<RunResult> &runs);

// --advise (advice_report.cpp): report.json's `advice` and `host_probe`, and the advice in
// words with its table, as the console prints it.
nlohmann::json advice_json(const Advice &advice, const std::vector<RunResult> &runs);
nlohmann::json host_probe_json(const HostProbe &probe);
std::string advice_text(const Advice &advice, const std::vector<RunResult> &runs);
std::string workload_text(const RunConfig &workload);

// One CSV row per run (a header first): its settings, its axes as columns, and every figure of its
// console line, the latency at `percentiles` (empty: p50, p99) among them (csv_report.cpp).
std::string runs_csv(const std::vector<RunResult> &runs, const std::vector<double> &percentiles = {});

// HdrHistogram percentile-distribution files: one per ok run in `dir`; returns how many.
std::size_t write_hgrm_files(const std::vector<RunResult> &runs, const std::string &dir);
std::string hgrm_file_name(std::size_t index, const RunResult &r);

// Console output: a compact table, one line per run, and failed runs' causes below it.
// `percentiles`: the latency columns (--percentiles; empty: p50 and p99).
std::string console_table(const std::vector<RunResult> &runs, const std::vector<double> &percentiles = {});
std::string console_run_line(const RunResult &r);  // progress line for one finished run
// In words: which runs were noisy and why, which ran both roles on one CPU, what failed.
std::string console_notes(const std::vector<RunResult> &runs);

}  // namespace ipcb
