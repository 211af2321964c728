#include "sweep/loop_section.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <tuple>

#include "modes/mode.hpp"
#include "sweep/aggregate.hpp"

namespace ipcb {

LoopSection default_loop_section(bool quick, int repetitions) {
    LoopSection s;
    s.size = parse_size_spec("4K");
    // Light: a few connections at a trickle. Heavy: CPU work per request chosen so that serving
    // the neighbours alone takes about half of the server's CPU on a 2-CPU host (docs/method.md).
    s.loads = {parse_neighbour_spec("8@2000"), parse_neighbour_spec("16@10000,work=40us")};
    s.rates = {0, 10000};
    s.repetitions = repetitions;
    if (quick) {
        s.loads = {s.loads[1]};
        s.rates = {0};
        s.duration_s = 0.15;
        s.warmup_s = 0.05;
        s.repetitions = 1;
        s.only_modes = {"uds", "shm", "lfshm-uring", "lfshm"};
    }
    return s;
}

std::vector<RunConfig> loop_section_configs(const LoopSection &s, const std::vector<std::string> &modes,
                                            const RunConfig &base, std::uint64_t seed) {
    std::vector<RunConfig> out;
    std::vector<NeighbourSpec> loads = {NeighbourSpec{}};
    loads.insert(loads.end(), s.loads.begin(), s.loads.end());
    for (const std::string &name : modes) {
        const Mode *m = find_mode(name);
        if (!m || m->loop_join == LoopJoin::cannot) continue;
        if (!s.only_modes.empty() && std::find(s.only_modes.begin(), s.only_modes.end(), name) == s.only_modes.end())
            continue;
        // The lfshm rings' two integrations are two designs; with no neighbours there is one.
        const std::vector<LoopIntegration> integrations =
            m->loop_join == LoopJoin::integration ? std::vector{LoopIntegration::poll, LoopIntegration::helper}
                                                  : std::vector{LoopIntegration::poll};
        for (double rate : s.rates)
            for (const NeighbourSpec &load : loads)
                for (LoopIntegration integration : integrations) {
                    if (load.none() && integration != integrations[0]) continue;
                    for (int rep = 0; rep < s.repetitions; ++rep) {
                        RunConfig c = base;
                        c.mode = name;
                        c.size = s.size;
                        c.duration_s = s.duration_s;
                        c.warmup_s = s.warmup_s;
                        c.inflight = 1;
                        c.clients = 1;
                        c.client_cpus.clear();
                        c.rate = rate;
                        c.max_inflight = m->default_max_inflight(base.max_inflight);  // a queue's window
                        // A spin outside the loop's wait starves its other sources (the loop is not
                        // entered while the IPC spins): here only the poll integration has a budget,
                        // and it spends it waiting in the loop (its tick).
                        // The none twin is the mode as every other section runs it (its default budget).
                        c.spin_ns = load.none() || (m->loop_join == LoopJoin::integration &&
                                                    integration == LoopIntegration::poll)
                                        ? m->spin_budget()
                                        : 0;
                        c.neighbours = load;
                        c.integration = integration;
                        c.seed = seed + std::uint64_t(rep);
                        c.repetition = rep;
                        c.section = Section::loop;
                        out.push_back(c);
                    }
                }
    }
    std::mt19937_64 rng(seed ^ 0x6c6f6f70);  // "loop": its own order, apart from the matrix's
    std::shuffle(out.begin(), out.end(), rng);
    return out;
}

namespace {

struct Key {
    std::string design;
    double rate;
    std::string neighbours;
    bool operator<(const Key &o) const {
        return std::tie(design, rate, neighbours) < std::tie(o.design, o.rate, o.neighbours);
    }
};

}  // namespace

std::vector<LoopRow> loop_rows(const std::vector<RunResult> &runs) {
    std::map<Key, std::vector<std::size_t>> groups;
    std::vector<Key> order;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const RunConfig &c = runs[i].config;
        if (c.section != Section::loop || runs[i].superseded) continue;
        const Key k{c.design_label(), std::round(c.rate), c.neighbours.text()};
        if (!groups.count(k)) order.push_back(k);
        groups[k].push_back(i);
    }
    auto ipc_p99 = [&](const std::vector<std::size_t> &idx) {
        std::vector<double> v;
        for (std::size_t i : idx)
            if (runs[i].ok()) v.push_back(runs[i].latency->p99);
        return v;
    };
    std::vector<LoopRow> rows;
    for (const Key &k : order) {
        const std::vector<std::size_t> &idx = groups[k];
        const RunConfig &first = runs[idx[0]].config;
        if (first.neighbours.none()) continue;  // a twin, shown beside its loads
        LoopRow row{.design = k.design,
                    .mode = first.mode,
                    .rate = first.open_loop() ? std::optional(first.rate) : std::nullopt,
                    .neighbours = k.neighbours,
                    .neighbours_offered = first.neighbours.rate,
                    .runs = idx};
        std::vector<double> p50, p99, cpu, n_rate, n_p50, n_p99, alone, alone_p50, iters, cqes, enters;
        for (std::size_t i : idx) {
            const RunResult &r = runs[i];
            if (!r.ok() || !r.neighbours || !r.event_loop) continue;
            ++row.ok_runs;
            row.integration = r.event_loop->integration;
            p50.push_back(r.latency->p50);
            p99.push_back(r.latency->p99);
            cpu.push_back(r.mechanism_cpu_us_per_op());
            n_rate.push_back(r.neighbours->achieved_rate);
            n_p50.push_back(r.neighbours->latency.p50);
            n_p99.push_back(r.neighbours->latency.p99);
            if (r.neighbours->alone.ran) {
                alone.push_back(r.neighbours->alone.latency.p99);
                alone_p50.push_back(r.neighbours->alone.latency.p50);
            }
            iters.push_back(r.event_loop->iterations_per_sec);
            cqes.push_back(r.event_loop->cqes_per_enter);
            enters.push_back(r.event_loop->enters_per_round_trip);
        }
        row.ipc_p50_us = spread_of(p50).median;
        row.ipc_p99_us = spread_of(p99).median;
        row.ipc_cpu_us_per_op = spread_of(cpu).median;
        row.neighbours_achieved = spread_of(n_rate).median;
        row.neighbours_p50_us = spread_of(n_p50).median;
        row.neighbours_p99_us = spread_of(n_p99).median;
        if (!alone.empty()) row.neighbours_alone_p99_us = spread_of(alone).median;
        if (!alone_p50.empty()) row.neighbours_alone_p50_us = spread_of(alone_p50).median;
        row.iterations_per_sec = spread_of(iters).median;
        row.cqes_per_enter = spread_of(cqes).median;
        row.enters_per_round_trip = spread_of(enters).median;
        // The twin: the same mode and rate with no neighbours (an integration is a variant only
        // with neighbours, so both lfshm integrations pair with the one lfshm twin).
        // (its spin budget the mode's default: with neighbours only the poll integration keeps one).
        for (const auto &[twin, twin_runs] : groups) {
            const RunConfig &t = runs[twin_runs[0]].config;
            if (!t.neighbours.none() || t.mode != first.mode || twin.rate != k.rate) continue;
            row.twin_runs = twin_runs;
            if (std::vector<double> v = ipc_p99(twin_runs); !v.empty()) row.ipc_p99_none_us = spread_of(v).median;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace ipcb
