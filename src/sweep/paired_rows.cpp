#include "sweep/paired_rows.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "interleave/paired.hpp"

namespace ipcb {
namespace {

// The configuration a row's design ran with: its first ok run of the row's section, size, rate
// and placement.
const RunConfig *config_of(const DecisionRow &row, const std::string &label, const std::vector<RunResult> &runs) {
    for (const RunResult &r : runs) {
        const RunConfig &c = r.config;
        if (!r.ok() || r.superseded || c.design_label() != label || c.size.text != row.size) continue;
        const bool open = c.open_loop();
        if (row.rate ? !(open && std::round(c.rate) == *row.rate && c.rate_percent == 0) : open) continue;
        if (row.section == Section::load ? (c.section != Section::load && c.section != Section::spin)
                                         : c.section != row.section)
            continue;
        return &c;
    }
    return nullptr;
}

// The row's leading designs: its choice first, the runner-up, then the rest of its Pareto set.
std::vector<std::string> leading_designs(const DecisionRow &row) {
    std::vector<std::string> labels{row.lowest_p99->label};
    auto add = [&](const std::string &l) {
        if (!l.empty() && std::find(labels.begin(), labels.end(), l) == labels.end() &&
            labels.size() < kPairedRowDesigns)
            labels.push_back(l);
    };
    add(row.runner_up);
    for (const Choice &c : row.pareto) add(c.label);
    return labels;
}

void answer_row(DecisionRow &row, std::vector<RunResult> &runs, const PairedRowPlan &plan,
                const std::function<bool()> &interrupted) {
    std::vector<RunConfig> configs;
    for (const std::string &label : leading_designs(row))
        if (const RunConfig *c = config_of(row, label, runs)) configs.push_back(*c);
    if (configs.size() < 2) return;
    const SliceTiming timing = slice_timing_for(plan.slice_s);
    InterleavedGroup g(plan.seed);
    for (RunConfig c : configs) {
        c.section = Section::decision;
        c.repetition = 0;
        g.add(c.design_label(), MemberKind::design, hold_design(c, timing));
    }
    RunConfig twin = configs.front();
    twin.section = Section::decision;
    twin.instance = "twin";
    g.add(twin.design_label() + "#twin", MemberKind::twin, hold_design(twin, timing));
    g.members.back().twin_of = 0;
    g.add("floor", MemberKind::floor, hold_floor(configs.front(), timing));
    PairedRanking ranking;
    while (g.rounds < plan.max_rounds && !interrupted()) {
        if (!g.run_round(interrupted)) break;
        ranking = rank_paired(g, Objective::p99);
        if (ranking.confidence == "high") break;
    }
    DecisionRow::Paired p;
    p.rounds = g.rounds, p.slices_dropped = g.slices_dropped;
    if (ranking.leader >= 0) p.leader = g.members[std::size_t(ranking.leader)].label;
    if (const PairFigure *f = ranking.runner_up >= 0 ? ranking.pair_of(std::size_t(ranking.runner_up)) : nullptr) {
        p.ratio_median = f->cmp.ratio.median, p.low = f->cmp.ratio.low, p.high = f->cmp.ratio.high;
        row.confidence_p_value = f->cmp.p_value;
        row.runner_up = g.members[f->member].label;
    }
    p.aa_band = ranking.band;
    for (auto &[member, result] : finish_with_floor_ratios(g)) {
        runs.push_back(std::move(result));
        p.runs.push_back(runs.size() - 1);
    }
    row.method = "paired";
    row.confidence = ranking.confidence;
    char text[400];
    if (p.leader.empty()) {
        row.confidence = "undecided";
        row.note = "the paired rounds ran no design";
    } else if (p.leader != row.lowest_p99->label) {
        row.confidence = "undecided";
        std::snprintf(text, sizeof text, "paired rounds put %s ahead of %s (their repetitions had it the other way)",
                      p.leader.c_str(), row.lowest_p99->label.c_str());
        row.note = text;
    } else if (!ranking.note.empty()) {
        row.note = "paired: " + ranking.note;
    }
    row.paired = p;
}

}  // namespace

void answer_rows_paired(std::vector<DecisionRow> &rows, std::vector<RunResult> &runs, const PairedRowPlan &plan,
                        const std::function<bool()> &interrupted) {
    for (DecisionRow &row : rows) {
        if (interrupted()) return;
        if (row.section == Section::loop || !row.lowest_p99 || row.confidence == "single") continue;
        answer_row(row, runs, plan, interrupted);
    }
}

}  // namespace ipcb
