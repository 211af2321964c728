#pragma once
// The sweep matrix: which configurations a sweep runs. Built in (no file needed), overridden by an
// optional JSON file, then by command-line options; expanded into a seeded, shuffled run list.
#include <cstdint>
#include <string>
#include <vector>

#include "bench/run_types.hpp"
#include "cli/options.hpp"

namespace ipcb {

struct SweepMatrix {
    std::vector<std::string> modes;
    std::vector<SizeSpec> sizes;
    int repetitions = 3;
    double duration_s = 1.0, warmup_s = 0.25;
    std::vector<std::uint64_t> spins_ns;  // variants of spinning modes (default: default budget and 0)
    struct InflightLevel {
        unsigned inflight;
        std::vector<SizeSpec> sizes;      // the sizes this level is run at (besides inflight 1)
    };
    std::vector<InflightLevel> inflight_levels;
};

SweepMatrix default_matrix(bool quick);
// Keys: modes, sizes, repetitions, duration_s, warmup_s, spin_us, inflight ([{"k":16,"sizes":["4K"]}]).
// Throws UsageError naming the bad key.
void apply_matrix_json(SweepMatrix &m, const std::string &json_text);
// Command-line options override the matrix.
void apply_options(SweepMatrix &m, const Options &o);

// A run of `mode` at `size` as the command-line options describe it (CPUs, duration, inflight,
// spin budget: the mode's default unless --spin, and 0 for modes that do not spin; fault).
RunConfig run_config_from(const Options &o, const std::string &mode, const SizeSpec &size);

// Every configuration x repetition, in a seeded shuffled order.
std::vector<RunConfig> expand_matrix(const SweepMatrix &m, const Options &o);

}  // namespace ipcb
