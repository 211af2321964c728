#include "sweep/decision.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/rank_test.hpp"

namespace ipcb {
namespace {

// The designs no other one beats on both p99 and CPU (ties kept), by p99.
std::vector<Choice> pareto_of(std::vector<Choice> all) {
    std::vector<Choice> front;
    for (const Choice &c : all) {
        const bool dominated = std::any_of(all.begin(), all.end(), [&](const Choice &o) {
            return o.p99_us <= c.p99_us && o.cpu_us_per_op <= c.cpu_us_per_op &&
                   (o.p99_us < c.p99_us || o.cpu_us_per_op < c.cpu_us_per_op);
        });
        if (!dominated) front.push_back(c);
    }
    std::sort(front.begin(), front.end(), [](const Choice &a, const Choice &b) { return a.p99_us < b.p99_us; });
    return front;
}

// The best by `metric`, and a note when the runner-up is within kCloseCall of it.
template <class Metric>
std::optional<Choice> best_by(const std::vector<Choice> &all, Metric metric, const char *what,
                              std::vector<std::string> &notes) {
    if (all.empty()) return std::nullopt;
    std::vector<Choice> sorted = all;
    std::sort(sorted.begin(), sorted.end(), [&](const Choice &a, const Choice &b) { return metric(a) < metric(b); });
    if (sorted.size() > 1 && metric(sorted[1]) <= metric(sorted[0]) * (1 + kCloseCall))
        notes.push_back(std::string("lowest ") + what + ": " + sorted[1].label + " is within " +
                        std::to_string(int(kCloseCall * 100)) + "% of " + sorted[0].label);
    return sorted[0];
}

// The p99 of each kept ok run of a choice: its repetitions.
std::vector<double> p99_values(const Choice &c, const std::vector<RunResult> &runs) {
    std::vector<double> v;
    for (std::size_t i : c.runs)
        if (i < runs.size() && runs[i].ok() && !runs[i].superseded) v.push_back(runs[i].latency->p99);
    return v;
}

// "--advise --size 4K --rate 10000" for the row's workload, the command that settles it.
std::string advise_command(const DecisionRow &row) {
    std::string cmd = "--advise --size " + row.size;
    if (row.rate) cmd += " --rate " + std::to_string(long(std::round(*row.rate)));
    if (!row.requested_placement.empty() && row.requested_placement != "separate")
        cmd += " --placement " + row.requested_placement;
    if (!row.neighbours.empty()) cmd += " --neighbours " + row.neighbours;
    return cmd;
}

// The row's confidence and its one line (DecisionRow::confidence, ::note).
void judge_row(DecisionRow &row, const std::vector<Choice> &all, const std::vector<RunResult> &runs) {
    if (all.size() == 1) {
        row.confidence = "single";
        row.note = "one candidate (" + all[0].label + "): nothing to rank it against";
        return;
    }
    if (all.empty() || !row.lowest_p99) {
        row.note = row.notes.empty() ? "no candidate" : row.notes.front();
        return;
    }
    std::vector<Choice> by_p99 = all;
    std::sort(by_p99.begin(), by_p99.end(), [](const Choice &a, const Choice &b) { return a.p99_us < b.p99_us; });
    const Choice &best = by_p99[0], &next = by_p99[1];
    row.runner_up = next.label;
    const std::vector<double> a = p99_values(best, runs), b = p99_values(next, runs);
    const RankComparison cmp = compare_lower(a, b);
    row.confidence_p_value = cmp.p_value;
    row.confidence = confidence_word(cmp.p_value);
    char text[400];
    if (row.confidence != "high") {
        const char *why = a.size() < 2 || b.size() < 2        ? "have too few repetitions to rank"
                          : cmp.p_value <= kMediumConfidenceP ? "do not overlap, but on too few repetitions for high"
                                                              : "overlap";
        std::snprintf(text, sizeof text, "uncertain (%s, p = %.2f over %zu and %zu runs): %s and %s %s; run %s",
                      row.confidence.c_str(), cmp.p_value, a.size(), b.size(), best.label.c_str(), next.label.c_str(),
                      why, advise_command(row).c_str());
        row.note = text;
    } else if (!row.notes.empty()) {
        row.note = row.notes.front();
    }
}

void finish_row(DecisionRow &row, const std::vector<Choice> &all) {
    row.candidates = all.size();
    row.lowest_p99 = best_by(
        all, [](const Choice &c) { return c.p99_us; }, "p99", row.notes);
    row.lowest_cpu = best_by(
        all, [](const Choice &c) { return c.cpu_us_per_op; }, "CPU", row.notes);
    row.pareto = pareto_of(all);
    std::set<std::string> placements;
    for (const Choice &c : all) placements.insert(c.placement);
    if (placements.size() > 1) {
        std::string list;
        for (const std::string &p : placements) list += (list.empty() ? "" : ", ") + p;
        row.notes.push_back("candidates ran in different placements (" + list + "): compare with care");
    }
}

// Open loop: the load ladder's and the spin section's runs, one row per offered rate and size.
void load_rows(const std::vector<RunResult> &runs, std::vector<DecisionRow> &rows) {
    std::map<std::pair<double, std::string>, std::vector<Choice>> by_rate;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const RunResult &r = runs[i];
        const RunConfig &c = r.config;
        if ((c.section != Section::load && c.section != Section::spin) || c.rate_percent > 0 || !r.ok() ||
            !r.load.open || r.superseded)
            continue;
        auto &choices = by_rate[{std::round(c.rate), c.size.text}];
        if (r.load.saturated) continue;
        choices.push_back({.label = c.design_label(),
                           .p50_us = r.latency->p50,
                           .p99_us = r.latency->p99,
                           .cpu_us_per_op = r.mechanism_cpu_us_per_op(),
                           .runs = {i},
                           .placement = r.placement(),
                           .send_lag_p99_us = r.load.send_lag ? r.load.send_lag->p99 : 0});
    }
    for (auto &[key, choices] : by_rate) {
        DecisionRow row{.rate = key.first, .size = key.second, .section = Section::load};
        finish_row(row, choices);
        if (choices.empty()) row.notes.push_back("no design carried this rate");
        for (const std::optional<Choice> *c : {&row.lowest_p99, &row.lowest_cpu})
            if (*c && (*c)->send_lag_p99_us > kLateSendShare * (*c)->p99_us) {
                row.notes.push_back(
                    (*c)->label + ": its requests left late (send lag p99 " +
                    std::to_string(int((*c)->send_lag_p99_us)) +
                    " us): its p99 is partly the load generator's (a late wake-up, or its one thread busy "
                    "with a reply)");
                if (row.lowest_p99 && row.lowest_cpu && row.lowest_p99->label == row.lowest_cpu->label) break;
            }
        judge_row(row, choices, runs);
        rows.push_back(std::move(row));
    }
}

// Closed loop: the ping-pong configurations at each size of a section ("matrix": the ends on two
// CPUs; "placement": on one), medians over repetitions.
void closed_loop_rows(const std::vector<RunResult> &runs, const std::vector<Aggregate> &aggregates, Section section,
                      std::vector<DecisionRow> &rows) {
    // one row per size and placement class (the placement section runs same-cpu and, on a
    // machine that has them, the topology's classes: smt, cross-cache, ...)
    using Key = std::pair<std::string, std::string>;  // size, requested placement
    std::vector<Key> keys;
    std::map<Key, std::vector<std::pair<Choice, const Aggregate *>>> by_key;
    // by_key points into it
    const std::vector<Aggregate> matrix =
        section == Section::matrix ? matrix_aggregates(aggregates) : section_aggregates(aggregates, section);
    for (const Aggregate &a : matrix) {
        if (a.inflight != 1 || a.ok_runs == 0 || a.run_indices.empty()) continue;
        const Key key{a.size, placement_name(runs[a.run_indices[0]].config.placement)};
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
        Choice c{.label = a.variant.empty() ? a.mode : a.mode + "[" + a.variant + "]",
                 .p50_us = a.p50_us.median,
                 .p99_us = a.p99_us.median,
                 .cpu_us_per_op = a.cpu_us_per_op.median};
        std::set<std::string> placements;
        for (std::size_t i : a.run_indices) {
            c.runs.push_back(i);
            if (runs[i].ok()) placements.insert(runs[i].placement());
        }
        c.placement = placements.size() == 1 ? *placements.begin() : "mixed";
        by_key[key].push_back({c, &a});
    }
    for (const Key &key : keys) {
        std::vector<Choice> all;
        for (auto &[c, a] : by_key[key]) all.push_back(c);
        DecisionRow row{.rate = std::nullopt, .size = key.first, .section = section, .requested_placement = key.second};
        finish_row(row, all);
        for (auto &[c, a] : by_key[key]) {
            const bool chosen = (row.lowest_p99 && row.lowest_p99->label == c.label) ||
                                (row.lowest_cpu && row.lowest_cpu->label == c.label);
            if (chosen && a->disagree)
                row.notes.push_back(c.label + ": its repetitions disagree by more than " +
                                    std::to_string(int(kDisagreeThreshold * 100)) + "%");
        }
        judge_row(row, all, runs);
        rows.push_back(std::move(row));
    }
}

// The loop section: one row per IPC rate and neighbour load (see kNeighboursSlack).
void loop_decision_rows(const std::vector<RunResult> &runs, const std::vector<LoopRow> &loop,
                        std::vector<DecisionRow> &rows) {
    std::map<std::pair<double, std::string>, std::vector<const LoopRow *>> by_load;
    std::vector<std::pair<double, std::string>> order;
    for (const LoopRow &l : loop) {
        const std::pair<double, std::string> key{l.rate.value_or(0), l.neighbours};
        if (!by_load.count(key)) order.push_back(key);
        by_load[key].push_back(&l);
    }
    for (const auto &key : order) {
        DecisionRow row{.rate = key.first > 0 ? std::optional(key.first) : std::nullopt,
                        .section = Section::loop,
                        .neighbours = key.second};
        std::vector<Choice> carried;
        double best_neighbours = 0;
        for (const LoopRow *l : by_load[key]) {
            row.size = runs[l->runs[0]].config.size.text;
            if (l->ok_runs == 0 || l->neighbours_achieved < kNeighboursCarried * l->neighbours_offered) continue;
            Choice c{.label = l->design,
                     .p50_us = l->ipc_p50_us,
                     .p99_us = l->ipc_p99_us,
                     .cpu_us_per_op = l->ipc_cpu_us_per_op,
                     .runs = l->runs,
                     .neighbours_p99_us = l->neighbours_p99_us};
            std::set<std::string> placements;
            for (std::size_t i : l->runs)
                if (runs[i].ok()) placements.insert(runs[i].placement());
            c.placement = placements.size() == 1 ? *placements.begin() : "mixed";
            if (best_neighbours == 0 || c.neighbours_p99_us < best_neighbours) best_neighbours = c.neighbours_p99_us;
            carried.push_back(c);
        }
        std::vector<Choice> fair;
        for (const Choice &c : carried)
            if (c.neighbours_p99_us <= kNeighboursSlack * best_neighbours) fair.push_back(c);
            else
                row.notes.push_back(c.label + " left out: the neighbours' p99 " +
                                    std::to_string(int(c.neighbours_p99_us)) + " us is over " +
                                    std::to_string(int(kNeighboursSlack)) + " x the best design's");
        finish_row(row, fair);
        if (carried.empty()) row.notes.push_back("no design carried the neighbours at this load");
        judge_row(row, fair, runs);
        rows.push_back(std::move(row));
    }
}

}  // namespace

std::vector<DecisionRow> decide(const std::vector<RunResult> &runs, const std::vector<Aggregate> &aggregates,
                                const std::vector<LoopRow> &loop) {
    std::vector<DecisionRow> rows;
    load_rows(runs, rows);
    loop_decision_rows(runs, loop, rows);
    closed_loop_rows(runs, aggregates, Section::matrix, rows);
    closed_loop_rows(runs, aggregates, Section::placement, rows);
    return rows;
}

}  // namespace ipcb
