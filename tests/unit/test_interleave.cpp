// The interleaved group (interleave/group.hpp) and the interleaved advice (advise.hpp), driven by
// fake members whose figures are chosen per label and round: one member active at a time, the
// seeded order, dropped slices out of the statistics, a member that fails mid-advice, the paired
// ranking and the A/A rule that never calls a difference inside the twin's noise.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "advise/advise.hpp"
#include "interleave/paired.hpp"

using namespace ipcb;

namespace {

// What the fakes share: who is running now, and the order slices ran in.
struct Stage {
    int active = 0, most_active = 0;
    std::vector<std::string> log;
    // The group's round, as the fakes see it: a label seen again starts the next one (a twin
    // joins after the first round: its first slice starts the second if nothing else did).
    int round = 1;
    std::set<std::string> seen;
    void note(const std::string &label, bool first_of_twin) {
        if (seen.count(label) || (first_of_twin && round == 1)) ++round, seen.clear();
        seen.insert(label);
    }
    // p50 (and p99, CPU: the same) of `label` in round `round` (1-based): the default is 10.
    std::function<double(const std::string &, int)> figure = [](const std::string &, int) { return 10.0; };
    std::map<std::string, int> fail_in_round, drop_in_round;
    int finished = 0;
};

class FakeMember final : public SliceSource {
public:
    FakeMember(Stage &stage, std::string label) : stage_(stage), label_(std::move(label)) {}
    SliceSample run_slice() override {
        ++round_;
        stage_.note(label_, round_ == 1 && label_.find("#twin") != std::string::npos);
        ++stage_.active;
        stage_.most_active = std::max(stage_.most_active, stage_.active);
        stage_.log.push_back(label_);
        struct Leave {
            Stage &s;
            ~Leave() { --s.active; }
        } leave{stage_};
        if (stage_.fail_in_round.count(label_) && stage_.fail_in_round[label_] == round_)
            throw Error(label_ + " crashed");
        SliceSample s;
        s.ops = 1000;
        s.p50_us = s.p99_us = s.cpu_us_per_op = stage_.figure(label_, stage_.round);
        if (stage_.drop_in_round.count(label_) && stage_.drop_in_round[label_] == round_)
            s.dropped = "steal 40% of the slice";
        return s;
    }
    std::optional<RunResult> finish() override {
        ++stage_.finished;
        if (label_ == "floor") return std::nullopt;
        RunResult r;
        r.config.mode = label_;
        r.status = RunStatus::ok;
        r.interleaved = InterleavedReport{.slices = std::uint64_t(round_)};
        return r;
    }

private:
    Stage &stage_;
    std::string label_;
    int round_ = 0;
};

// An advice over fakes, with the round figures `stage.figure` gives (keyed by label).
Advice fake_advice(Stage &stage, const std::vector<std::string> &modes, double budget = 30, std::uint64_t seed = 7) {
    AdviseRequest req;
    req.workload.server_cpu = 0, req.workload.client_cpu = 1;
    req.workload.size = parse_size_spec("4K");
    req.modes = modes;
    req.budget_s = budget;
    req.seed = seed;
    req.objective = Objective::p50;
    std::vector<RunResult> runs;
    HostProbe probe;
    auto hold = [&](const RunConfig &c, MemberKind kind) -> std::unique_ptr<SliceSource> {
        return std::make_unique<FakeMember>(stage, kind == MemberKind::floor ? "floor" : c.label());
    };
    return advise_interleaved(req, probe, runs, hold, [] { return false; });
}

// A deterministic "noise": a different factor per round, the same for every member of a round
// (the host's level), times a small per-label wobble.
double host_level(int round) { return 1 + 0.9 * std::fabs(std::sin(round * 1.7)); }
double wobble(const std::string &label, int round) {
    return 1 + 0.02 * std::sin(round * 2.3 + double(std::hash<std::string>{}(label) % 97));
}

}  // namespace

TEST_CASE("interleaved group: one member at a time, every member once per round, a seeded order") {
    Stage stage;
    InterleavedGroup g(42);
    for (const char *l : {"a", "b", "c", "floor"}) g.add(l, MemberKind::design, std::make_unique<FakeMember>(stage, l));
    for (int i = 0; i < 6; ++i) REQUIRE(g.run_round([] { return false; }));
    CHECK(stage.most_active == 1);
    REQUIRE(stage.log.size() == 24);
    std::set<std::vector<std::string>> orders;
    for (int r = 0; r < 6; ++r) {
        std::vector<std::string> round(stage.log.begin() + 4 * r, stage.log.begin() + 4 * r + 4);
        CHECK(std::set<std::string>(round.begin(), round.end()).size() == 4);
        orders.insert(round);
    }
    CHECK(orders.size() > 1);  // a fresh order per round

    Stage again;
    InterleavedGroup h(42);
    for (const char *l : {"a", "b", "c", "floor"}) h.add(l, MemberKind::design, std::make_unique<FakeMember>(again, l));
    for (int i = 0; i < 6; ++i) h.run_round([] { return false; });
    CHECK(again.log == stage.log);  // the same seed, the same orders
}

