#include "bench/matrix.hpp"

#include <algorithm>
#include <random>

#include <nlohmann/json.hpp>

#include "modes/mode.hpp"

namespace ipcb {

using json = nlohmann::json;

SweepMatrix default_matrix(bool quick) {
    SweepMatrix m;
    for (const Mode *mode : all_modes()) m.modes.push_back(mode->name);
    if (quick) {
        for (auto s : {"typical", "128K"}) m.sizes.push_back(parse_size_spec(s));
        m.repetitions = 2;
        m.duration_s = 0.25;
        m.warmup_s = 0.05;
        m.inflight_levels = {{16, {parse_size_spec("4K")}}};
    } else {
        for (auto s : {"typical", "64", "4K", "16K", "64K", "128K"}) m.sizes.push_back(parse_size_spec(s));
        m.inflight_levels = {{16, {parse_size_spec("4K"), parse_size_spec("64K")}}};
    }
    m.spins_ns = {kDefaultSpinNs, 0};
    return m;
}

void apply_matrix_json(SweepMatrix &m, const std::string &text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw UsageError("--matrix file is not a JSON object");
    static const char *known[] = {"modes", "sizes", "repetitions", "duration_s", "warmup_s", "spin_us", "inflight"};
    for (auto &item : j.items()) {
        const std::string key = item.key();
        if (std::find_if(std::begin(known), std::end(known), [&](const char *k) { return key == k; }) == std::end(known))
            throw UsageError("--matrix: unknown key '" + key + "'");
    }
    try {
        if (j.contains("modes")) {
            m.modes.clear();
            for (auto &name : j["modes"]) {
                std::string n = name.get<std::string>();
                if (!find_mode(n)) throw UsageError("--matrix: unknown mode '" + n + "'");
                m.modes.push_back(n);
            }
        }
        if (j.contains("sizes")) {
            m.sizes.clear();
            for (auto &s : j["sizes"]) m.sizes.push_back(parse_size_spec(s.get<std::string>()));
        }
        if (j.contains("repetitions")) {
            int r = j["repetitions"].get<int>();
            if (r < 1 || r > 1000) throw UsageError("--matrix: repetitions must be 1..1000");
            m.repetitions = r;
        }
        if (j.contains("duration_s")) {
            double d = j["duration_s"].get<double>();
            if (!(d > 0 && d <= 3600)) throw UsageError("--matrix: duration_s must be in (0, 3600]");
            m.duration_s = d;
        }
        if (j.contains("warmup_s")) {
            double w = j["warmup_s"].get<double>();
            if (!(w >= 0 && w <= 3600)) throw UsageError("--matrix: warmup_s must be in [0, 3600]");
            m.warmup_s = w;
        }
        if (j.contains("spin_us")) {
            m.spins_ns.clear();
            for (auto &s : j["spin_us"]) {
                double us = s.get<double>();
                if (!(us >= 0 && us <= 1e6)) throw UsageError("--matrix: spin_us values must be in [0, 1e6]");
                m.spins_ns.push_back(std::uint64_t(us * 1000));
            }
        }
        if (j.contains("inflight")) {
            m.inflight_levels.clear();
            for (auto &level : j["inflight"]) {
                unsigned k = level.at("k").get<unsigned>();
                if (k < 1 || k > kMaxInflight) throw UsageError("--matrix: inflight k must be 1..64");
                SweepMatrix::InflightLevel l{k, {}};
                for (auto &s : level.at("sizes")) l.sizes.push_back(parse_size_spec(s.get<std::string>()));
                m.inflight_levels.push_back(l);
            }
        }
    } catch (const json::exception &e) {
        throw UsageError(std::string("--matrix: wrong type or missing field (") + e.what() + ")");
    }
    if (m.modes.empty() || m.sizes.empty()) throw UsageError("--matrix: modes and sizes must not be empty");
}

void apply_options(SweepMatrix &m, const Options &o) {
    if (!o.modes.empty()) m.modes = o.modes;
    if (o.sizes_given) m.sizes = o.sizes;
    if (o.repetitions_given) m.repetitions = o.repetitions;
    if (o.duration_given) m.duration_s = o.duration_s;
    if (o.warmup_given) m.warmup_s = o.warmup_s;
    if (o.spin_ns) m.spins_ns = {*o.spin_ns};
    if (!o.inflights.empty()) {
        m.inflight_levels.clear();
        for (unsigned k : o.inflights)
            if (k != 1) m.inflight_levels.push_back({k, m.sizes});
    }
}

RunConfig run_config_from(const Options &o, const std::string &mode, const SizeSpec &size) {
    RunConfig c;
    c.mode = mode;
    c.size = size;
    c.duration_s = o.duration_s;
    c.iterations = o.iterations;
    c.warmup_s = o.warmup_s;
    c.server_cpu = o.server_cpu;
    c.client_cpu = o.client_cpu;
    c.inflight = o.inflight;
    const Mode *m = find_mode(mode);
    c.spin_ns = m && m->spins ? o.spin_ns.value_or(kDefaultSpinNs) : 0;
    c.seed = o.seed;
    c.timeout_s = o.timeout_s;
    c.fault = o.fault;
    return c;
}

std::vector<RunConfig> expand_matrix(const SweepMatrix &m, const Options &o) {
    std::vector<RunConfig> configs;
    auto add = [&](const std::string &mode, const SizeSpec &size, unsigned inflight) {
        const Mode *md = find_mode(mode);
        std::vector<std::uint64_t> spins = md && md->spins ? m.spins_ns : std::vector<std::uint64_t>{0};
        for (std::uint64_t spin : spins)
            for (int rep = 0; rep < m.repetitions; ++rep) {
                RunConfig c = run_config_from(o, mode, size);
                c.duration_s = m.duration_s;
                c.warmup_s = m.warmup_s;
                c.inflight = inflight;
                c.spin_ns = spin;
                c.seed = o.seed + std::uint64_t(rep);
                c.repetition = rep;
                configs.push_back(c);
            }
    };
    for (const std::string &mode : m.modes) {
        for (const SizeSpec &size : m.sizes) add(mode, size, 1);
        for (const auto &level : m.inflight_levels)
            for (const SizeSpec &size : level.sizes) add(mode, size, level.inflight);
    }
    // Shuffled so that slow drifts of the machine (thermal, neighbours) spread over all modes
    // instead of biasing whichever ran last; seeded so the order can be reproduced.
    std::mt19937_64 rng(o.seed);
    std::shuffle(configs.begin(), configs.end(), rng);
    return configs;
}

}  // namespace ipcb
