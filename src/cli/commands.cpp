#include "cli/commands.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/advise_command.hpp"
#include "cli/option_table.hpp"
#include "cli/sweep_command.hpp"
#include "core/output_file.hpp"
#include "interleave/floor_paired.hpp"
#include "modes/mode.hpp"
#include "report/report.hpp"
#include "report/topology_report.hpp"
#include "run/child/roles.hpp"
#include "run/parent/orchestrator.hpp"
#include "run/parent/retry.hpp"
#include "run/results/finalize.hpp"
#include "run/results/noise.hpp"
#include "sweep/matrix.hpp"
#include "topology/cpu_topology.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

void write_report(const Options &o, Report &report) {
    if (!o.csv_path.empty()) {
        write_output(o.csv_path, runs_csv(report.runs, o.percentiles));
        std::fprintf(stderr, "CSV written to %s\n", o.csv_path.c_str());
    }
    if (o.json_path.empty()) return;
    write_output(o.json_path, json_text(report_to_json(report)));
    std::fprintf(stderr, "report written to %s\n", o.json_path.c_str());
}

int run_runs(const Options &o) {
    install_interrupt_handlers();
    Report report;
    report.environment = probe_environment();
    report.command_line = o.argv;
    std::vector<RunConfig> configs;
    for (auto &mode : o.modes)
        for (auto &size : o.sizes)
            for (RunConfig &c : run_configs_from(o, mode, size)) configs.push_back(std::move(c));
    std::printf("%s", console_table({}, o.percentiles).c_str());
    std::fflush(stdout);
    if (o.floor_paired) {
        for (RunResult &r :
             run_floor_paired(configs, o.slice_s, o.seed, [] { return g_interrupt_signal.load() != 0; })) {
            std::printf("%s\n", console_run_line(r).c_str());
            report.runs.push_back(std::move(r));
        }
        configs.clear();
    }
    RetryPolicy retries{.max_retries = o.retries()};  // a single run: as many as asked, no time budget
    for (const RunConfig &c : configs) {
        if (g_interrupt_signal.load()) break;
        for (RunResult &r : run_with_retries(c, retries)) {
            std::printf("%s\n", console_run_line(r).c_str());
            std::fflush(stdout);
            report.runs.push_back(std::move(r));
        }
    }
    std::printf("%s", console_notes(report.runs).c_str());
    write_report(o, report);
    if (!o.hgrm_dir.empty())
        std::fprintf(stderr, "%zu .hgrm file(s) written to %s\n", write_hgrm_files(report.runs, o.hgrm_dir),
                     o.hgrm_dir.c_str());
    return exit_status(report.runs);
}

int two_terminal_server(const Options &o) {
    RoleParams p;
    p.run = run_config_from(o, o.modes[0], o.sizes[0]);
    p.run.fault = o.fault;
    p.endpoint = o.endpoint;
    p.cpu = o.server_cpu;
    p.allow_uid = o.allow_uid;
    p.session_timeout_s = o.timeout_s > 0 ? o.timeout_s : kTwoTerminalTimeoutS;
    p.announce_setup = true;
    signal(SIGPIPE, SIG_IGN);
    Listener listener(o.endpoint);
    std::fprintf(stderr, "server: mode %s listening on endpoint '%s' (abstract socket); Ctrl-C to stop\n",
                 o.modes[0].c_str(), o.endpoint.c_str());
    for (;;) {
        try {
            RoleReport r = serve_session(listener, p, -1);
            std::fprintf(stderr, "server: session done, %llu requests answered in the timed phase\n",
                         (unsigned long long)r.operations);
        } catch (const std::exception &e) {
            std::fprintf(stderr, "server: session failed: %s\n", e.what());
        }
    }
}

