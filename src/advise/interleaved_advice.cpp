// --advise's interleaved method (advise.hpp): every candidate held at once, run in rounds of
// short slices with the floor and, from the second round, an A/A twin of the first round's
// leader; the ranking is paired round by round (interleave/paired.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "advise/advise.hpp"
#include "core/sys.hpp"

namespace ipcb {
namespace {

// The drop rule on the paired statistic: a design other than the leader and the runner-up is out
// once it is clearly above the leader (signed-rank p <= kDropP, its median ratio outside the A/A
// band), or its ratio's interval starts above kDropGap.
void drop_behind(InterleavedGroup &g, const PairedRanking &r) {
    if (g.rounds < 3) return;
    for (const PairFigure &p : r.pairs) {
        if (int(p.member) == r.runner_up) continue;
        const PairedComparison &c = p.cmp;
        char why[240];
        if (c.p_value <= kDropP && c.ratio.median > std::max(r.band, 1.0)) {
            std::snprintf(why, sizeof why, "behind %s: x%.3f [%.3f, %.3f] paired over %zu rounds, signed-rank p = %.3f",
                          g.members[p.against].label.c_str(), c.ratio.median, c.ratio.low, c.ratio.high, c.pairs,
                          c.p_value);
        } else if (c.pairs >= 3 && c.ratio.low > kDropGap) {
            std::snprintf(why, sizeof why, "behind %s: its paired ratio's interval starts at x%.2f",
                          g.members[p.against].label.c_str(), c.ratio.low);
        } else {
            continue;
        }
        g.stop(p.member, why);
    }
}

// Whether a twin runs whose design is still in; a twin whose design was dropped is stopped.
bool twin_in_play(InterleavedGroup &g) {
    bool in_play = false;
    for (std::size_t i = 0; i < g.members.size(); ++i) {
        const Member &m = g.members[i];
        if (m.kind != MemberKind::twin || !m.active()) continue;
        if (g.members[std::size_t(m.twin_of)].active()) in_play = true;
        else g.stop(i, "its design was dropped");
    }
    return in_play;
}

// The advice's view of the group after a round: figures, drops, leader, confidence, pairs.
void read_group(Advice &a, const InterleavedGroup &g, const PairedRanking &r, std::size_t designs) {
    for (std::size_t i = 0; i < designs; ++i) {
        Candidate &c = a.candidates[i];
        const Member &m = g.members[i];
        c.values = m.kept(a.objective);
        c.p50_us = m.kept(Objective::p50);
        c.p99_us = m.kept(Objective::p99);
        c.cpu_us = m.kept(Objective::cpu);
        c.dropped_in_round = m.stopped_in_round;
        c.dropped_why = m.stopped_why;
    }
    a.choice = r.leader;
    a.runner_up = r.runner_up;
    a.confidence = r.confidence;
    a.confidence_note = r.note;
    a.pairs.clear();
    for (const PairFigure &p : r.pairs)
        a.pairs.push_back(
            {.candidate = g.members[p.member].label, .against = g.members[p.against].label, .cmp = p.cmp});
    if (const PairFigure *p = r.runner_up >= 0 ? r.pair_of(std::size_t(r.runner_up)) : nullptr)
        a.versus_runner_up = {.superiority = 0.5, .p_value = p->cmp.p_value};
    a.aa.reset();
    if (r.aa)
        a.aa = AdvicePair{
            .candidate = g.members[r.aa->member].label, .against = g.members[r.aa->against].label, .cmp = r.aa->cmp};
    a.aa_band = r.band;
    a.rounds = g.rounds;
    a.slices_dropped = g.slices_dropped;
    pick_other_best(a);
}

}  // namespace

std::string interleave_refusal(const RunConfig &w) {
    if (!w.neighbours.none())
        return "a workload with neighbours runs sequentially (the neighbours' open loop cannot pause)";
    if (w.server_cpu < 0 || w.cpu_of_client(0) < 0)
        return "unpinned roles run sequentially (no CPUs to hold the floor on)";
    return "";
}

Advice advise_interleaved(const AdviseRequest &request, const HostProbe &probe, std::vector<RunResult> &runs,
                          const SliceHolder &hold, const std::function<bool()> &interrupted,
                          const std::function<void(const Advice &)> &after_round) {
    Advice a;
    a.method = "interleaved";
    a.objective = request.objective;
    a.budget_s = request.budget_s;
    a.probe = probe;
    a.slice_ms = request.slice_s * 1e3;
    a.candidates = advise_candidates(request, a.not_candidates);
    const std::uint64_t start = now_ns();
    auto elapsed = [&] { return probe.seconds + double(now_ns() - start) * 1e-9; };
    const SliceTiming timing = slice_timing_for(request.slice_s);
    InterleavedGroup g(request.seed);
    for (const Candidate &c : a.candidates) g.add(c.label, MemberKind::design, hold(c.config, MemberKind::design));
    const std::size_t designs = a.candidates.size();
    g.add("floor", MemberKind::floor, hold(request.workload, MemberKind::floor));
    const double slice_cost = double(timing.slice_ns + timing.lead_ns) * 1e-9 + 0.005;
    for (;;) {
        std::size_t active = 0;
        for (std::size_t i = 0; i < designs; ++i) active += g.members[i].active();
        std::size_t members = 0;
        for (const Member &m : g.members) members += m.active();
        const double estimate = g.rounds > 0 ? g.last_round_s : double(members) * slice_cost;
        a.stop_reason = stop_before_round(a, active, kInterleavedMaxRounds, elapsed(), estimate);
        if (!a.stop_reason.empty()) break;
        if (interrupted() || !g.run_round(interrupted)) {
            a.stop_reason = "interrupted";
            break;
        }
        PairedRanking r = rank_paired(g, request.objective);
        drop_behind(g, r);
        r = rank_paired(g, request.objective);
        // The A/A twin: of the first round's leader; a new one of the leader when its design is dropped.
        if (r.leader >= 0 && !twin_in_play(g)) {
            RunConfig twin = a.candidates[std::size_t(r.leader)].config;
            const int twins = int(std::count_if(g.members.begin(), g.members.end(),
                                                [](const Member &m) { return m.kind == MemberKind::twin; }));
            twin.instance = twins ? "twin" + std::to_string(twins + 1) : "twin";
            g.add(twin.label(), MemberKind::twin, hold(twin, MemberKind::twin));
            g.members.back().twin_of = r.leader;
            r = rank_paired(g, request.objective);
        }
        read_group(a, g, r, designs);
        a.elapsed_s = elapsed();
        if (after_round) after_round(a);
    }
    for (auto &[member, result] : finish_with_floor_ratios(g)) {
        runs.push_back(std::move(result));
        if (member < designs) a.candidates[member].runs.push_back(runs.size() - 1);
        if (member < designs && !runs.back().ok() && a.candidates[member].active()) {
            a.candidates[member].dropped_in_round = std::max(1, g.rounds);
            a.candidates[member].dropped_why = "failed: " + runs.back().error;
        }
    }
    a.samples = g.rows;
    a.attempts = int(runs.size());
    a.elapsed_s = elapsed();
    return a;
}

}  // namespace ipcb