TEST_CASE("interleaved group: a dropped slice is counted and missing from the paired figures") {
    Stage stage;
    stage.drop_in_round["a"] = 2;
    InterleavedGroup g(1);
    g.add("a", MemberKind::design, std::make_unique<FakeMember>(stage, "a"));
    g.add("b", MemberKind::design, std::make_unique<FakeMember>(stage, "b"));
    for (int i = 0; i < 3; ++i) g.run_round([] { return false; });
    CHECK(g.slices_dropped == 1);
    const std::vector<double> a = g.members[0].figures(Objective::p50);
    REQUIRE(a.size() == 3);
    CHECK(std::isnan(a[1]));
    CHECK(g.members[0].kept(Objective::p50).size() == 2);
    CHECK(compare_paired(g.members[1].figures(Objective::p50), a).pairs == 2);
    CHECK(g.rows.size() == 6);
}

TEST_CASE("interleaved advice: a 20% gap on a host whose level moves 2x is called, paired") {
    Stage stage;
    stage.figure = [](const std::string &l, int r) {
        return (l == "uds" ? 12.0 : 10.0) * host_level(r) * wobble(l, r);
    };
    const Advice a = fake_advice(stage, {"uds", "pipe"});
    CHECK(stage.most_active == 1);
    REQUIRE(a.choice >= 0);
    CHECK(a.candidates[std::size_t(a.choice)].label == "pipe");
    CHECK(a.confidence == "high");
    CHECK(a.stop_reason == "confident");
    REQUIRE(a.aa);
    CHECK(a.aa->candidate == "pipe#twin");
    CHECK(a.aa_band < 1.1);
    REQUIRE(a.pairs.size() == 1);
    CHECK(a.pairs[0].cmp.ratio.median == doctest::Approx(1.2).epsilon(0.05));
    // Unpaired, the two designs' figures overlap: the host moved them more than they differ.
    const auto &x = a.candidates[0].values, &y = a.candidates[1].values;
    CHECK(*std::max_element(x.begin(), x.end()) > *std::min_element(y.begin(), y.end()));
    CHECK(a.method == "interleaved");
    CHECK(a.samples.size() >= std::size_t(3 * a.rounds));  // two designs and the floor, then the twin
    CHECK(stage.finished == 4);                            // both designs, the twin and the floor
}

TEST_CASE("interleaved advice: a design named twice is an A/A test and is never called") {
    Stage stage;
    stage.figure = [](const std::string &l, int r) { return 10.0 * host_level(r) * wobble(l, r); };
    const Advice a = fake_advice(stage, {"uds", "uds"}, 20);
    REQUIRE(a.candidates.size() == 2);
    CHECK(a.candidates[1].label == "uds#2");
    CHECK(a.confidence != "high");
    CHECK(a.confidence != "medium");
    CHECK(a.stop_reason != "confident");
}

TEST_CASE("paired ranking: a median inside the A/A band is undecided, an interval reaching it at most low") {
    // The twin moves +-8% against its design round by round; the runner-up is 5% above the
    // leader in every round: the signed-rank test alone would say high.
    Stage stage;
    stage.figure = [](const std::string &l, int r) {
        const double base = host_level(r);
        if (l == "b") return 1.05 * base;
        if (l == "a#twin") return base * (r % 2 ? 1.08 : 0.92);
        return base;
    };
    InterleavedGroup g(3);
    g.add("a", MemberKind::design, std::make_unique<FakeMember>(stage, "a"));
    g.add("b", MemberKind::design, std::make_unique<FakeMember>(stage, "b"));
    g.add("a#twin", MemberKind::twin, std::make_unique<FakeMember>(stage, "a#twin"));
    g.members.back().twin_of = 0;
    for (int i = 0; i < 12; ++i) g.run_round([] { return false; });
    const PairedRanking r = rank_paired(g, Objective::p50);
    CHECK(r.leader == 0);
    CHECK(r.runner_up == 1);
    CHECK(r.pair_of(1)->cmp.p_value < 0.001);
    CHECK(r.band == doctest::Approx(1 / 0.92).epsilon(0.01));
    CHECK(r.confidence == "undecided");
    CHECK(r.note.find("inside the A/A noise") != std::string::npos);
}

TEST_CASE("interleaved advice: a member that fails mid-advice is dropped with its cause, the others go on") {
    Stage stage;
    stage.fail_in_round["pipe"] = 3;
    stage.figure = [](const std::string &l, int r) {
        return (l == "uds" ? 20.0 : l == "pipe" ? 10.0 : 15.0) * host_level(r);
    };
    const Advice a = fake_advice(stage, {"uds", "pipe", "tcp"});
    const Candidate *pipe = nullptr;
    for (const Candidate &c : a.candidates)
        if (c.label == "pipe") pipe = &c;
    REQUIRE(pipe);
    CHECK(pipe->dropped_in_round == 3);
    CHECK(pipe->dropped_why.find("pipe crashed") != std::string::npos);
    REQUIRE(a.choice >= 0);
    CHECK(a.candidates[std::size_t(a.choice)].label == "tcp");
    CHECK(a.rounds > 3);
}
