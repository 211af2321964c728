#pragma once
// An interleaved group: designs held at once (run/parent/sliced_run.hpp), an A/A twin of one of
// them and the floor, run in rounds of short slices, one at a time, each round in a fresh seeded
// random order, so a drift of the host lands on every member's figure of that round alike and a
// paired statistic (core/signed_rank.hpp) can compare them round by round. The group is plain
// scheduling over SliceSource: the advice, --floor-paired runs and the sweep's decision rows
// use it with held runs; the tests with fakes.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "run/parent/sliced_run.hpp"

namespace ipcb {

// What one member contributes: a slice on demand, and at the end its run's result.
class SliceSource {
public:
    virtual ~SliceSource() = default;
    virtual SliceSample run_slice() = 0;            // throws Error when the member failed
    virtual std::optional<RunResult> finish() = 0;  // the run (none for the floor)
};

enum class MemberKind { design, twin, floor };
const char *member_kind_name(MemberKind k);  // "design" | "twin" | "floor"

// Which figure of a slice a comparison reads.
enum class Objective { p99, p50, cpu };
const char *objective_name(Objective o);
std::optional<Objective> parse_objective(const std::string &text);
double figure_of(const SliceSample &s, Objective o);

struct Member {
    std::string label;
    MemberKind kind = MemberKind::design;
    std::unique_ptr<SliceSource> source;
    std::vector<std::optional<SliceSample>> by_round;  // one per round; unset: not run that round
    int stopped_in_round = 0;                          // 0: still in
    std::string stopped_why;                           // failed, or dropped by the caller
    bool failed = false;
    int twin_of = -1;  // a twin: the member it repeats
    bool active() const { return stopped_in_round == 0; }
    // The figure per round, NaN where the slice was not run or was dropped (a stall).
    std::vector<double> figures(Objective o) const;
    std::vector<double> kept(Objective o) const;  // the kept slices' figures only
};

// One slice as the report lists it (advice.samples[]).
struct SliceRow {
    int round = 0;
    std::string label;
    MemberKind kind = MemberKind::design;
    SliceSample sample;
};

// A slice of 100 ms: 2 000 round trips of a 50 us design, 100 000 of a 1 us one (a p99 from 20 of
// them and more), short beside the host's regime changes (seconds to minutes apart), so that a
// round of ten candidates (about 1.2 s with the lead-ins) sees one regime; docs/method.md.
inline constexpr double kDefaultSliceS = 0.1;
inline constexpr double kSliceLeadShare = 0.1;  // of a slice, at most kSliceLeadMaxS, unrecorded first
inline constexpr double kSliceLeadMaxS = 0.01;
SliceTiming slice_timing_for(double slice_s);

// A design held for slices (a SlicedRun), and the floor on the run's CPUs.
std::unique_ptr<SliceSource> hold_design(const RunConfig &config, SliceTiming timing);
std::unique_ptr<SliceSource> hold_floor(const RunConfig &config, SliceTiming timing);

class InterleavedGroup {
public:
    explicit InterleavedGroup(std::uint64_t seed) : rng_(seed) {}
    std::size_t add(std::string label, MemberKind kind, std::unique_ptr<SliceSource> source);
    // Runs one slice of every active member, in a random order; a member whose slice throws is
    // stopped (failed, with the cause). Returns false when interrupted before the round ended.
    bool run_round(const std::function<bool()> &interrupted);
    // Stops a member (the caller's drop rule): it runs no more slices.
    void stop(std::size_t i, const std::string &why);
    // Every member's run, in the order added (the floor has none).
    std::vector<std::pair<std::size_t, RunResult>> finish_all();

    std::vector<Member> members;
    std::vector<SliceRow> rows;
    int rounds = 0, slices_dropped = 0;
    double last_round_s = 0;

private:
    std::mt19937_64 rng_;
};

}  // namespace ipcb
