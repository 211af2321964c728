// The advice's statistics (core/rank_test.hpp) and its rounds (advise/advise.hpp), driven by a fake
// runner whose figures are chosen per mode and round: who is chosen, who is dropped and when, how
// sure it says it is, and that noisy runs with a gap inside their own movement decide nothing.
#include <doctest/doctest.h>

#include <map>
#include <vector>

#include "advise/advise.hpp"
#include "core/rank_test.hpp"

using namespace ipcb;

TEST_CASE("rank test: exact p-values of separated and mixed samples, the normal approximation beyond 20") {
    const RankComparison separated = compare_lower({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
    CHECK(separated.superiority == 1.0);
    CHECK(separated.p_value == doctest::Approx(1.0 / 252));  // one arrangement of C(10, 5)
    CHECK(compare_lower({1, 2, 3}, {4, 5, 6}).p_value == doctest::Approx(1.0 / 20));
    CHECK(compare_lower({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5}).p_value == doctest::Approx(1.0));  // the wrong way round
    const RankComparison mixed = compare_lower({1, 4, 5, 8}, {2, 3, 6, 7});
    CHECK(mixed.superiority == doctest::Approx(0.5));
    CHECK(mixed.p_value > 0.4);
    CHECK(compare_lower({}, {1, 2}).p_value == 1.0);
    std::vector<double> low, high;
    for (int i = 0; i < 25; ++i) low.push_back(i), high.push_back(100 + i);
    CHECK(compare_lower(low, high).p_value < 1e-6);
    CHECK(confidence_word(0.004) == "high");
    CHECK(confidence_word(0.05) == "medium");
    CHECK(confidence_word(0.167) == "low");
    CHECK(confidence_word(0.5) == "undecided");
}

TEST_CASE("median interval: order statistics that cover the median with at least 90%") {
    const MedianInterval five = median_interval({5, 1, 4, 2, 3});
    CHECK(five.median == 3);
    CHECK(five.low == 1);
    CHECK(five.high == 5);
    CHECK(five.coverage == doctest::Approx(1 - 2.0 / 32));
    const MedianInterval ten = median_interval({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    CHECK(ten.median == 5.5);
    CHECK(ten.low == 2);
    CHECK(ten.high == 9);
    CHECK(ten.coverage == doctest::Approx(1 - 2.0 * 11 / 1024));
}

namespace {

// A fake run of `c`: ok, with p99 (and p50, CPU) = figures[mode][round], noisy when asked.
struct FakeHost {
    std::map<std::string, std::vector<double>> p99;
    std::map<std::string, bool> fails, noisy;
    int runs = 0;
    std::vector<RunResult> operator()(const RunConfig &c) {
        ++runs;
        RunResult r;
        r.config = c;
        if (fails[c.mode]) {
            r.error = "broken";
            return {r};
        }
        const std::vector<double> &v = p99.at(c.mode);
        const double x = v[std::size_t(c.repetition) % v.size()];
        r.status = RunStatus::ok;
        r.latency = LatencyStats{};
        r.latency->p99 = x;
        r.latency->p50 = x / 2;
        r.cpu_us_per_op = x / 10;
        r.noise.noisy = noisy[c.mode];
        return {r};
    }
};

AdviseRequest request(std::vector<std::string> modes, double budget_s = 1e9) {
    AdviseRequest req;
    req.workload.size = parse_size_spec("4K");
    req.workload.spin_ns = 0;
    req.modes = std::move(modes);
    req.budget_s = budget_s;
    return req;
}

const Candidate *find(const Advice &a, const std::string &label) {
    for (const Candidate &c : a.candidates)
        if (c.label == label) return &c;
    return nullptr;
}

}  // namespace

TEST_CASE(
    "advise: a clear leader is chosen with high confidence after five rounds; a far-behind candidate is dropped") {
    FakeHost host;
    host.p99 = {{"lfshm-spin", {5, 6, 5.5, 4.8, 5.2}}, {"uds", {50, 55, 48, 60, 52}}, {"pipe", {500, 520}}};
    std::vector<RunResult> runs;
    const Advice a =
        advise(request({"uds", "lfshm-spin", "pipe"}), HostProbe{}, runs, std::ref(host), [] { return false; });
    REQUIRE(a.choice >= 0);
    CHECK(a.candidates[std::size_t(a.choice)].label == "lfshm-spin");
    CHECK(a.candidates[std::size_t(a.runner_up)].label == "uds");
    CHECK(a.confidence == "high");
    CHECK(a.stop_reason == "confident");
    CHECK(a.rounds == 5);
    const Candidate *pipe = find(a, "pipe");
    REQUIRE(pipe);
    CHECK(pipe->dropped_in_round == 2);  // its best (500) is over 1.5x the leader's worst after two rounds
    CHECK(pipe->values.size() == 2);
    CHECK(host.runs == 2 * 5 + 2);
    CHECK(runs.size() == std::size_t(host.runs));
    CHECK(a.other_best == a.choice);  // the cheapest in CPU too (CPU = p99 / 10 here)
}

TEST_CASE("advise: a spinning mode is two candidates, spin 0 and its default budget; unsupported ones are listed") {
    std::vector<NotCandidate> not_candidates;
    AdviseRequest req = request({"lfshm", "uds-sync"});
    req.workload.neighbours = parse_neighbour_spec("8@1000");
    const std::vector<Candidate> c = advise_candidates(req, not_candidates);
    // lfshm with neighbours: spin 0 and default, each with poll and helper; uds-sync cannot join a loop
    CHECK(c.size() == 4);
    REQUIRE(not_candidates.size() == 1);
    CHECK(not_candidates[0].label.rfind("uds-sync", 0) == 0);
    CHECK(not_candidates[0].reason.find("loop") != std::string::npos);
}

TEST_CASE("advise: overlapping candidates leave it undecided when the budget ends; a failed candidate is dropped") {
    FakeHost host;
    host.p99 = {{"uds", {10, 14, 11, 13, 12}}, {"pipe", {11, 13, 10, 14, 12.5}}, {"tcp", {1}}};
    host.fails["tcp"] = true;
    std::vector<RunResult> runs;
    AdviseRequest req = request({"uds", "pipe", "tcp"});
    int rounds_seen = 0;
    const Advice a = advise(
        req, HostProbe{}, runs, std::ref(host), [&] { return rounds_seen >= 8; },
        [&](const Advice &) { ++rounds_seen; });
    CHECK(a.stop_reason == "interrupted");
    CHECK((a.confidence == "undecided" || a.confidence == "low"));
    CHECK_FALSE(a.confidence_note.empty());
    const Candidate *tcp = find(a, "tcp");
    REQUIRE(tcp);
    CHECK(tcp->dropped_in_round == 1);
    CHECK(tcp->dropped_why.find("broken") != std::string::npos);
}

TEST_CASE("advise: on noisy runs a separation inside their own movement decides nothing") {
    FakeHost host;
    host.p99 = {{"uds", {10, 20, 12, 15, 18}}, {"pipe", {21, 25, 22, 30, 24}}};
    host.noisy = {{"uds", true}, {"pipe", true}};
    std::vector<RunResult> runs;
    int rounds_seen = 0;
    const Advice a = advise(
        request({"uds", "pipe"}), HostProbe{}, runs, std::ref(host), [&] { return rounds_seen >= 5; },
        [&](const Advice &) { ++rounds_seen; });
    CHECK(a.versus_runner_up.p_value == doctest::Approx(1.0 / 252));  // the ranks alone would say high
    CHECK(a.confidence == "undecided");
    CHECK(a.confidence_note.find("too noisy") != std::string::npos);
    // the same figures on quiet runs: high
    host.noisy.clear();
    runs.clear();
    rounds_seen = 0;
    const Advice quiet = advise(
        request({"uds", "pipe"}), HostProbe{}, runs, std::ref(host), [&] { return rounds_seen >= 5; },
        [&](const Advice &) { ++rounds_seen; });
    CHECK(quiet.confidence == "high");
}
