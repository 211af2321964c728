#include "sweep/sweep.hpp"

#include <algorithm>

#include "modes/mode.hpp"
#include "run/child/roles.hpp"
#include "run/parent/orchestrator.hpp"
#include "run/parent/retry.hpp"
#include "sweep/paired_rows.hpp"

namespace ipcb {
namespace {

// The two-thread handoff floor at every fixed size of the matrix, on the runs' CPUs, after the
// runs; or why not.
void measure_floors(const SweepPlan &plan, SweepResult &out) {
    if (plan.client_cpu == plan.server_cpu) {
        out.floors_skipped = "client and server share a CPU";
        return;
    }
    for (const SizeSpec &size : plan.matrix.sizes) {
        if (size.min != size.max) continue;
        // ~2^28 bytes moved per variant: 65536 round trips at 4 KiB, 2048 at 128 KiB.
        const unsigned rounds = unsigned(std::clamp<std::size_t>((std::size_t(1) << 28) / size.max, 2000, 100000));
        try {
            out.floors.push_back(measure_handoff_floor(size.max, rounds, plan.client_cpu, plan.server_cpu));
        } catch (const std::exception &e) {
            out.floors.clear();
            out.floors_skipped = e.what();
            return;
        }
    }
}

RunResult interrupted_run(const RunConfig &c) {
    RunResult skipped;
    skipped.config = c;
    skipped.error = "interrupted";
    return skipped;
}

}  // namespace

std::vector<SkippedConfig> drop_host_limited(std::vector<RunConfig> &order) {
    std::vector<SkippedConfig> skipped;
    std::vector<RunConfig> kept;
    for (const RunConfig &c : order) {
        const Mode *m = find_mode(c.mode);
        const std::string why =
            m && m->unsupported_for ? m->unsupported_for(mode_config_of(c), c.clients) : std::string();
        if (why.empty()) {
            kept.push_back(c);
            continue;
        }
        auto same = std::find_if(skipped.begin(), skipped.end(),
                                 [&](const SkippedConfig &s) { return config_key(s.config) == config_key(c); });
        if (same == skipped.end()) skipped.push_back({c, why, 1});
        else ++same->repetitions;
    }
    order = std::move(kept);
    return skipped;
}

SweepResult run_sweep(const SweepPlan &plan, std::vector<RunResult> &runs, const SweepHooks &hooks) {
    SweepResult out;
    out.placement_classes = placement_class_plans(machine_topology(), plan.server_cpu, plan.client_cpu);
    out.matrix = plan.matrix;
    out.order = plan.order;
    out.skipped = plan.skipped;
    out.shuffle_seed = plan.shuffle_seed;
    out.quick = plan.quick;
    out.retry = plan.retry;
    // A run and its repeats while noisy: the superseded attempts go into `runs` here, the kept one
    // is returned (a section records it, and its index, itself).
    auto measure = [&](const RunConfig &c) {
        std::vector<RunResult> attempts = run_with_retries(c, out.retry);
        for (std::size_t a = 0; a + 1 < attempts.size(); ++a) runs.push_back(std::move(attempts[a]));
        return std::move(attempts.back());
    };
    for (std::size_t i = 0; i < plan.order.size() && !hooks.interrupted(); ++i) {
        hooks.before_matrix_run(i, plan.order.size(), plan.order[i]);
        runs.push_back(measure(plan.order[i]));
        hooks.after_matrix_run(i, runs.back());
    }
    out.sections =
        run_load_sections(plan.sections, plan.matrix.modes, plan.section_base, runs, [&](const RunConfig &c) {
            if (hooks.interrupted()) return interrupted_run(c);
            RunResult r = measure(c);
            hooks.after_section_run(r);
            return r;
        });
    for (const RunConfig &c :
         loop_section_configs(plan.loop, plan.matrix.modes, plan.section_base, plan.shuffle_seed)) {
        if (hooks.interrupted()) break;
        runs.push_back(measure(c));
        hooks.after_section_run(runs.back());
    }
    RunConfig harness_base = plan.section_base;
    harness_base.duration_s = plan.matrix.duration_s;
    harness_base.warmup_s = plan.matrix.warmup_s;
    if (!hooks.interrupted())
        out.harness = measure_harness_overhead(harness_base, plan.quick ? 1 : 3, runs, [&](const RunConfig &c) {
            if (hooks.interrupted()) return interrupted_run(c);
            RunResult r = measure(c);
            hooks.after_section_run(r);
            return r;
        });
    // After the runs, in the same machine state (and placement, as far as the host allows).
    out.memcpy = measure_memcpy_bandwidth();
    measure_floors(plan, out);
    out.aggregates = aggregate_runs(runs);
    out.overhead = uring_overhead(matrix_aggregates(out.aggregates));
    out.loop = loop_rows(runs);
    out.decision = decide(runs, out.aggregates, out.loop);
    // Each row's leading designs again, held and interleaved: the row's confidence from paired
    // rounds. Not in --quick, which must stay about a minute (the rows' groups take 20-35 s).
    const PairedRowPlan paired{.slice_s = kDefaultSliceS, .max_rounds = kPairedRowRounds, .seed = plan.shuffle_seed};
    if (!plan.quick) answer_rows_paired(out.decision, runs, paired, hooks.interrupted);
    return out;
}

}  // namespace ipcb
