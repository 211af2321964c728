#include "cli/sweep_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/progress.hpp"
#include "cli/sweep_options.hpp"
#include "core/sys.hpp"
#include "floor/handoff_floor.hpp"
#include "floor/memcpy_bandwidth.hpp"
#include "modes/mode.hpp"
#include "report/report.hpp"
#include "run/parent/orchestrator.hpp"
#include "sweep/aggregate.hpp"
#include "sweep/load_sections.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

std::string default_out_dir(const Environment &e) {
    std::string ts = e.timestamp;  // 2026-11-28T01:02:03Z -> 20261128T010203Z
    std::string compact;
    for (char c : ts)
        if (c != '-' && c != ':') compact += c;
    return "results/" + compact + "-" + e.hostname;
}

nlohmann::json matrix_json(const SweepMatrix &m, const Options &o, const std::vector<RunConfig> &order) {
    nlohmann::json sizes = nlohmann::json::array(), levels = nlohmann::json::array(), spins = nlohmann::json::array();
    for (auto &s : m.sizes) sizes.push_back(s.text);
    for (auto &l : m.inflight_levels) {
        nlohmann::json ls = nlohmann::json::array();
        for (auto &s : l.sizes) ls.push_back(s.text);
        levels.push_back({{"k", l.inflight}, {"sizes", ls}});
    }
    for (auto s : m.spins_ns) spins.push_back(s ? nlohmann::json(double(*s) / 1000) : nlohmann::json("default"));
    nlohmann::json uring = nlohmann::json::array(), uring_sizes = nlohmann::json::array();
    for (unsigned knobs : m.uring_variants) uring.push_back(uring_knobs_text(knobs));
    for (auto &s : m.uring_sizes) uring_sizes.push_back(s.text);
    nlohmann::json runs = nlohmann::json::array();
    for (auto &c : order) runs.push_back(config_key(c) + "#" + std::to_string(c.repetition));
    return {{"modes", m.modes},           {"sizes", sizes},         {"repetitions", m.repetitions},
            {"duration_s", m.duration_s}, {"warmup_s", m.warmup_s}, {"spin_us", spins},
            {"inflight", levels},         {"shuffle_seed", o.seed}, {"uring", uring},
            {"uring_sizes", uring_sizes}, {"quick", o.quick},       {"order", runs}};
}

// The two-thread handoff floor (floor/handoff_floor.hpp) at every fixed size of the matrix, on the
// runs' CPUs, after the runs. One entry per size, or one {"skipped": why}.
nlohmann::json handoff_floors_json(const SweepMatrix &m, const Options &o) {
    nlohmann::json floors = nlohmann::json::array();
    if (o.client_cpu == o.server_cpu) return {{{"skipped", "client and server share a CPU"}}};
    for (const SizeSpec &size : m.sizes) {
        if (size.min != size.max) continue;
        // ~2^28 bytes moved per variant: 65536 round trips at 4 KiB, 2048 at 128 KiB.
        const unsigned rounds = unsigned(std::clamp<std::size_t>((std::size_t(1) << 28) / size.max, 2000, 100000));
        try {
            const HandoffFloor f = measure_handoff_floor(size.max, rounds, o.client_cpu, o.server_cpu);
            floors.push_back({{"bytes", f.bytes},
                              {"round_trips", f.round_trips},
                              {"plain", {{"p50_us", f.plain_p50_us}, {"p99_us", f.plain_p99_us}}},
                              {"warmed", {{"p50_us", f.warmed_p50_us}, {"p99_us", f.warmed_p99_us}}}});
        } catch (const std::exception &e) {
            return {{{"skipped", e.what()}}};
        }
    }
    return floors;
}

