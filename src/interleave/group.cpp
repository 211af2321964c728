#include "interleave/group.hpp"

#include <algorithm>
#include <cmath>

namespace ipcb {

const char *member_kind_name(MemberKind k) {
    switch (k) {
    case MemberKind::design: return "design";
    case MemberKind::twin: return "twin";
    case MemberKind::floor: return "floor";
    }
    return "?";
}

const char *objective_name(Objective o) {
    switch (o) {
    case Objective::p99: return "p99";
    case Objective::p50: return "p50";
    case Objective::cpu: return "cpu";
    }
    return "?";
}

std::optional<Objective> parse_objective(const std::string &text) {
    for (Objective o : {Objective::p99, Objective::p50, Objective::cpu})
        if (text == objective_name(o)) return o;
    return std::nullopt;
}

double figure_of(const SliceSample &s, Objective o) {
    switch (o) {
    case Objective::p99: return s.p99_us;
    case Objective::p50: return s.p50_us;
    case Objective::cpu: return s.cpu_us_per_op;
    }
    return NAN;
}

std::vector<double> Member::figures(Objective o) const {
    std::vector<double> out;
    for (const auto &s : by_round) out.push_back(s && s->kept() ? figure_of(*s, o) : NAN);
    return out;
}

std::vector<double> Member::kept(Objective o) const {
    std::vector<double> out;
    for (const auto &s : by_round)
        if (s && s->kept()) out.push_back(figure_of(*s, o));
    return out;
}

namespace {

class HeldDesign final : public SliceSource {
public:
    HeldDesign(const RunConfig &c, SliceTiming t) : run_(c, t) {}
    SliceSample run_slice() override { return run_.run_slice(); }
    std::optional<RunResult> finish() override { return run_.finish(); }

private:
    SlicedRun run_;
};

class HeldFloor final : public SliceSource {
public:
    HeldFloor(const RunConfig &c, SliceTiming t) : config_(c), timing_(t) {}
    SliceSample run_slice() override { return floor_slice(config_, timing_); }
    std::optional<RunResult> finish() override { return std::nullopt; }

private:
    RunConfig config_;
    SliceTiming timing_;
};

}  // namespace

SliceTiming slice_timing_for(double slice_s) {
    const double lead = std::min(kSliceLeadMaxS, kSliceLeadShare * slice_s);
    return {.slice_ns = std::uint64_t(slice_s * 1e9), .lead_ns = std::uint64_t(lead * 1e9)};
}

std::unique_ptr<SliceSource> hold_design(const RunConfig &config, SliceTiming timing) {
    return std::make_unique<HeldDesign>(config, timing);
}

std::unique_ptr<SliceSource> hold_floor(const RunConfig &config, SliceTiming timing) {
    return std::make_unique<HeldFloor>(config, timing);
}

std::size_t InterleavedGroup::add(std::string label, MemberKind kind, std::unique_ptr<SliceSource> source) {
    Member m;
    m.label = std::move(label);
    m.kind = kind;
    m.source = std::move(source);
    m.by_round.resize(std::size_t(rounds));  // joined late: the earlier rounds are missing
    members.push_back(std::move(m));
    return members.size() - 1;
}

bool InterleavedGroup::run_round(const std::function<bool()> &interrupted) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < members.size(); ++i)
        if (members[i].active()) order.push_back(i);
    std::shuffle(order.begin(), order.end(), rng_);
    ++rounds;
    for (Member &m : members) m.by_round.resize(std::size_t(rounds));
    const std::uint64_t t0 = now_ns();
    for (std::size_t i : order) {
        if (interrupted()) return false;
        Member &m = members[i];
        try {
            const SliceSample s = m.source->run_slice();
            m.by_round.back() = s;
            rows.push_back({.round = rounds, .label = m.label, .kind = m.kind, .sample = s});
            slices_dropped += !s.kept();
        } catch (const std::exception &e) {
            m.failed = true;
            stop(i, std::string("failed: ") + e.what());
        }
    }
    last_round_s = double(now_ns() - t0) * 1e-9;
    return true;
}

void InterleavedGroup::stop(std::size_t i, const std::string &why) {
    if (!members[i].active()) return;
    members[i].stopped_in_round = std::max(rounds, 1);
    members[i].stopped_why = why;
}

std::vector<std::pair<std::size_t, RunResult>> InterleavedGroup::finish_all() {
    std::vector<std::pair<std::size_t, RunResult>> out;
    for (std::size_t i = 0; i < members.size(); ++i)
        if (std::optional<RunResult> r = members[i].source->finish()) out.emplace_back(i, std::move(*r));
    return out;
}

}  // namespace ipcb
