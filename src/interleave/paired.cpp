#include "interleave/paired.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ipcb {
namespace {

double median_kept(const Member &m, Objective o) {
    const std::vector<double> v = m.kept(o);
    return v.empty() ? NAN : median_interval(v).median;
}

void judge(PairedRanking &r, const InterleavedGroup &g) {
    if (r.leader < 0) {
        r.note = "no design ran";
        return;
    }
    if (r.runner_up < 0) {
        r.note = "one design: nothing to rank it against";
        return;
    }
    const PairFigure &p = *r.pair_of(std::size_t(r.runner_up));
    const std::string &lead = g.members[std::size_t(r.leader)].label, &next = g.members[std::size_t(r.runner_up)].label;
    r.confidence = confidence_word(p.cmp.p_value);
    char text[400] = "";
    const double gap = p.cmp.ratio.median;
    if (r.band <= 0) {
        if (r.confidence == "high" || r.confidence == "medium") r.confidence = "low";
        std::snprintf(text, sizeof text, "no A/A calibration yet (its twin has under %zu rounds)", kMinAaRounds);
    } else if (gap <= r.band) {
        r.confidence = "undecided";
        std::snprintf(text, sizeof text, "%s is x%.3f %s, inside the A/A noise (x%.3f): no difference is called",
                      next.c_str(), gap, lead.c_str(), r.band);
    } else if ((r.confidence == "high" || r.confidence == "medium") && p.cmp.ratio.low <= r.band) {
        r.confidence = "low";
        std::snprintf(text, sizeof text, "%s / %s = x%.3f, but its interval [%.3f, %.3f] reaches the A/A noise (x%.3f)",
                      next.c_str(), lead.c_str(), gap, p.cmp.ratio.low, p.cmp.ratio.high, r.band);
    } else if (r.confidence != "high") {
        std::snprintf(text, sizeof text, "%s / %s = x%.3f: signed-rank p = %.3f over %zu rounds (high needs p <= %.2f)",
                      next.c_str(), lead.c_str(), gap, p.cmp.p_value, p.cmp.pairs, kHighConfidenceP);
    }
    r.note = text;
}

}  // namespace

const PairFigure *PairedRanking::pair_of(std::size_t member) const {
    for (const PairFigure &p : pairs)
        if (p.member == member) return &p;
    return nullptr;
}

PairedRanking rank_paired(const InterleavedGroup &g, Objective o) {
    PairedRanking r;
    double best = 0;
    for (std::size_t i = 0; i < g.members.size(); ++i) {
        const Member &m = g.members[i];
        if (m.kind != MemberKind::design || !m.active()) continue;
        const double med = median_kept(m, o);
        if (std::isnan(med)) continue;
        if (r.leader < 0 || med < best) r.leader = int(i), best = med;
    }
    if (r.leader >= 0) {
        const std::vector<double> lead = g.members[std::size_t(r.leader)].figures(o);
        for (std::size_t i = 0; i < g.members.size(); ++i) {
            const Member &m = g.members[i];
            if (m.kind != MemberKind::design || !m.active() || int(i) == r.leader) continue;
            const PairedComparison c = compare_paired(lead, m.figures(o));
            if (c.pairs == 0) continue;
            r.pairs.push_back({.member = i, .against = std::size_t(r.leader), .cmp = c});
        }
        double lowest = 0;
        for (const PairFigure &p : r.pairs)
            if (r.runner_up < 0 || p.cmp.ratio.median < lowest)
                r.runner_up = int(p.member), lowest = p.cmp.ratio.median;
    }
    for (std::size_t i = 0; i < g.members.size(); ++i) {
        const Member &m = g.members[i];
        // The twin of a design still in (a dropped design's twin stops with it).
        if (m.kind != MemberKind::twin || m.twin_of < 0 || !g.members[std::size_t(m.twin_of)].active()) continue;
        const PairedComparison c = compare_paired(g.members[std::size_t(m.twin_of)].figures(o), m.figures(o));
        if (c.pairs == 0) continue;
        r.aa = PairFigure{.member = i, .against = std::size_t(m.twin_of), .cmp = c};
        if (c.pairs >= kMinAaRounds && c.ratio.low > 0) r.band = std::max({c.ratio.high, 1 / c.ratio.low, 1.0});
    }
    judge(r, g);
    return r;
}

std::optional<PairedComparison> floor_ratio(const InterleavedGroup &g, std::size_t member) {
    for (const Member &f : g.members) {
        if (f.kind != MemberKind::floor) continue;
        const PairedComparison c = compare_paired(f.figures(Objective::p50), g.members[member].figures(Objective::p50));
        if (c.pairs > 0) return c;
    }
    return std::nullopt;
}

std::vector<std::pair<std::size_t, RunResult>> finish_with_floor_ratios(InterleavedGroup &g) {
    std::vector<std::pair<std::size_t, RunResult>> out = g.finish_all();
    for (auto &[member, result] : out)
        if (const std::optional<PairedComparison> f = floor_ratio(g, member); f && result.interleaved) {
            result.interleaved->floor_ratio = f->ratio;
            result.interleaved->floor_pairs = f->pairs;
        }
    return out;
}

}  // namespace ipcb
