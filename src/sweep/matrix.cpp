#include "sweep/matrix.hpp"

#include <algorithm>
#include <random>

#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {

SweepMatrix default_matrix(bool quick) {
    SweepMatrix m;
    for (const Mode *mode : all_modes()) m.modes.push_back(mode->name);
    if (quick) {
        for (auto s : {"typical", "128K"}) m.sizes.push_back(parse_size_spec(s));
        m.repetitions = 2;
        // 16 modes x 3 cells x 2 repetitions within the quick sweep's minute
        m.duration_s = 0.15;
        m.warmup_s = 0.05;
        m.inflight_levels = {{16, {parse_size_spec("4K")}}};
        m.uring_variants = {kMultishot | kRingFd};
        m.uring_sizes = {parse_size_spec("4K")};
        m.same_cpu_sizes = {parse_size_spec("typical")};  // the quick matrix's size, so the placements pair up
        m.placement_repetitions = 1;
    } else {
        for (auto s : {"typical", "64", "4K", "16K", "64K", "128K"}) m.sizes.push_back(parse_size_spec(s));
        m.inflight_levels = {{16, {parse_size_spec("4K"), parse_size_spec("64K")}}};
        m.uring_variants = {0,
                            kPollFirst,
                            kMultishot,
                            kRingFd,
                            kMultishot | kRingFd,
                            kPollFirst | kRingFd,
                            kPollFirst | kMultishot | kRingFd,
                            kSqpoll};
        for (auto s : {"64", "4K"}) m.uring_sizes.push_back(parse_size_spec(s));
        m.socket_variants = {SocketType::stream, SocketType::dgram};
        for (auto s : {"64", "4K", "128K"}) m.socket_sizes.push_back(parse_size_spec(s));
        for (auto s : {"64", "4K"}) m.same_cpu_sizes.push_back(parse_size_spec(s));
    }
    m.spins_ns = {std::nullopt, 0};
    return m;
}

namespace {

int placement_repetitions(const SweepMatrix &m) {
    return m.placement_repetitions > 0 ? m.placement_repetitions : m.repetitions;
}

// A run of the placement section before its placement: ping-pong of one client.
RunConfig placement_run(const SweepMatrix &m, const RunConfig &base, const std::string &mode, const SizeSpec &size,
                        int rep, std::uint64_t seed) {
    RunConfig c = base;
    c.mode = mode;
    c.size = size;
    c.duration_s = m.duration_s;
    c.warmup_s = m.warmup_s;
    c.inflight = 1;
    c.clients = 1;
    c.client_cpus.clear();
    c.seed = seed + std::uint64_t(rep);
    c.repetition = rep;
    c.section = Section::placement;
    return c;
}

}  // namespace

std::vector<PlacementClassPlan> placement_class_plans(const CpuTopology &t, int server_cpu, int client_cpu) {
    const CpuRelation matrix_pair = relation_of(t, server_cpu, client_cpu);
    std::vector<PlacementClassPlan> plans;
    for (Placement p : {Placement::smt, Placement::cache, Placement::cross_cache, Placement::cross_node})
        plans.push_back({.placement = p, .pair = pair_for(t, p), .as_matrix = placement_accepts(p, matrix_pair)});
    return plans;
}

std::vector<RunConfig> expand_matrix(const SweepMatrix &m, const RunConfig &base, std::uint64_t seed) {
    std::vector<RunConfig> configs;
    auto add = [&](const std::string &mode, const SizeSpec &size, unsigned inflight,
                   std::optional<unsigned> uring_knobs = std::nullopt,
                   std::optional<SocketType> socket = std::nullopt) {
        const Mode *md = find_mode(mode);
        const std::vector<std::optional<std::uint64_t>> spins =
            md && md->spins ? m.spins_ns : std::vector<std::optional<std::uint64_t>>{0};
        for (std::optional<std::uint64_t> spin : spins)
            for (int rep = 0; rep < m.repetitions; ++rep) {
                RunConfig c = base;
                c.mode = mode;
                c.size = size;
                c.duration_s = m.duration_s;
                c.warmup_s = m.warmup_s;
                c.inflight = inflight;
                c.clients = 1;
                c.client_cpus.clear();
                c.spin_ns = md ? md->spin_budget(spin) : 0;
                c.uring_knobs = uring_knobs;
                c.socket = socket;
                c.seed = seed + std::uint64_t(rep);
                c.repetition = rep;
                c.section = Section::matrix;
                configs.push_back(c);
            }
    };
    for (const std::string &mode : m.modes) {
        for (const SizeSpec &size : m.sizes) add(mode, size, 1);
        for (const auto &level : m.inflight_levels)
            for (const SizeSpec &size : level.sizes) add(mode, size, level.inflight);
        const Mode *md = find_mode(mode);
        if (md && md->uring_knobs)
            for (unsigned knobs : m.uring_variants)
                for (const SizeSpec &size : m.uring_sizes) add(mode, size, 1, knobs);
        if (md && md->socket_types)
            for (SocketType type : m.socket_variants)
                for (const SizeSpec &size : m.socket_sizes) add(mode, size, 1, std::nullopt, type);
    }
    for (const std::string &mode : m.modes) {
        const Mode *md = find_mode(mode);
        if (!md || md->never_sleeps) continue;  // a spin on one CPU starves the peer (orchestrator.cpp)
        for (const SizeSpec &size : m.same_cpu_sizes)
            for (int rep = 0; rep < placement_repetitions(m); ++rep) {
                RunConfig c = placement_run(m, base, mode, size, rep, seed);
                c.put_on_one_cpu();
                c.spin_ns = 0;
                configs.push_back(c);
            }
    }
    for (const PlacementClassPlan &plan : placement_class_plans(machine_topology(), base.server_cpu, base.client_cpu)) {
        if (!plan.pair.found() || plan.as_matrix) continue;
        for (const std::string &mode : m.modes) {
            const Mode *md = find_mode(mode);
            if (!md) continue;
            for (const SizeSpec &size : m.same_cpu_sizes)
                for (int rep = 0; rep < placement_repetitions(m); ++rep) {
                    RunConfig c = placement_run(m, base, mode, size, rep, seed);
                    c.placement = plan.placement;
                    c.server_cpu = plan.pair.server;
                    c.client_cpu = plan.pair.client;
                    c.spin_ns = md->spin_budget();
                    configs.push_back(c);
                }
        }
    }
    // Shuffled so that slow drifts of the machine (thermal, neighbours) spread over all modes
    // instead of biasing whichever ran last; seeded so the order can be reproduced.
    std::mt19937_64 rng(seed);
    std::shuffle(configs.begin(), configs.end(), rng);
    return configs;
}

}  // namespace ipcb
