#include "cli/advise_command.hpp"

#include <cstdio>

#include "advise/advise.hpp"
#include "floor/host_probe.hpp"
#include "report/report.hpp"
#include "run/parent/interrupt.hpp"
#include "run/parent/retry.hpp"

namespace ipcb {
namespace {

AdviseRequest request_from(const Options &o) {
    AdviseRequest req;
    // The workload as a plain run would take it; each candidate sets its mode and variant.
    req.workload = run_configs_from(o, "uds", o.sizes[0]).front();
    req.workload.max_inflight = o.max_inflight;
    req.max_inflight_given = o.max_inflight_given;
    req.modes = o.modes;
    req.objective = o.objective;
    req.budget_s = o.budget_s;
    req.seed = o.seed;
    req.interleaved = o.interleaved;
    req.slice_s = o.slice_s;
    return req;
}

}  // namespace

int advise_command(const Options &o) {
    install_interrupt_handlers();
    Report report;
    report.environment = probe_environment();
    report.command_line = o.argv;
    const AdviseRequest req = request_from(o);
    std::fprintf(stderr, "advise: %s; lowest %s; budget %.0f s\n", workload_text(req.workload).c_str(),
                 objective_name(req.objective), req.budget_s);
    const HostProbe probe = probe_host(req.workload.client_cpu, req.workload.server_cpu);
    std::fprintf(stderr, "host: %s\n", probe.ran ? probe.verdict.c_str() : ("not probed: " + probe.error).c_str());
    report.host_probe = probe;

    RetryPolicy retries{.max_retries = o.retries(), .budget_s = kAdviseRetryShare * req.budget_s};
    auto run = [&](const RunConfig &c) { return run_with_retries(c, retries); };
    auto after_round = [](const Advice &a) {
        int left = 0;
        for (const Candidate &c : a.candidates) left += c.active();
        std::fprintf(stderr, "round %d: %d candidate(s) left, leader %s, confidence %s (%.0f s)\n", a.rounds, left,
                     a.choice >= 0 ? a.candidates[std::size_t(a.choice)].label.c_str() : "-", a.confidence.c_str(),
                     a.elapsed_s);
    };
    auto interrupted = [] { return g_interrupt_signal.load() != 0; };
    const std::string refusal = req.interleaved ? interleave_refusal(req.workload) : "";
    if (!refusal.empty()) std::fprintf(stderr, "advise: %s\n", refusal.c_str());
    Advice advice;
    if (req.interleaved && refusal.empty()) {
        const SliceTiming timing = slice_timing_for(req.slice_s);
        auto hold = [&](const RunConfig &c, MemberKind kind) {
            return kind == MemberKind::floor ? hold_floor(c, timing) : hold_design(c, timing);
        };
        advice = advise_interleaved(req, probe, report.runs, hold, interrupted, after_round);
    } else {
        advice = advise(req, probe, report.runs, run, interrupted, after_round);
        advice.method_note = refusal;
    }
    advice.workload = workload_text(req.workload);
    advice.repeats_refused = retries.refused;
    std::printf("%s", advice_text(advice, report.runs).c_str());
    report.advice = std::move(advice);
    if (!o.json_path.empty()) {
        write_output(o.json_path, json_text(report_to_json(report)));
        std::fprintf(stderr, "report written to %s\n", o.json_path.c_str());
    }
    return report.advice->choice >= 0 ? 0 : 1;
}

}  // namespace ipcb
