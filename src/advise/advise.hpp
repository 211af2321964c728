#pragma once
// --advise: the answer for one server's workload, with how sure it is. Every design that can run
// the workload is a candidate (a spinning mode twice: no spin, and its default budget; an lfshm
// ring in a loop with neighbours once per integration). The candidates run in rounds, each
// round every remaining one once, in a fresh random order, so a drift of the host falls on all.
// After each round:
//  - the leader is the candidate with the lowest median of the objective over its kept runs,
//    the runner-up the next;
//  - a candidate other than these two is dropped once it is clearly behind the leader: the
//    one-sided Mann-Whitney test (core/rank_test.hpp) says so with p <= kDropP (three rounds
//    that do not overlap), or after two rounds its best run is over kDropGap x the leader's
//    worst; a candidate whose run failed, or that could not carry the offered rate, is dropped
//    with the cause;
//  - it stops when the leader beats the runner-up with p <= kHighConfidenceP (five rounds that
//    do not overlap), or before a round that would not fit in the budget.
// Noisy runs are run again (run/parent/retry.hpp) within a share of the budget; the statistics use
// the kept attempt of each run. Where kept runs of the two leaders are noisy, the advice names a
// winner only when the gap between their medians is wider than their runs moved (max / min).
// Plain data: reporters (report/advice_text.cpp, json) format it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/rank_test.hpp"
#include "floor/host_probe.hpp"
#include "interleave/paired.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {

inline constexpr double kDropP = 0.05;
inline constexpr double kDropGap = 1.5;
inline constexpr double kAdviseRetryShare = 1.0 / 3;  // of the budget, at most, for noisy runs' repeats
inline constexpr int kAdviseMaxRounds = 40;
inline constexpr int kInterleavedMaxRounds = 200;

struct AdviseRequest {
    RunConfig workload;              // one run's configuration: size, rate, inflight, clients, ...
    std::vector<std::string> modes;  // candidates' modes (empty: every mode)
    Objective objective = Objective::p99;
    double budget_s = 60;
    bool max_inflight_given = false;  // else a mode with a smaller window lowers it
    std::uint64_t seed = 1;           // of the rounds' orders
    // interleaved (the default): every candidate held at once and run in slices of slice_s, with
    // an A/A twin of the leader and the floor (interleave/); sequential: one run after another.
    bool interleaved = true;
    double slice_s = kDefaultSliceS;
};

struct Candidate {
    RunConfig config;
    std::string label;                           // mode[variant], as runs[].label
    std::vector<std::size_t> runs;               // indices of its kept attempts in the report's runs
    std::vector<double> values;                  // the objective, one per kept run (ok runs only)
    std::vector<double> p50_us, p99_us, cpu_us;  // every figure of the kept ok runs
    int noisy_kept = 0;                          // kept runs that were noisy still
    int dropped_in_round = 0;                    // 0: still in
    std::string dropped_why;
    double last_run_s = 0;  // wall time of its last run, for the round estimate
    bool active() const { return dropped_in_round == 0; }
};

struct NotCandidate {
    std::string label, reason;
};

// A paired ratio in the advice: candidate / against over the rounds both ran (interleaved).
struct AdvicePair {
    std::string candidate, against;
    PairedComparison cmp;
};

struct Advice {
    std::string method = "sequential";  // "interleaved" | "sequential"
    std::string method_note;            // why sequential when interleaved was the default
    double slice_ms = 0;
    int slices_dropped = 0;
    std::vector<AdvicePair> pairs;  // every candidate still in against the leader
    std::optional<AdvicePair> aa;   // the leader's twin against it
    double aa_band = 0;             // the A/A band (>= 1; 0: none)
    std::vector<SliceRow> samples;  // every slice
    Objective objective = Objective::p99;
    std::string workload;  // the workload in words
    double budget_s = 0, elapsed_s = 0;
    int rounds = 0;
    std::string stop_reason;  // "confident", "budget", "one candidate", "rounds", "interrupted"
    HostProbe probe;
    std::vector<Candidate> candidates;
    std::vector<NotCandidate> not_candidates;
    int choice = -1, runner_up = -1;  // indices into candidates (-1: none)
    RankComparison versus_runner_up;
    std::string confidence = "undecided";
    std::string confidence_note;  // why it is not higher, in words ("" when high)
    int other_best = -1;          // the best on the other objective (cpu for p99/p50, p99 for cpu)
    int attempts = 0, repeated = 0, repeats_refused = 0, noisy_kept = 0;
    double gap() const;  // runner-up's median / the choice's (0 without both)
};

// The figure of `r` the objective reads (ok runs).
double objective_value(Objective o, const RunResult &r);

// The candidates of a request, and what was not one and why (run_unsupported).
std::vector<Candidate> advise_candidates(const AdviseRequest &request, std::vector<NotCandidate> &not_candidates);

// Runs the rounds; every attempt is appended to `runs`. `run` runs one configuration with
// retries (run_with_retries in the command; a fake in tests); `interrupted` stops early.
using AdviseRunner = std::function<std::vector<RunResult>(const RunConfig &)>;
// `probe` was run by the caller; its seconds count against the budget.
Advice advise(const AdviseRequest &request, const HostProbe &probe, std::vector<RunResult> &runs,
              const AdviseRunner &run, const std::function<bool()> &interrupted,
              const std::function<void(const Advice &)> &after_round = {});

// After a round: leader and runner-up, drops, and the confidence (exposed for tests).
void rank_candidates(Advice &advice);
// Why the rounds stop before the next one ("" to go on), both methods' rules: no candidate, one
// left, confident, `max_rounds` run, or the next round (`estimate_s` seconds) past the budget.
std::string stop_before_round(const Advice &a, std::size_t active, int max_rounds, double elapsed_s, double estimate_s);
// The best on the other objective among every candidate that ran (Advice::other_best).
void pick_other_best(Advice &advice);

// The interleaved method (interleaved_advice.cpp): `hold` opens a candidate's held run (or the
// floor, for a config with mode "floor"); hold_design and hold_floor in the command, fakes in tests.
using SliceHolder = std::function<std::unique_ptr<SliceSource>(const RunConfig &, MemberKind)>;
Advice advise_interleaved(const AdviseRequest &request, const HostProbe &probe, std::vector<RunResult> &runs,
                          const SliceHolder &hold, const std::function<bool()> &interrupted,
                          const std::function<void(const Advice &)> &after_round = {});
// Why a workload cannot be interleaved ("" when it can): neighbours, unpinned roles.
std::string interleave_refusal(const RunConfig &workload);

}  // namespace ipcb
