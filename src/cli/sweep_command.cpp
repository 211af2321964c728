#include "cli/sweep_command.hpp"

#include <cstdio>

#include "cli/progress.hpp"
#include "cli/render.hpp"
#include "cli/sweep_options.hpp"
#include "floor/host_probe.hpp"
#include "report/report.hpp"
#include "run/parent/interrupt.hpp"
#include "sweep/sweep.hpp"

namespace ipcb {
namespace {

std::string default_out_dir(const Environment &e) {
    std::string ts = e.timestamp;  // 2026-11-28T01:02:03Z -> 20261128T010203Z
    std::string compact;
    for (char c : ts)
        if (c != '-' && c != ':') compact += c;
    return "results/" + compact + "-" + e.hostname;
}

// The command line's sweep: the matrix (built in, a --matrix file, options over it), its shuffled
// runs, and the sections after it on the same CPUs.
SweepPlan plan_from(const Options &o) {
    SweepPlan plan;
    plan.matrix = sweep_matrix(o);
    plan.order = sweep_runs(plan.matrix, o);
    plan.skipped = drop_host_limited(plan.order);
    plan.shuffle_seed = o.seed;
    plan.quick = o.quick;
    plan.sections = default_load_sections(o.quick);
    plan.loop = default_loop_section(o.quick, plan.matrix.repetitions);
    plan.section_base =
        run_config_from(o, plan.matrix.modes.empty() ? "uds" : plan.matrix.modes[0], plan.sections.size);
    plan.section_base.fault.reset();
    plan.section_base.client_cpus = fan_in_client_cpus(o);
    plan.server_cpu = o.server_cpu;
    plan.client_cpu = o.client_cpu;
    plan.retry.max_retries = o.retries();
    if (o.quick) plan.retry.share = kQuickSweepRetryShare;  // the quick sweep stays about a minute
    return plan;
}

// One reporter per output file.
void write_outputs(const std::string &dir, const Report &report, const Options &o) {
    const std::vector<Aggregate> matrix = matrix_aggregates(report.sweep->aggregates);
    write_output(dir + "/report.json", json_text(report_to_json(report)));
    write_output(dir + "/benchmark.json", json_text(gbench_json(report, matrix)));
    write_output(dir + "/bmf.json", json_text(bmf_json(matrix)));
    write_output(dir + "/summary.md", summary_markdown(report, report.sweep->aggregates));
    write_output(dir + "/runs.csv", runs_csv(report.runs));
    prepare_output_folder(dir + "/hgrm", "the sweep's hgrm folder");
    write_hgrm_files(report.runs, dir + "/hgrm");
    std::string cmd;
    for (auto &a : o.argv) cmd += (cmd.empty() ? "" : " ") + a;
    write_output(dir + "/command.txt", cmd + "\n");
}

}  // namespace

int sweep_command(const Options &o) {
    const SweepPlan plan = plan_from(o);
    Report report;
    report.environment = probe_environment();
    report.command_line = o.argv;
    const std::string dir = o.out_dir.empty() ? default_out_dir(report.environment) : o.out_dir;
    prepare_output_folder(dir, "output folder");
    install_interrupt_handlers();
    report.host_probe = probe_host(plan.client_cpu, plan.server_cpu);
    std::fprintf(stderr, "host: %s\n",
                 report.host_probe->ran ? report.host_probe->verdict.c_str()
                                        : ("not probed: " + report.host_probe->error).c_str());

    const SweepMatrix &m = plan.matrix;
    std::fprintf(stderr, "sweep: %zu runs (%zu modes, %zu sizes, %d repetitions), about %.0f s; output in %s\n",
                 plan.order.size(), m.modes.size(), m.sizes.size(), m.repetitions,
                 double(plan.order.size()) * (m.duration_s + m.warmup_s + 0.3), dir.c_str());
    Progress progress(plan.order.size());
    bool sections_announced = false;
    const SweepHooks hooks{
        .before_matrix_run = [&](std::size_t i, std::size_t, const RunConfig &c) { progress.before(i, c); },
        .after_matrix_run = [&](std::size_t i, const RunResult &r) { progress.after(i, r); },
        .after_section_run =
            [&](const RunResult &r) {
                if (!sections_announced) {
                    progress.done();
                    std::fprintf(stderr,
                                 "sweep: load section (%zu modes x capacity, a ladder of %zu rates, %zu percents), "
                                 "fan-in and spin sections\n",
                                 m.modes.size(), plan.sections.ladder.size(), plan.sections.percents.size());
                    sections_announced = true;
                }
                std::fprintf(stderr, "  %s\n", console_run_line(r).c_str());
            },
        .interrupted = [] { return g_interrupt_signal.load() != 0; },
    };
    report.sweep = run_sweep(plan, report.runs, hooks);
    write_outputs(dir, report, o);
    render_sweep_folder(dir);
    std::printf("%s%s", console_table(report.runs).c_str(), console_notes(report.runs).c_str());
    std::fprintf(
        stderr,
        "sweep: wrote %s/{report.html,report.json,benchmark.json,bmf.json,summary.md,runs.csv,command.txt,*.png}\n",
        dir.c_str());
    std::printf("output: %s\n", dir.c_str());
    return exit_status(report.runs);
}

}  // namespace ipcb
