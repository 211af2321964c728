#include "advise/advise.hpp"

#include <algorithm>
#include <numeric>
#include <random>

#include "core/sys.hpp"
#include "modes/mode.hpp"
#include "run/parent/orchestrator.hpp"

namespace ipcb {
namespace {

double median_of(std::vector<double> v) { return median_interval(std::move(v)).median; }

// The variants a mode is a candidate in: a spinning one with no spin and with its default budget
// (on one CPU only without: a spin there only delays the peer); an lfshm ring's server in a loop
// with neighbours once per integration.
std::vector<RunConfig> variants_of(const Mode &m, const RunConfig &base, bool max_inflight_given) {
    RunConfig c = base;
    c.mode = m.name;
    c.spin_ns = 0;
    if (!max_inflight_given) c.max_inflight = m.default_max_inflight(base.max_inflight);
    std::vector<RunConfig> out{c};
    if (m.spins && base.placement != Placement::same_cpu) {
        out.push_back(c);
        out.back().spin_ns = m.spin_budget();
    }
    if (m.loop_join == LoopJoin::integration && !base.neighbours.none()) {
        std::vector<RunConfig> crossed;
        for (const RunConfig &v : out)
            for (LoopIntegration i : {LoopIntegration::poll, LoopIntegration::helper}) {
                crossed.push_back(v);
                crossed.back().integration = i;
            }
        out = std::move(crossed);
    }
    return out;
}

// Drops what cannot win: failed runs, an open loop it could not carry, and candidates clearly
// behind the leader (advise.hpp).
void drop_behind(Advice &a) {
    if (a.choice < 0) return;
    const Candidate &leader = a.candidates[std::size_t(a.choice)];
    const double leader_worst = *std::max_element(leader.values.begin(), leader.values.end());
    for (int i = 0; i < int(a.candidates.size()); ++i) {
        Candidate &c = a.candidates[std::size_t(i)];
        if (!c.active() || i == a.choice || i == a.runner_up || c.values.empty()) continue;
        const RankComparison cmp = compare_lower(leader.values, c.values);
        const double best = *std::min_element(c.values.begin(), c.values.end());
        char why[200];
        if (cmp.p_value <= kDropP) {
            std::snprintf(why, sizeof why, "behind %s (rank test p = %.3f over %zu and %zu runs)", leader.label.c_str(),
                          cmp.p_value, leader.values.size(), c.values.size());
        } else if (c.values.size() >= 2 && leader.values.size() >= 2 && best > kDropGap * leader_worst) {
            std::snprintf(why, sizeof why, "behind %s: its best run %.3g is %.1fx the leader's worst",
                          leader.label.c_str(), best, best / leader_worst);
        } else {
            continue;
        }
        c.dropped_in_round = a.rounds;
        c.dropped_why = why;
    }
}

void judge_confidence(Advice &a) {
    a.confidence_note.clear();
    if (a.choice < 0) {
        a.confidence = "undecided";
        a.confidence_note = "no candidate ran";
        return;
    }
    if (a.runner_up < 0) {
        a.confidence = "undecided";
        a.confidence_note = "one candidate: nothing to rank it against";
        return;
    }
    const Candidate &c = a.candidates[std::size_t(a.choice)], &r = a.candidates[std::size_t(a.runner_up)];
    a.versus_runner_up = compare_lower(c.values, r.values);
    a.confidence = confidence_word(a.versus_runner_up.p_value);
    if (c.noisy_kept + r.noisy_kept > 0 && a.confidence != "undecided") {
        // On noisy runs the rank test is not enough: the gap must clear how far their runs moved.
        auto moved = [](const std::vector<double> &v) {
            const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
            return *lo > 0 ? *hi / *lo : 1.0;
        };
        const double noise = std::max(moved(c.values), moved(r.values));
        if (a.gap() <= noise) {
            char text[300];
            std::snprintf(text, sizeof text,
                          "the host was too noisy to decide between %s and %s: %d of their kept runs were noisy and "
                          "their runs moved %.2fx, more than the %.0f%% between them",
                          c.label.c_str(), r.label.c_str(), c.noisy_kept + r.noisy_kept, noise, 100 * (a.gap() - 1));
            a.confidence = "undecided";
            a.confidence_note = text;
            return;
        }
    }
    if (a.confidence != "high") {
        char text[300];
        std::snprintf(text, sizeof text, "%s and %s: rank test p = %.3f over %zu and %zu runs (high needs p <= %.2f)",
                      c.label.c_str(), r.label.c_str(), a.versus_runner_up.p_value, c.values.size(), r.values.size(),
                      kHighConfidenceP);
        a.confidence_note = text;
    }
}

}  // namespace

double objective_value(Objective o, const RunResult &r) {
    switch (o) {
    case Objective::p99: return r.latency->p99;
    case Objective::p50: return r.latency->p50;
    case Objective::cpu: return r.mechanism_cpu_us_per_op();
    }
    return 0;
}

double Advice::gap() const {
    if (choice < 0 || runner_up < 0) return 0;
    const double c = median_of(candidates[std::size_t(choice)].values);
    return c > 0 ? median_of(candidates[std::size_t(runner_up)].values) / c : 0;
}

std::vector<Candidate> advise_candidates(const AdviseRequest &request, std::vector<NotCandidate> &not_candidates) {
    // Every mode, or those asked in their order; a mode named twice is a second candidate of the
    // same design (its label ends in #2): `--mode uds,uds` is an A/A test.
    std::vector<const Mode *> modes;
    if (request.modes.empty()) modes = all_modes();
    for (const std::string &name : request.modes)
        if (const Mode *m = find_mode(name)) modes.push_back(m);
    std::vector<Candidate> out;
    for (std::size_t k = 0; k < modes.size(); ++k) {
        const int earlier = int(std::count(modes.begin(), modes.begin() + long(k), modes[k]));
        for (RunConfig &c : variants_of(*modes[k], request.workload, request.max_inflight_given)) {
            if (earlier > 0) c.instance = std::to_string(earlier + 1);
            if (const std::string why = run_unsupported(c); !why.empty()) {
                not_candidates.push_back({c.label(), why});
                continue;
            }
            out.push_back({.config = c, .label = c.label()});
        }
    }
    return out;
}

void rank_candidates(Advice &a) {
    std::vector<int> order;
    for (int i = 0; i < int(a.candidates.size()); ++i)
        if (a.candidates[std::size_t(i)].active() && !a.candidates[std::size_t(i)].values.empty()) order.push_back(i);
    std::vector<double> medians(a.candidates.size());
    for (int i : order) medians[std::size_t(i)] = median_of(a.candidates[std::size_t(i)].values);
    std::stable_sort(order.begin(), order.end(),
                     [&](int x, int y) { return medians[std::size_t(x)] < medians[std::size_t(y)]; });
    a.choice = order.empty() ? -1 : order[0];
    a.runner_up = order.size() < 2 ? -1 : order[1];
    drop_behind(a);
    judge_confidence(a);
    pick_other_best(a);
}

std::string stop_before_round(const Advice &a, std::size_t active, int max_rounds, double elapsed_s,
                              double estimate_s) {
    if (active == 0) return a.candidates.empty() ? "no candidate" : "every candidate dropped";
    if (a.rounds > 0 && active == 1) return "one candidate left";
    if (a.rounds > 0 && a.confidence == "high") return "confident";
    if (a.rounds >= max_rounds) return "rounds";
    if (a.rounds > 0 && elapsed_s + estimate_s > a.budget_s) return "budget";
    return "";
}

void pick_other_best(Advice &a) {
    a.other_best = -1;
    double best = 0;
    for (int i = 0; i < int(a.candidates.size()); ++i) {
        const Candidate &c = a.candidates[std::size_t(i)];
        const std::vector<double> &other = a.objective == Objective::cpu ? c.p99_us : c.cpu_us;
        if (other.empty()) continue;
        const double m = median_of(other);
        // A CPU figure at or below zero is an accounting artefact (an open-loop fan-in client's
        // pacing counted beyond its CPU time), never the cheapest design.
        if (m <= 0) continue;
        if (a.other_best < 0 || m < best) a.other_best = i, best = m;
    }
}

Advice advise(const AdviseRequest &request, const HostProbe &probe, std::vector<RunResult> &runs,
              const AdviseRunner &run, const std::function<bool()> &interrupted,
              const std::function<void(const Advice &)> &after_round) {
    Advice a;
    a.objective = request.objective;
    a.budget_s = request.budget_s;
    a.probe = probe;
    a.candidates = advise_candidates(request, a.not_candidates);
    const std::uint64_t start = now_ns();
    auto elapsed = [&] { return probe.seconds + double(now_ns() - start) * 1e-9; };
    std::mt19937_64 rng(request.seed);
    for (;;) {
        std::vector<std::size_t> active;
        for (std::size_t i = 0; i < a.candidates.size(); ++i)
            if (a.candidates[i].active()) active.push_back(i);
        double estimate = 0;
        for (std::size_t i : active) estimate += a.candidates[i].last_run_s;
        a.stop_reason = stop_before_round(a, active.size(), kAdviseMaxRounds, elapsed(), estimate);
        if (!a.stop_reason.empty()) break;
        if (interrupted()) {
            a.stop_reason = "interrupted";
            break;
        }
        std::shuffle(active.begin(), active.end(), rng);
        ++a.rounds;
        for (std::size_t i : active) {
            if (interrupted()) break;
            Candidate &c = a.candidates[i];
            RunConfig config = c.config;
            config.repetition = a.rounds - 1;
            const std::uint64_t t0 = now_ns();
            std::vector<RunResult> attempts = run(config);
            c.last_run_s = double(now_ns() - t0) * 1e-9 / double(std::max<std::size_t>(1, attempts.size()));
            a.attempts += int(attempts.size());
            a.repeated += int(attempts.size()) - 1;
            for (RunResult &r : attempts) runs.push_back(std::move(r));
            const RunResult &kept = runs.back();
            c.runs.push_back(runs.size() - 1);
            if (!kept.ok()) {
                c.dropped_in_round = a.rounds;
                c.dropped_why = (kept.status == RunStatus::unsupported ? "unsupported: " : "failed: ") + kept.error;
                continue;
            }
            if (kept.load.open && kept.load.saturated) {
                c.dropped_in_round = a.rounds;
                c.dropped_why = "could not carry the offered rate (saturated)";
                continue;
            }
            c.values.push_back(objective_value(request.objective, kept));
            c.p50_us.push_back(kept.latency->p50);
            c.p99_us.push_back(kept.latency->p99);
            c.cpu_us.push_back(kept.mechanism_cpu_us_per_op());
            if (kept.noise.noisy) ++c.noisy_kept, ++a.noisy_kept;
        }
        rank_candidates(a);
        a.elapsed_s = elapsed();
        if (after_round) after_round(a);
    }
    a.elapsed_s = elapsed();
    return a;
}

}  // namespace ipcb
