// The decision table (sweep/decision.hpp) and sections that never mix, on synthetic runs whose
// figures are set by hand.
#include <doctest/doctest.h>

#include "sweep/aggregate.hpp"
#include "sweep/decision.hpp"

using namespace ipcb;

namespace {

// An ok open-loop run of `section` at `rate` with the given p99 and mechanism CPU per request.
RunResult load_run(const std::string &mode, double rate, double p99_us, double cpu_us, bool saturated = false,
                   Section section = Section::load) {
    RunResult r;
    r.status = RunStatus::ok;
    r.config.mode = mode;
    r.config.section = section;
    r.config.size = parse_size_spec("4K");
    r.config.rate = rate;
    r.latency = LatencyStats{};
    r.latency->p50 = p99_us / 2, r.latency->p99 = p99_us;
    r.load.open = true;
    r.load.saturated = saturated;
    r.load.pacing_us_per_op = 5;
    r.cpu_us_per_op = cpu_us + 5;  // mechanism = total - pacing
    RoleReport side;
    side.operations = side.verified_messages = 1000;
    side.wall_s = 1;
    r.client = r.server = side;
    return r;
}

const Choice &find(const std::vector<Choice> &v, const std::string &label) {
    for (const Choice &c : v)
        if (c.label == label) return c;
    FAIL("no " << label);
    return v.front();
}

}  // namespace

TEST_CASE("decision: lowest p99, lowest CPU and the Pareto set per rate; saturated runs are no candidates") {
    const std::vector<RunResult> runs = {
        load_run("uds", 1000, 100, 20),
        load_run("lfshm-spin", 1000, 10, 900),
        load_run("lfshm", 1000, 50, 30),
        load_run("shm", 1000, 120, 25),  // dominated by uds
        load_run("uds", 100000, 90, 18, true),
        load_run("lfshm-spin", 100000, 9, 12),
        load_run("uds-sync", 100000, 95, 50, true),
    };
    const std::vector<DecisionRow> rows = decide(runs, aggregate_runs(runs));
    REQUIRE(rows.size() == 2);
    const DecisionRow &low = rows[0], &high = rows[1];
    CHECK(*low.rate == 1000);
    CHECK(low.size == "4096");
    CHECK(low.candidates == 4);
    CHECK(low.lowest_p99->label == "lfshm-spin");
    CHECK(low.lowest_cpu->label == "uds");
    CHECK(low.lowest_cpu->cpu_us_per_op == doctest::Approx(20));  // the mechanism's, pacing excluded
    REQUIRE(low.pareto.size() == 3);                              // shm: uds beats it on both
    CHECK(low.pareto[0].label == "lfshm-spin");
    CHECK(find(low.pareto, "lfshm[spin=0us]").p99_us == 50);  // the design: mode and spin budget
    CHECK(*high.rate == 100000);
    CHECK(high.candidates == 1);  // uds and uds-sync saturated
    CHECK(high.lowest_p99->label == "lfshm-spin");
    CHECK(high.lowest_cpu->label == "lfshm-spin");
}

TEST_CASE("decision: a close call and mixed placements are noted as uncertain") {
    const std::vector<RunResult> runs = {load_run("uds", 1000, 100, 20), load_run("uds-sync", 1000, 105, 40)};
    const std::vector<DecisionRow> rows = decide(runs, aggregate_runs(runs));
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].notes.size() == 1);
    CHECK(rows[0].notes[0].find("uds-sync is within 10% of uds") != std::string::npos);
}

TEST_CASE("decision: a choice whose requests left late says its p99 is partly the load generator's") {
    std::vector<RunResult> runs = {load_run("uds", 1000, 100, 20), load_run("uds-sync", 1000, 300, 40)};
    runs[0].load.send_lag = LatencyStats{};
    runs[0].load.send_lag->p99 = 80;  // 80 of its 100 us p99: the client woke late
    const std::vector<DecisionRow> rows = decide(runs, aggregate_runs(runs));
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].notes.size() == 1);  // uds is both choices: said once
    CHECK(rows[0].notes[0] ==
          "uds: its requests left late (send lag p99 80 us): its p99 is partly the load generator's (a "
          "late wake-up, or its one thread busy with a reply)");
}

TEST_CASE("aggregates never mix sections: the same configuration in two sections is two aggregates") {
    std::vector<RunResult> runs = {load_run("uds", 1000, 100, 20, false, Section::load),
                                   load_run("uds", 1000, 90, 20, false, Section::spin)};
    const std::vector<Aggregate> aggs = aggregate_runs(runs);
    REQUIRE(aggs.size() == 2);
    CHECK(aggs[0].section != aggs[1].section);
    CHECK(aggs[0].key == aggs[1].key);
    CHECK(section_aggregates(aggs, Section::load).size() == 1);
    CHECK(matrix_aggregates(aggs).empty());
}

namespace {

// An ok closed-loop matrix repetition of `mode` with the given p99.
RunResult matrix_run(const std::string &mode, double p99_us, int repetition) {
    RunResult r = load_run(mode, 0, p99_us, 10, false, Section::matrix);
    r.config.rate = 0;
    r.load.open = false;
    r.load.pacing_us_per_op = 0;
    r.cpu_us_per_op = 10;
    r.config.repetition = repetition;
    return r;
}

}  // namespace

TEST_CASE("decision: each row's confidence by the rank test over repetitions, one note, 'single' alone") {
    std::vector<RunResult> runs;
    for (int rep = 0; rep < 3; ++rep) {  // three repetitions that do not overlap: p = 1/20, medium
        runs.push_back(matrix_run("lfshm-spin", 5 + rep, rep));
        runs.push_back(matrix_run("uds", 50 + rep, rep));
    }
    std::vector<DecisionRow> rows = decide(runs, aggregate_runs(runs));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].lowest_p99->label == "lfshm-spin");
    CHECK(rows[0].runner_up == "uds");
    CHECK(rows[0].confidence == "medium");
    CHECK(rows[0].confidence_p_value == doctest::Approx(0.05));
    CHECK(rows[0].note.find("run --advise --size 4096") != std::string::npos);
    CHECK(rows[0].note.find('\n') == std::string::npos);
    // a superseded (noisy, repeated) attempt is in no figure: here it would have won
    runs.push_back(matrix_run("uds", 1, 3));
    runs.back().superseded = true;
    rows = decide(runs, aggregate_runs(runs));
    CHECK(rows[0].lowest_p99->label == "lfshm-spin");
    // one candidate: no winner, it says so
    const std::vector<RunResult> alone = {matrix_run("uds", 50, 0), matrix_run("uds", 51, 1)};
    rows = decide(alone, aggregate_runs(alone));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].confidence == "single");
    CHECK(rows[0].note.find("one candidate") != std::string::npos);
}