void write_outputs(const std::string &dir, Report &report, const SweepMatrix &m, const Options &o,
                   const std::vector<RunConfig> &order, const MemcpyBandwidth &memcpy_bw, const nlohmann::json &floors,
                   const nlohmann::json &sections) {
    const std::vector<Aggregate> aggregates = aggregate_runs(report.runs);
    const std::vector<Aggregate> matrix = matrix_aggregates(aggregates);
    report.sweep = {{"matrix", matrix_json(m, o, order)},
                    {"memcpy_gbps",
                     {{"block_4k_cold", memcpy_bw.block_4k_cold_gbps},
                      {"block_128k_cold", memcpy_bw.block_128k_cold_gbps},
                      {"block_128k_hot", memcpy_bw.block_128k_hot_gbps}}},
                    {"handoff_floor", floors},
                    {"modes", modes_json()},
                    {"aggregates", aggregates_json(aggregates)},
                    {"uring_overhead", overhead_json(uring_overhead(matrix))},
                    {"load", sections["load"]},
                    {"load_knees", sections["load_knees"]},
                    {"fan_in", sections["fan_in"]},
                    {"spin", sections["spin"]}};
    report.decision = decide(report.runs, aggregates);
    write_output(dir + "/report.json", json_text(report_to_json(report)));
    write_output(dir + "/benchmark.json", json_text(gbench_json(report, matrix)));
    write_output(dir + "/bmf.json", json_text(bmf_json(matrix)));
    write_output(dir + "/summary.md", summary_markdown(report, aggregates));
    prepare_output_folder(dir + "/hgrm", "the sweep's hgrm folder");
    write_hgrm_files(report.runs, dir + "/hgrm");
    std::string cmd;
    for (auto &a : o.argv) cmd += (cmd.empty() ? "" : " ") + a;
    write_output(dir + "/command.txt", cmd + "\n");
}

// The load and fan-in sections (sweep/load_sections.hpp), after the matrix; each run is recorded
// in the report like the matrix's and printed as it ends.
nlohmann::json run_sections(const SweepMatrix &m, const Options &o, Report &report) {
    const LoadSections s = default_load_sections(o.quick);
    RunConfig base = run_config_from(o, m.modes.empty() ? "uds" : m.modes[0], s.size);
    base.fault.reset();
    base.client_cpus = fan_in_client_cpus(o);
    std::fprintf(stderr,
                 "sweep: load section (%zu modes x capacity, a ladder of %zu rates, %zu percents), fan-in and spin "
                 "sections\n",
                 m.modes.size(), s.ladder.size(), s.percents.size());
    return run_load_sections(s, m.modes, base, [&](const RunConfig &c) {
        if (g_interrupt_signal.load()) {
            RunResult skipped;
            skipped.config = c;
            skipped.error = "interrupted";
            return skipped;
        }
        RunResult r = run_measured(c);
        std::fprintf(stderr, "  %s\n", console_run_line(r).c_str());
        report.runs.push_back(r);
        return r;
    });
}

}  // namespace

int run_sweep(const Options &o) {
    const SweepMatrix m = sweep_matrix(o);
    const std::vector<RunConfig> order = sweep_runs(m, o);

    Report report;
    report.environment = probe_environment();
    report.command_line = o.argv;
    const std::string dir = o.out_dir.empty() ? default_out_dir(report.environment) : o.out_dir;
    prepare_output_folder(dir, "output folder");

    install_interrupt_handlers();

    std::fprintf(stderr, "sweep: %zu runs (%zu modes, %zu sizes, %d repetitions), about %.0f s; output in %s\n",
                 order.size(), m.modes.size(), m.sizes.size(), m.repetitions,
                 double(order.size()) * (m.duration_s + m.warmup_s + 0.3), dir.c_str());
    Progress progress(order.size());
    for (std::size_t i = 0; i < order.size() && !g_interrupt_signal.load(); ++i) {
        progress.before(i, order[i]);
        RunResult r = run_measured(order[i]);
        progress.after(i, r);
        report.runs.push_back(std::move(r));
    }
    progress.done();
    const nlohmann::json sections = run_sections(m, o, report);
    // After the runs, in the same machine state (and placement, as far as the host allows).
    const MemcpyBandwidth memcpy_bw = measure_memcpy_bandwidth();
    const nlohmann::json floors = handoff_floors_json(m, o);
    write_outputs(dir, report, m, o, order, memcpy_bw, floors, sections);
    std::printf("%s%s", console_table(report.runs).c_str(), console_notes(report.runs).c_str());
    std::fprintf(stderr, "sweep: wrote %s/{report.json,benchmark.json,bmf.json,summary.md,command.txt}\n", dir.c_str());
    std::printf("output: %s\n", dir.c_str());
    return exit_status(report.runs);
}

}  // namespace ipcb
