#include "sweep/load_sections.hpp"

#include <algorithm>

#include "modes/mode.hpp"

namespace ipcb {

LoadSections default_load_sections(bool quick) {
    LoadSections s;
    s.size = parse_size_spec("4K");
    if (quick) {
        s.ladder = {1e3, 1e4, 1e5};
        s.percents = {90};
        s.fan_in_clients = {1, 3};
        s.spin_rates = {1e4};
        s.spins_ns = {0, 50'000};
        s.spin_modes_limit = 1;
        s.duration_s = 0.1, s.warmup_s = 0.02;
    } else {
        // The regimes users live in: each mode at the same absolute rates, up to where it saturates.
        s.ladder = {1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6};
        // Past 100%: the capacity is measured closed loop (one request in flight), and an open loop
        // with queued requests is answered in batches, so sleeping modes carry more than it.
        s.percents = {50, 90, 150};
        s.fan_in_clients = {1, 2, 4, 8};
        s.spin_rates = {1e4, 1e5};
        s.spins_ns = {0, 5'000, 20'000, 50'000, 200'000, 1'000'000};
    }
    return s;
}

namespace {

RunConfig section_config(const RunConfig &base, const LoadSections &s, const std::string &mode, Section section) {
    RunConfig c = base;
    c.section = section;
    c.mode = mode;
    c.size = s.size;
    c.duration_s = s.duration_s;
    c.warmup_s = s.warmup_s;
    c.iterations = 0;
    c.inflight = 1;
    c.uring_knobs.reset();
    const Mode *m = find_mode(mode);
    c.spin_ns = m ? m->spin_budget() : 0;
    if (m) c.max_inflight = m->default_max_inflight(c.max_inflight);
    return c;
}

Knee knee_of(const std::string &mode, const std::vector<RunResult> &runs, const std::vector<std::size_t> &ladder) {
    Knee k{.mode = mode};
    if (ladder.empty()) return k;
    const double base = runs[ladder.front()].latency->p99;
    k.p99_at_lowest_us = base;
    for (std::size_t i : ladder) {
        const RunResult &r = runs[i];
        if (r.latency->p99 >= 2 * base || r.load.saturated) {
            k.knee_rate = r.config.rate;
            k.p99_at_knee_us = r.latency->p99;
            break;
        }
    }
    return k;
}

}  // namespace

SectionResults run_load_sections(const LoadSections &s, const std::vector<std::string> &modes, const RunConfig &base,
                                 std::vector<RunResult> &runs, const std::function<RunResult(const RunConfig &)> &run) {
    SectionResults out;
    auto record = [&](const RunConfig &c) -> const RunResult & {
        runs.push_back(run(c));
        return runs.back();
    };
    for (const std::string &mode : modes) {
        const RunResult &closed = record(section_config(base, s, mode, Section::capacity));
        if (!closed.ok()) continue;
        const double capacity = closed.ops_per_sec;
        // The ladder: every mode at the same absolute rates, up to the first it cannot carry.
        std::vector<std::size_t> ladder;
        for (double rate : s.ladder) {
            RunConfig c = section_config(base, s, mode, Section::load);
            c.rate = rate;
            const RunResult &r = record(c);
            out.load.push_back({"ladder", runs.size() - 1});
            if (r.ok()) ladder.push_back(runs.size() - 1);
            if (!r.ok() || r.load.saturated) break;
        }
        out.knees.push_back(knee_of(mode, runs, ladder));
        // The percent view: each mode against its own closed-loop maximum.
        for (double pct : s.percents) {
            RunConfig c = section_config(base, s, mode, Section::load);
            c.set_percent_rate(pct, capacity);
            record(c);
            out.load.push_back({"percent", runs.size() - 1});
        }
    }
    for (const std::string &mode : modes) {
        const Mode *m = find_mode(mode);
        if (!m || !m->open_fan_in) continue;
        for (unsigned n : s.fan_in_clients) {
            RunConfig c = section_config(base, s, mode, Section::fan_in);
            c.clients = n;
            if (record(c).ok()) out.fan_in.push_back(runs.size() - 1);
        }
    }
    unsigned spin_modes = 0;
    for (const std::string &mode : modes) {
        const Mode *m = find_mode(mode);
        if (!m || !m->spins || (s.spin_modes_limit && spin_modes >= s.spin_modes_limit)) continue;
        ++spin_modes;
        for (double rate : s.spin_rates)
            for (std::uint64_t spin_ns : s.spins_ns) {
                RunConfig c = section_config(base, s, mode, Section::spin);
                c.rate = rate;
                c.spin_ns = spin_ns;
                record(c);
                out.spin.push_back({"spin", runs.size() - 1});
            }
    }
    return out;
}

}  // namespace ipcb