int two_terminal_client(const Options &o) {
    signal(SIGPIPE, SIG_IGN);
    RoleParams p;
    p.run = run_configs_from(o, o.modes[0], o.sizes[0]).front();
    p.run.server_cpu = -1;
    p.run.client_cpu = o.client_cpu;
    p.endpoint = o.endpoint;
    p.cpu = o.client_cpu;
    p.allow_uid = o.allow_uid;
    p.session_timeout_s = o.timeout_s > 0 ? o.timeout_s : kTwoTerminalTimeoutS;
    Report report;
    report.environment = probe_environment();
    report.command_line = o.argv;
    RunResult r;
    r.config = p.run;
    r.busy_before = sample_machine_busy();
    try {
        ClientOutcome out = run_client_session(p);
        r.client = out.client;
        r.server = out.server;
        r.samples_ns = std::move(out.recording->exact);
        r.client_latency = {out.recording->latency};
        if (p.run.open_loop()) {
            r.service_ns = std::move(out.recording->exact_service);
            r.client_service = {out.recording->service};
            r.client_lag = {out.recording->lag};
        }
        finalize_result(r);
        r.status = RunStatus::ok;
    } catch (const std::exception &e) {
        r.status = RunStatus::failed;
        r.error = std::string("client: ") + e.what();
    }
    r.busy_after = sample_machine_busy();
    r.noise = assess_noise(r);
    std::printf("%s%s\n", console_table({}, o.percentiles).c_str(), console_run_line(r).c_str());
    std::printf("%s", console_notes({r}).c_str());
    report.runs.push_back(std::move(r));
    write_report(o, report);
    return exit_status(report.runs);
}

// What was built, from what, and what this kernel's io_uring has: the lines a bug report needs.
int print_version() {
    const Environment e = probe_environment();
    std::printf("ipc_benchmark %s (commit %s, %s build)\n", IPCB_VERSION, e.git_commit.c_str(), e.build_type.c_str());
    std::printf("compiler: %s\nliburing: %s (headers this binary was built with)\nkernel: %s\n", e.compiler.c_str(),
                e.liburing_version.c_str(), e.kernel.c_str());
    const std::string why = io_uring_unavailable();
    if (!why.empty()) std::printf("io_uring: unavailable here (%s)\n", why.c_str());
    std::string have, lack;
    for (const UringFeature &f : uring_features()) (f.present ? have : lack) += " " + f.name;
    std::printf("io_uring features present:%s\n", have.empty() ? " none" : have.c_str());
    std::printf("io_uring features absent:%s\n", lack.empty() ? " none" : lack.c_str());
    return 0;
}

int list_cpus(const Options &o) {
    const CpuTopology &t = machine_topology();
    if (!o.json_path.empty()) write_output(o.json_path, topology_json(t).dump(2) + "\n");
    std::fputs(topology_text(t).c_str(), stdout);
    return 0;
}

int list_modes() {
    std::size_t width = 0;
    for (const Mode *m : all_modes()) width = std::max(width, std::strlen(m->name));
    for (const Mode *m : all_modes()) {
        std::string why = m->unsupported_reason();
        std::printf("%-*s %s; needs %s", int(width + 1), m->name, m->summary,
                    *m->kernel_needs ? m->kernel_needs : "nothing beyond AF_UNIX, memfd and futex");
        if (!why.empty()) std::printf("  [unsupported here: %s]", why.c_str());
        std::printf("\n%-*s in a loop with other work: %s (%s)\n", int(width + 1), "", loop_join_name(m->loop_join),
                    m->loop_note);
    }
    return 0;
}

}  // namespace

// Open files a command needs at the most (each role: sockets, pipes, memfds, 13 perf counters,
// io_uring rings; the orchestrator: pipes and pidfds): checked before anything runs.
constexpr rlim_t kMinOpenFiles = 64;

void ensure_open_files() {
    rlimit l{};
    if (::getrlimit(RLIMIT_NOFILE, &l) != 0 || l.rlim_cur >= kMinOpenFiles) return;
    if (l.rlim_max >= kMinOpenFiles) {
        l.rlim_cur = kMinOpenFiles;  // the soft limit may be raised up to the hard one
        if (::setrlimit(RLIMIT_NOFILE, &l) == 0) return;
    }
    throw UsageError("needs " + std::to_string(kMinOpenFiles) + " open files, and ulimit -n allows " +
                     std::to_string(l.rlim_max < l.rlim_cur ? l.rlim_max : l.rlim_cur) + " (raise it)");
}

int run_command(const Options &o) {
    if (o.command != Options::Command::help && o.command != Options::Command::list_modes &&
        o.command != Options::Command::version)
        ensure_open_files();
    switch (o.command) {
    case Options::Command::help: std::fputs(usage_text().c_str(), stdout); return 0;
    case Options::Command::version: return print_version();
    case Options::Command::list_modes: return list_modes();
    case Options::Command::list_cpus: return list_cpus(o);
    case Options::Command::server: return two_terminal_server(o);
    case Options::Command::client: return two_terminal_client(o);
    case Options::Command::sweep: return sweep_command(o);
    case Options::Command::advise: return advise_command(o);
    case Options::Command::run: return run_runs(o);
    }
    return 2;
}

}  // namespace ipcb
