#pragma once
// What a sweep runs, from the command line: the built-in matrix (sweep/matrix.hpp), overridden
// by an optional JSON file (--matrix), then by command-line options.
#include <string>

#include "cli/options.hpp"
#include "sweep/matrix.hpp"

namespace ipcb {

// Keys: modes, sizes, repetitions, duration_s, warmup_s, spin_us, inflight ([{"k":16,"sizes":["4K"]}]),
// uring (knob sets, e.g. ["none", "multishot+ring-fd"]), uring_sizes.
// Throws UsageError naming the bad key.
void apply_matrix_json(SweepMatrix &m, const std::string &json_text);
// Command-line options override the matrix.
void apply_options(SweepMatrix &m, const Options &o);
// The matrix a sweep with these options runs, expanded into its shuffled run list.
SweepMatrix sweep_matrix(const Options &o);
std::vector<RunConfig> sweep_runs(const SweepMatrix &m, const Options &o);

}  // namespace ipcb
