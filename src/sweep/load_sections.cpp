#include "sweep/load_sections.hpp"

#include <algorithm>
#include <cmath>

#include "modes/mode.hpp"

namespace ipcb {

using json = nlohmann::json;

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

double round_down_1_2_5(double rate) {
    if (rate < 1) return rate;
    const double decade = std::pow(10.0, std::floor(std::log10(rate)));
    for (double step : {5.0, 2.0, 1.0})
        if (step * decade <= rate) return step * decade;
    return decade;
}

namespace {

RunConfig section_config(const RunConfig &base, const LoadSections &s, const std::string &mode, const char *section) {
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
    return c;
}

json load_point(const RunResult &r, const char *kind) {
    json p = {{"mode", r.config.mode},
              {"variant", r.config.variant()},
              {"label", r.config.design_label()},
              {"size", r.config.size.text},
              {"kind", kind},
              {"status", r.status},
              {"offered_rate", r.config.rate},
              {"rate_percent", r.config.rate_percent > 0 ? json(r.config.rate_percent) : json(nullptr)},
              {"capacity_ops_per_sec", r.config.capacity_ops_per_sec},
              {"achieved_rate", 0},
              {"p50_us", nullptr},
              {"p99_us", nullptr},
              {"p999_us", nullptr},
              {"service_p50_us", nullptr},
              {"saturated", false}};
    if (!r.ok()) return p;
    p["achieved_rate"] = r.load.achieved_rate;
    p["p50_us"] = r.latency->p50;
    p["p99_us"] = r.latency->p99;
    p["p999_us"] = r.latency->p999;
    p["service_p50_us"] = r.service_time->p50;
    p["saturated"] = r.load.saturated;
    p["max_inflight_waits"] = r.load.max_inflight_waits;
    p["mechanism_cpu_us_per_op"] = r.mechanism_cpu_us_per_op();
    p["pacing_cpu_us_per_op"] = r.load.pacing_us_per_op;
    p["send_lag_p99_us"] = r.load.send_lag ? json(r.load.send_lag->p99) : json(nullptr);
    return p;
}

// The knee of one mode on the ladder: the lowest offered rate whose p99 is at least twice the p99
// at its lowest rate, or that saturated (null when neither happened over the rates run).
json knee_of(const std::string &mode, const std::vector<RunResult> &points) {
    json k = {{"mode", mode}, {"p99_at_lowest_us", nullptr}, {"knee_offered_rate", nullptr}, {"knee_percent", nullptr}};
    if (points.empty()) return k;
    const double base = points.front().latency->p99;
    k["p99_at_lowest_us"] = base;
    for (const RunResult &r : points)
        if (r.latency->p99 >= 2 * base || r.load.saturated) {
            k["knee_offered_rate"] = r.config.rate;
            k["p99_at_knee_us"] = r.latency->p99;
            break;
        }
    k["rule"] = "the lowest rate of the ladder whose p99 is at least 2 x the p99 at the lowest rate, or that saturated";
    return k;
}

}  // namespace

json run_load_sections(const LoadSections &s, const std::vector<std::string> &modes, const RunConfig &base,
                       const std::function<RunResult(const RunConfig &)> &run) {
    json load = json::array(), knees = json::array(), fan_in = json::array();
    for (const std::string &mode : modes) {
        const RunResult closed = run(section_config(base, s, mode, "capacity"));
        if (!closed.ok()) continue;
        // The ladder: every mode at the same absolute rates, up to the first it cannot carry.
        std::vector<RunResult> ladder;
        for (double rate : s.ladder) {
            RunConfig c = section_config(base, s, mode, "load");
            c.rate = rate;
            RunResult r = run(c);
            load.push_back(load_point(r, "ladder"));
            const bool stop = !r.ok() || r.load.saturated;
            if (r.ok()) ladder.push_back(std::move(r));
            if (stop) break;
        }
        knees.push_back(knee_of(mode, ladder));
        // The percent view: each mode against its own closed-loop maximum.
        for (double pct : s.percents) {
            RunConfig c = section_config(base, s, mode, "load");
            c.set_percent_rate(pct, closed.ops_per_sec);
            load.push_back(load_point(run(c), "percent"));
        }
    }
    for (const std::string &mode : modes) {
        const Mode *m = find_mode(mode);
        if (!m || !m->open_fan_in) continue;
        for (unsigned n : s.fan_in_clients) {
            RunConfig c = section_config(base, s, mode, "fan_in");
            c.clients = n;
            const RunResult r = run(c);
            if (!r.ok()) continue;
            fan_in.push_back({{"mode", mode},
                              {"variant", c.variant()},
                              {"size", c.size.text},
                              {"clients", n},
                              {"ops_per_sec", r.ops_per_sec},
                              {"p50_us", r.latency->p50},
                              {"p99_us", r.latency->p99},
                              {"server_cpu_us_per_op", r.server_cpu_us_per_op},
                              {"jain", r.fairness_jain},
                              {"min_over_max", r.fairness_min_over_max}});
        }
    }
    json spin = json::array();
    unsigned spin_modes = 0;
    for (const std::string &mode : modes) {
        const Mode *m = find_mode(mode);
        if (!m || !m->spins || (s.spin_modes_limit && spin_modes >= s.spin_modes_limit)) continue;
        ++spin_modes;
        for (double rate : s.spin_rates)
            for (std::uint64_t spin_ns : s.spins_ns) {
                RunConfig c = section_config(base, s, mode, "spin");
                c.rate = rate;
                c.spin_ns = spin_ns;
                json p = load_point(run(c), "spin");
                p["spin_us"] = double(spin_ns) / 1000;
                spin.push_back(p);
            }
    }
    return {{"load", load}, {"load_knees", knees}, {"fan_in", fan_in}, {"spin", spin}};
}

}  // namespace ipcb
