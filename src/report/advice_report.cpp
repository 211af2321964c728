// --advise's reporters: report.json's `advice` and `host_probe` sections, and the advice in words
// with a short table for the console (and summary.md / report.html, which open with it).
#include <algorithm>
#include <cstdio>

#include "report/report.hpp"

namespace ipcb {
namespace {

using json = nlohmann::json;

// Sized to the text (a fixed buffer cut the probe's rule and the advice's stop sentence short).
std::string fmt(const char *format, double v) {
    std::string text(std::size_t(std::snprintf(nullptr, 0, format, v)), '\0');
    std::snprintf(text.data(), text.size() + 1, format, v);
    return text;
}

// "12.3 us" or "4.1 us/request" at a sensible precision.
std::string figure(double v) { return v >= 100 ? fmt("%.0f", v) : v >= 10 ? fmt("%.1f", v) : fmt("%.2f", v); }

const char *unit_of(Objective o) { return o == Objective::cpu ? "us CPU/request" : "us"; }

json spread_json(const std::vector<double> &v) {
    if (v.empty()) return nullptr;
    const MedianInterval m = median_interval(v);
    return {{"median", m.median}, {"low", m.low}, {"high", m.high}, {"coverage", m.coverage}, {"values", v}};
}

std::string interval_text(const std::vector<double> &v, const char *unit) {
    const MedianInterval m = median_interval(v);
    return figure(m.median) + " " + unit + " (" + figure(m.low) + "-" + figure(m.high) + ", " +
           fmt("%.0f", 100 * m.coverage) + "% interval of the median)";
}

std::string times(double ratio) { return ratio >= 10 ? fmt("%.0fx", ratio) : fmt("%.2fx", ratio); }

std::string with_figures(const Advice &a, const Candidate &c) {
    std::string text =
        c.label + ": " + objective_name(a.objective) + " " + interval_text(c.values, unit_of(a.objective));
    if (a.objective != Objective::p99 && !c.p99_us.empty())
        text += ", p99 " + figure(median_interval(c.p99_us).median) + " us";
    if (a.objective != Objective::p50 && !c.p50_us.empty())
        text += ", p50 " + figure(median_interval(c.p50_us).median) + " us";
    if (a.objective != Objective::cpu && !c.cpu_us.empty())
        text += ", CPU " + figure(median_interval(c.cpu_us).median) + " us/request";
    return text;
}

json interval_json(const MedianInterval &m) { return json::array({m.low, m.high}); }

json pair_json(const AdvicePair &p) {
    return {{"candidate", p.candidate},
            {"against", p.against},
            {"ratio_median", p.cmp.ratio.median},
            {"interval", interval_json(p.cmp.ratio)},
            {"coverage", p.cmp.ratio.coverage},
            {"p", p.cmp.p_value},
            {"rounds", p.cmp.pairs}};
}

json slice_json(const SliceRow &row) {
    const SliceSample &s = row.sample;
    return {{"round", row.round},
            {"candidate", row.label},
            {"kind", member_kind_name(row.kind)},
            {"ops", s.ops},
            {"wall_ms", s.wall_ms},
            {"p50_us", s.p50_us},
            {"p99_us", s.p99_us},
            {"cpu_us_per_request", row.kind == MemberKind::floor ? json(nullptr) : json(s.cpu_us_per_op)},
            {"steal_fraction", s.steal_fraction},
            {"involuntary_switches", s.involuntary_switches},
            {"dropped", s.kept() ? json(nullptr) : json(s.dropped)}};
}

std::string rule_text(const Advice &a) {
    if (a.method == "interleaved")
        return fmt("every candidate held at once and run in slices of %.0f ms, one at a time, in a fresh random order "
                   "per round, beside the floor and an A/A twin of the first round's leader (of the leader again if "
                   "that design is dropped); per round each "
                   "candidate's "
                   "figure over the leader's; ",
                   a.slice_ms) +
               fmt("a candidate is dropped when the one-sided signed-rank test puts it behind the leader with p <= "
                   "%.2f (its median ratio outside the A/A band)",
                   kDropP) +
               fmt(" or its ratio's interval starts over %.1fx", kDropGap) +
               fmt("; confidence of the choice over the runner-up: high p <= %.2f", kHighConfidenceP) +
               fmt(", medium <= %.2f", kMediumConfidenceP) + fmt(", low <= %.2f, else undecided", kLowConfidenceP) +
               "; a median ratio inside the A/A band is never called, an interval reaching into it is at most low";
    return fmt("rounds of every remaining candidate in a fresh random order; a candidate is dropped when the one-sided "
               "Mann-Whitney rank test puts it behind the leader with p <= %.2f",
               kDropP) +
           fmt(" or its best run is over %.1fx the leader's worst after two rounds", kDropGap) +
           fmt("; confidence of the choice over the runner-up: high p <= %.2f", kHighConfidenceP) +
           fmt(", medium <= %.2f", kMediumConfidenceP) + fmt(", low <= %.2f, else undecided", kLowConfidenceP);
}

// The candidate's p50 over the floor, paired per round (its kept run's), or nullopt.
const MedianInterval *floor_ratio_of(const Candidate &c, const std::vector<RunResult> &runs) {
    if (c.runs.empty() || c.runs.back() >= runs.size()) return nullptr;
    const RunResult &r = runs[c.runs.back()];
    return r.interleaved && r.interleaved->floor_ratio ? &*r.interleaved->floor_ratio : nullptr;
}

std::string paired_text(const Advice &a) {
    std::string out;
    for (const AdvicePair &p : a.pairs)
        out += "  paired: " + p.candidate + " / " + p.against + " = " + times(p.cmp.ratio.median) + " [" +
               fmt("%.3f", p.cmp.ratio.low) + ", " + fmt("%.3f", p.cmp.ratio.high) + "] over " +
               std::to_string(p.cmp.pairs) + " rounds, signed-rank p = " + fmt("%.4f", p.cmp.p_value) + "\n";
    if (a.aa)
        out += "  A/A: " + a.aa->candidate + " / " + a.aa->against + " = " + fmt("%.3f", a.aa->cmp.ratio.median) +
               " [" + fmt("%.3f", a.aa->cmp.ratio.low) + ", " + fmt("%.3f", a.aa->cmp.ratio.high) + "] over " +
               std::to_string(a.aa->cmp.pairs) + " rounds" +
               (a.aa_band > 0 ? ": differences within x" + fmt("%.3f", a.aa_band) + " are noise here" : std::string()) +
               "\n";
    out += fmt("  slices: %.0f ms each, ", a.slice_ms) + std::to_string(a.samples.size()) + " run, " +
           std::to_string(a.slices_dropped) + " dropped (host stalls)\n";
    return out;
}

}  // namespace

std::string workload_text(const RunConfig &w) {
    std::string text = w.size.text + " B messages, ";
    text += w.open_loop() ? fmt("%.0f requests/s offered (open loop)", w.rate)
                          : (w.inflight == 1 ? std::string("closed-loop ping-pong")
                                             : "closed loop, " + std::to_string(w.inflight) + " in flight");
    if (w.clients > 1) text += ", " + std::to_string(w.clients) + " clients into one server";
    text += std::string(", ") + (w.placement == Placement::same_cpu ? "both ends on one CPU" : "ends on two CPUs");
    if (!w.neighbours.none()) text += ", neighbours " + w.neighbours.text();
    return text;
}

json host_probe_json(const HostProbe &p) {
    if (!p.ran) return {{"ran", false}, {"error", p.error}};
    return {
        {"ran", true},
        {"seconds", p.seconds},
        {"sleeping_pingpong_p50_us", p.batch_p50_us},
        {"spread", p.spread},
        {"steal_fraction", p.steal_fraction},
        {"line_round_trip_us", p.floor_line_us},
        {"placement", p.placement},
        {"noisy", p.noisy},
        {"verdict", p.verdict},
        {"rule", fmt("noisy when the hypervisor steals over %.0f%% of the probe's CPU time", 100 * kProbeNoisySteal) +
                     fmt(" or the batches' p50 move over %.2fx", kProbeNoisySpread)}};
}

json advice_json(const Advice &a, const std::vector<RunResult> &runs) {
    json candidates = json::array();
    for (const Candidate &c : a.candidates) {
        json attempts = json::array();
        for (std::size_t i : c.runs) attempts.push_back(i);
        candidates.push_back({{"label", c.label},
                              {"mode", c.config.mode},
                              {"variant", c.config.variant()},
                              {"runs", attempts},
                              {"objective", spread_json(c.values)},
                              {"p50_us", spread_json(c.p50_us)},
                              {"p99_us", spread_json(c.p99_us)},
                              {"cpu_us_per_request", spread_json(c.cpu_us)},
                              {"noisy_kept", c.noisy_kept},
                              {"dropped_in_round", c.dropped_in_round ? json(c.dropped_in_round) : json(nullptr)},
                              {"dropped_why", c.dropped_why.empty() ? json(nullptr) : json(c.dropped_why)}});
    }
    json not_candidates = json::array();
    for (const NotCandidate &n : a.not_candidates) not_candidates.push_back({{"label", n.label}, {"reason", n.reason}});
    auto label = [&](int i) { return i < 0 ? json(nullptr) : json(a.candidates[std::size_t(i)].label); };
    std::size_t superseded = 0;
    for (const RunResult &r : runs) superseded += r.superseded;
    json pairs = json::array(), samples = json::array();
    for (const AdvicePair &p : a.pairs) pairs.push_back(pair_json(p));
    for (const SliceRow &row : a.samples) samples.push_back(slice_json(row));
    return {{"objective", objective_name(a.objective)},
            {"workload", a.workload},
            {"choice", label(a.choice)},
            {"runner_up", label(a.runner_up)},
            {"gap", a.runner_up >= 0 ? json(a.gap()) : json(nullptr)},
            {"confidence", a.confidence},
            {"confidence_p_value", a.versus_runner_up.p_value},
            {"superiority", a.versus_runner_up.superiority},
            {"confidence_note", a.confidence_note.empty() ? json(nullptr) : json(a.confidence_note)},
            {"other_objective",
             {{"objective", a.objective == Objective::cpu ? "p99" : "cpu"}, {"best", label(a.other_best)}}},
            {"rounds", a.rounds},
            {"stop_reason", a.stop_reason},
            {"budget_s", a.budget_s},
            {"elapsed_s", a.elapsed_s},
            {"attempts", a.attempts},
            {"repeated_for_noise", a.repeated},
            {"repeats_refused_by_budget", a.repeats_refused},
            {"noisy_runs_kept", a.noisy_kept},
            {"superseded_runs", superseded},
            {"candidates", candidates},
            {"not_candidates", not_candidates},
            {"rule", rule_text(a)},
            {"method", a.method},
            {"method_note", a.method_note.empty() ? json(nullptr) : json(a.method_note)},
            {"slice_ms", a.method == "interleaved" ? json(a.slice_ms) : json(nullptr)},
            {"slices_dropped", a.slices_dropped},
            {"aa", a.aa ? pair_json(*a.aa) : json(nullptr)},
            {"aa_band", a.aa_band > 0 ? json(a.aa_band) : json(nullptr)},
            {"pairs", pairs},
            {"samples", samples}};
}

std::string advice_text(const Advice &a, const std::vector<RunResult> &runs) {
    const bool interleaved = a.method == "interleaved";
    std::string out = "advice for " + a.workload + ", lowest " + objective_name(a.objective) + ":\n";
    if (a.choice < 0) {
        out +=
            "  no design could be advised: " + (a.confidence_note.empty() ? a.stop_reason : a.confidence_note) + "\n";
    } else {
        const Candidate &c = a.candidates[std::size_t(a.choice)];
        out += "  use " + with_figures(a, c) + "\n";
        if (a.runner_up >= 0) {
            const Candidate &r = a.candidates[std::size_t(a.runner_up)];
            out += "  runner-up " + with_figures(a, r) + "; " + times(a.gap()) + " the choice's " +
                   objective_name(a.objective) + "\n";
        }
        if (a.other_best >= 0 && a.other_best != a.choice) {
            const Candidate &o = a.candidates[std::size_t(a.other_best)];
            out += a.objective == Objective::cpu
                       ? "  lowest p99 instead: " + o.label + " (" + figure(median_interval(o.p99_us).median) + " us)\n"
                       : "  cheapest in CPU instead: " + o.label + " (" + figure(median_interval(o.cpu_us).median) +
                             " us CPU/request)\n";
        }
        out += "  confidence: " + a.confidence;
        if (a.runner_up >= 0)
            out += fmt(interleaved ? " (paired signed-rank p = %.4f" : " (rank test p = %.3f",
                       a.versus_runner_up.p_value) +
                   ")";
        out += "; " + std::to_string(a.rounds) + " rounds in " + fmt("%.0f s", a.elapsed_s) +
               " (stopped: " + a.stop_reason + ")";
        out += interleaved ? ", interleaved\n"
                           : ", " + std::to_string(a.attempts) + " runs, " + std::to_string(a.repeated) +
                                 " repeated for noise, " + std::to_string(a.noisy_kept) + " noisy kept\n";
        if (!a.confidence_note.empty()) out += "  why not higher: " + a.confidence_note + "\n";
    }
    if (interleaved) out += paired_text(a);
    if (!a.method_note.empty()) out += "  method: sequential: " + a.method_note + "\n";
    if (a.probe.ran) out += "  host: " + a.probe.verdict + "\n";
    else if (!a.probe.error.empty()) out += "  host: not probed (" + a.probe.error + ")\n";
    char line[256];
    std::snprintf(line, sizeof line, "  %-34s %6s %22s %9s %9s %9s %8s  %s\n", "design",
                  interleaved ? "slices" : "runs", objective_name(a.objective), "p50 us", "p99 us", "CPU/req",
                  "p50/flr", "status");
    out += line;
    std::vector<std::size_t> order(a.candidates.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto med = [](const std::vector<double> &v) { return v.empty() ? 0.0 : median_interval(v).median; };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const Candidate &cx = a.candidates[x], &cy = a.candidates[y];
        if (cx.values.empty() != cy.values.empty()) return cy.values.empty();
        return med(cx.values) < med(cy.values);
    });
    for (std::size_t i : order) {
        const Candidate &c = a.candidates[i];
        const MedianInterval m = median_interval(c.values);
        const std::string range =
            c.values.empty() ? "-" : figure(m.median) + " [" + figure(m.low) + "-" + figure(m.high) + "]";
        std::string status = int(i) == a.choice      ? "chosen"
                             : int(i) == a.runner_up ? "runner-up"
                             : c.active()            ? "in"
                                                     : "";
        if (!c.active()) status = "dropped in round " + std::to_string(c.dropped_in_round) + ": " + c.dropped_why;
        const MedianInterval *f = floor_ratio_of(c, runs);
        std::snprintf(line, sizeof line, "  %-34s %6zu %22s %9s %9s %9s %8s  ", c.label.c_str(), c.values.size(),
                      range.c_str(), c.p50_us.empty() ? "-" : figure(med(c.p50_us)).c_str(),
                      c.p99_us.empty() ? "-" : figure(med(c.p99_us)).c_str(),
                      c.cpu_us.empty() ? "-" : figure(med(c.cpu_us)).c_str(), f ? fmt("%.2f", f->median).c_str() : "-");
        out += line + status + "\n";
    }
    for (const NotCandidate &n : a.not_candidates) out += "  not a candidate: " + n.label + ": " + n.reason + "\n";
    return out;
}

}  // namespace ipcb
