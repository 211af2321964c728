#include <doctest/doctest.h>

#include "run/results/run_axes.hpp"
#include "uring/uring.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cli/sweep_options.hpp"
#include "report/report.hpp"
#include "run/results/finalize.hpp"
#include "sweep/aggregate.hpp"
#include "sweep/placement_pairs.hpp"
#include "uring/uring.hpp"

using namespace ipcb;
using json = nlohmann::json;

namespace {

// A synthetic ok run: every figure derives from (p50, ops) so aggregates are hand-checkable.
RunResult fake_run(const std::string &mode, const std::string &size, int rep, double p50_us, double ops_per_sec,
                   std::uint64_t spin_ns = 0) {
    RunResult r;
    r.config.mode = mode;
    r.config.size = parse_size_spec(size);
    r.config.repetition = rep;
    r.config.spin_ns = spin_ns;
    r.status = RunStatus::ok;
    RoleReport c, s;
    c.role = "client", s.role = "server";
    c.operations = s.operations = 1000;
    c.verified_messages = 1000;
    c.wall_s = 1000.0 / ops_per_sec;
    c.user_s = 0.001, s.sys_s = 0.001;
    c.payload_bytes = 2 * 1000 * r.config.size.max;
    r.client = c;
    r.server = s;
    r.samples_ns.assign(1000, std::uint32_t(p50_us * 1000));
    finalize_result(r);
    return r;
}

// The same run with its own floor: `line_us` places it, `floor_us` is its plain handoff.
RunResult with_floor(RunResult r, double line_us, double floor_us) {
    r.floor_before =
        FloorReading{.bytes = r.config.size.max, .round_trips = 100, .p50_us = floor_us, .line_p50_us = line_us};
    r.floor_after = r.floor_before;
    return r;
}

std::string slurp(const std::string &path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("aggregates: median and spread over repetitions, disagreement flag") {
    std::vector<RunResult> runs = {
        fake_run("uds", "4K", 0, 20, 50000), fake_run("lfshm", "4K", 0, 2, 400000, 50000),
        fake_run("uds", "4K", 1, 22, 45000), fake_run("lfshm", "4K", 1, 4, 200000, 50000),
        fake_run("uds", "4K", 2, 21, 47000), fake_run("lfshm", "4K", 2, 2.2, 390000, 50000),
    };
    auto aggs = aggregate_runs(runs);
    REQUIRE(aggs.size() == 2);
    CHECK(aggs[0].mode == "uds");  // registry order, whatever the run order
    CHECK(aggs[0].runs == 3);
    CHECK(aggs[0].p50_us.median == doctest::Approx(21));
    CHECK(aggs[0].p50_us.min == doctest::Approx(20));
    CHECK(aggs[0].p50_us.max == doctest::Approx(22));
    CHECK(aggs[0].ops_per_sec.median == doctest::Approx(47000));
    CHECK_FALSE(aggs[0].disagree);  // (22-20)/21 < 25%
    CHECK(aggs[1].key == "lfshm/spin=50us/size:4096");
    CHECK(aggs[1].p50_us.median == doctest::Approx(2.2));
    CHECK(aggs[1].disagree);  // (4-2)/2.2 > 25%
}

TEST_CASE("aggregates count failed repetitions but take figures only from ok ones") {
    std::vector<RunResult> runs = {fake_run("uds", "128K", 0, 50, 18000), fake_run("uds", "128K", 1, 60, 17000)};
    RunResult failed;
    failed.config = runs[0].config;
    failed.config.repetition = 2;
    failed.error = "client was killed by signal 9 (SIGKILL)";
    runs.push_back(failed);
    auto aggs = aggregate_runs(runs);
    REQUIRE(aggs.size() == 1);
    CHECK(aggs[0].runs == 3);
    CHECK(aggs[0].ok_runs == 2);
    CHECK(aggs[0].p50_us.median == doctest::Approx(55));
}

TEST_CASE("io_uring overhead pairs each mode with its baseline at the same size and spin") {
    std::vector<RunResult> runs = {fake_run("uds", "4K", 0, 20, 50000), fake_run("uds-sync", "4K", 0, 16, 60000),
                                   fake_run("lfshm-uring", "4K", 0, 25, 40000, 0),
                                   fake_run("lfshm", "4K", 0, 20, 50000, 0),
                                   fake_run("lfshm", "4K", 0, 2, 400000, 50000)};
    auto rows = uring_overhead(aggregate_runs(runs));
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].pair == "uds vs uds-sync");
    CHECK(rows[0].p50_ratio() == doctest::Approx(1.25));
    CHECK(rows[1].pair == "lfshm-uring vs lfshm");
    CHECK(rows[1].variant == "spin=0us");
    CHECK(rows[1].p50_ratio() == doctest::Approx(1.25));  // matched with spin=0, not spin=50us
}

TEST_CASE("placement: from the line probe, and changed when before and after disagree") {
    CHECK(placement_class(0.05) == "shared-core");
    CHECK(placement_class(kSharedCoreLineUs) == "separate-cores");
    CHECK(placement_class(0.45) == "separate-cores");
    CHECK(placement_class(kTimeSharedLineUs + 1) == "time-shared");
    const FloorReading apart{.bytes = 4096, .round_trips = 1, .p50_us = 1.2, .line_p50_us = 0.4};
    FloorReading together = apart;
    together.p50_us = 0.47, together.line_p50_us = 0.06;
    CHECK(placement_of(apart, apart) == "separate-cores");
    CHECK(placement_of(together, together) == "shared-core");
    CHECK(placement_of(apart, together) == "changed");
    FloorReading slower = apart;
    slower.p50_us = apart.p50_us * (kChangedFloorRatio + 0.1);  // same class, but the floor moved
    CHECK(placement_of(apart, slower) == "changed");
    RunResult r = with_floor(fake_run("lfshm", "4K", 0, 2.4, 400000), 0.4, 1.2);
    CHECK(r.placement() == "separate-cores");
    CHECK(r.p50_over_floor() == doctest::Approx(2.0));
    RunResult none = fake_run("lfshm", "4K", 0, 2.4, 400000);
    CHECK(none.placement() == "unmeasured");
    CHECK(none.p50_over_floor() == 0);
    // the one-CPU floor: same-cpu whatever its line probe, changed when the floor moved
    FloorReading one_cpu{.bytes = 4096, .round_trips = 1, .p50_us = 2.6, .line_p50_us = 2.5, .same_cpu = true};
    CHECK(placement_of(one_cpu, one_cpu) == "same-cpu");
    FloorReading moved = one_cpu;
    moved.p50_us = one_cpu.p50_us * (kChangedFloorRatio + 0.1);
    CHECK(placement_of(one_cpu, moved) == "changed");
    CHECK(placement_of(one_cpu, apart) == "changed");
}

TEST_CASE("placement pairs: each same-cpu configuration beside its two-CPU twin") {
    std::vector<RunResult> runs;
    for (int rep = 0; rep < 2; ++rep) {
        runs.push_back(fake_run("uds", "4K", 0, 15.0 + rep, 60000));
        runs.back().config.section = Section::matrix;
        RunResult one = fake_run("uds", "4K", 0, 4.0 + rep, 200000);
        one.config.section = Section::placement;
        one.config.placement = Placement::same_cpu;
        runs.push_back(one);
    }
    RunResult lonely = fake_run("shm", "4K", 0, 11.0, 80000);  // no two-CPU twin: no pair
    lonely.config.section = Section::placement;
    lonely.config.placement = Placement::same_cpu;
    runs.push_back(lonely);
    const std::vector<PlacementPair> pairs = placement_pairs(aggregate_runs(runs));
    REQUIRE(pairs.size() == 1);
    CHECK(pairs[0].mode == "uds");
    CHECK(pairs[0].variant.empty());
    CHECK(pairs[0].separate.p50_us.median == doctest::Approx(15.5));
    CHECK(pairs[0].same_cpu.p50_us.median == doctest::Approx(4.5));
    CHECK(pairs[0].p50_ratio() == doctest::Approx(4.5 / 15.5));
}

TEST_CASE("aggregates count placements and split medians by placement when they differ") {
    // Two repetitions together on one core (fast), two apart (slow): they disagree, each pair agrees.
    const std::vector<RunResult> runs = {with_floor(fake_run("lfshm", "4K", 0, 0.7, 900000), 0.06, 0.47),
                                         with_floor(fake_run("lfshm", "4K", 1, 0.72, 900000), 0.06, 0.48),
                                         with_floor(fake_run("lfshm", "4K", 2, 1.9, 500000), 0.4, 1.15),
                                         with_floor(fake_run("lfshm", "4K", 3, 1.95, 500000), 0.4, 1.2)};
    auto aggs = aggregate_runs(runs);
    REQUIRE(aggs.size() == 1);
    const Aggregate &a = aggs[0];
    CHECK(a.placements == std::map<std::string, int>{{"separate-cores", 2}, {"shared-core", 2}});
    REQUIRE(a.by_placement.size() == 2);
    CHECK(a.by_placement.at("shared-core").p50_us.median == doctest::Approx(0.71));
    CHECK(a.by_placement.at("separate-cores").p50_us.median == doctest::Approx(1.925));
    CHECK(a.disagree);
    CHECK(a.placement_explains);
    CHECK(a.p50_over_floor.median > 1.4);
    json j = aggregates_json(aggs)[0];
    CHECK(j["placements"]["shared-core"] == 2);
    CHECK(j["placement_explains_disagreement"] == true);
    CHECK(j["by_placement"]["separate-cores"]["ok_runs"] == 2);

    // One placement: counted, no split, and a disagreement it cannot explain.
    auto same = aggregate_runs({with_floor(fake_run("uds", "4K", 0, 15, 60000), 0.4, 1.2),
                                with_floor(fake_run("uds", "4K", 1, 30, 30000), 0.4, 1.2)});
    CHECK(same[0].placements == std::map<std::string, int>{{"separate-cores", 2}});
    CHECK(same[0].by_placement.empty());
    CHECK(same[0].disagree);
    CHECK_FALSE(same[0].placement_explains);
    const std::string md = summary_markdown(Report{}, aggs);
    CHECK(md.find("## Configurations measured on more than one placement") != std::string::npos);
    CHECK(md.find("separate-cores 2, shared-core 2 |") != std::string::npos);
}

TEST_CASE("Google Benchmark export matches the golden file") {
    Report rep;
    rep.environment.kernel = "Linux 6.18.0 x86_64";
    rep.environment.hostname = "golden";
    rep.environment.cpu_model = "Test CPU";
    rep.environment.cpus_online = 2;
    rep.environment.governor = "unknown";
    rep.environment.git_commit = "abc";
    rep.environment.timestamp = "2026-01-01T00:00:00Z";
    rep.runs = {fake_run("uds", "4K", 0, 20, 50000), fake_run("uds", "4K", 1, 22, 45000)};
    json got = gbench_json(rep, aggregate_runs(rep.runs));
    const std::string golden_path = std::string(IPCB_TEST_DATA) + "/benchmark_golden.json";
    if (std::getenv("IPCB_UPDATE_GOLDEN")) {
        // Rewriting the file and then comparing with it would pass whatever was written.
        std::ofstream(golden_path) << got.dump(1) << "\n";
        FAIL("IPCB_UPDATE_GOLDEN: rewrote " << golden_path << "; review the diff, then run again without it");
    }
    json want = json::parse(slurp(golden_path));
    CHECK(got == want);
    // The shape compare.py and dashboards rely on.
    for (auto &b : got["benchmarks"])
        for (auto key :
             {"name", "run_name", "run_type", "repetitions", "iterations", "real_time", "cpu_time", "time_unit"})
            CHECK_MESSAGE(b.contains(key), key);
}

TEST_CASE("summary: every fixed-size ping-pong against the warmed handoff floor, or why it was not measured") {
    Report report;
    report.runs = {fake_run("uds", "4K", 0, 20, 50000), fake_run("lfshm", "4K", 0, 2.4, 400000, 50000),
                   fake_run("uds", "typical", 0, 15, 60000)};
    const auto aggs = aggregate_runs(report.runs);
    report.sweep = SweepResult{};
    report.sweep->floors = {HandoffFloor{.bytes = 4096,
                                         .round_trips = 1000,
                                         .plain_p50_us = 2.5,
                                         .plain_p99_us = 3.0,
                                         .warmed_p50_us = 2.0,
                                         .warmed_p99_us = 2.8}};
    std::string md = summary_markdown(report, aggs);
    CHECK(md.find("## Against the shared-memory handoff floor") != std::string::npos);
    CHECK(md.find("| 4096 | 2.50 | 3.00 | 2.00 | 2.80 | 1000 |") != std::string::npos);
    INFO(md);
    CHECK(md.find("| uds | - | 4096 | 20.00 | 10.00 |") != std::string::npos);
    CHECK(md.find("| lfshm | spin=50us | 4096 | 2.40 | 1.20 |") != std::string::npos);
    CHECK(md.find("| uds | - | typical | 15.00 |") == std::string::npos);  // a size mix has no floor

    report.sweep->floors.clear();
    report.sweep->floors_skipped = "client and server share a CPU";
    md = summary_markdown(report, aggs);
    CHECK(md.find("Not measured: client and server share a CPU.") != std::string::npos);
}

TEST_CASE("sweep matrix: defaults, JSON override, command-line override, seeded shuffle") {
    SweepMatrix m = default_matrix(false);
    CHECK(m.sizes.size() == 6);
    CHECK(m.repetitions == 3);
    apply_matrix_json(m, R"({"modes": ["uds", "lfshm"], "sizes": ["4K"], "repetitions": 2, "spin_us": [0, 20],
                             "inflight": [{"k": 16, "sizes": ["4K"]}], "uring": ["none", "multishot"],
                             "uring_sizes": ["64"], "socket": ["dgram"], "socket_sizes": ["128K"],
                             "same_cpu_sizes": ["4K"]})");
    Options o;
    o.seed = 9;
    auto order = sweep_runs(m, o);
    // uds: 4K x 2 reps + inflight16 x 2 reps + 2 knob sets at 64 B x 2 reps + dgram at 128 KiB x 2
    // reps; lfshm (takes no knobs or socket types): 2 spins x (1 + 1 sizes) x 2 reps; the placement
    // section: each at 4K on one CPU x 2 reps (lfshm at spin 0 only)
    CHECK(order.size() == 4 + 2 + 4 + 8 + 4);
    CHECK(std::count_if(order.begin(), order.end(), [](const RunConfig &c) {
              return c.section == Section::placement && c.placement == Placement::same_cpu &&
                     c.client_cpu == c.server_cpu && c.spin_ns == 0 && c.size.max == 4096;
          }) == 4);
    CHECK(std::count_if(order.begin(), order.end(),
                        [](const RunConfig &c) { return c.variant() == "socket=dgram" && c.size.max == 131072; }) == 2);
    CHECK(std::count_if(order.begin(), order.end(), [](const RunConfig &c) {
              return c.variant() == "uring=multishot" && c.size.text == "64";
          }) == 2);
    auto again = sweep_runs(m, o);
    for (std::size_t i = 0; i < order.size(); ++i) CHECK(config_key(order[i]) == config_key(again[i]));
    o.seed = 10;
    auto other = sweep_runs(m, o);
    bool differs = false;
    for (std::size_t i = 0; i < order.size(); ++i)
        differs |= config_key(order[i]) != config_key(other[i]) || order[i].repetition != other[i].repetition;
    CHECK(differs);
    for (const char *bad :
         {"[1]", "{\"colour\": 1}", "{\"modes\": [\"nosuch\"]}", "{\"sizes\": [\"0\"]}", "{\"repetitions\": 0}",
          "{\"repetitions\": \"three\"}", "{\"duration_s\": -1}", "{\"inflight\": [{\"k\": 99, \"sizes\": [\"4K\"]}]}",
          "{\"modes\": []}", "not json", "{\"uring\": [\"bogus\"]}"}) {
        CAPTURE(bad);
        SweepMatrix mm = default_matrix(true);
        CHECK_THROWS_AS(apply_matrix_json(mm, bad), UsageError);
    }
}

TEST_CASE("a configuration this machine cannot run is shown as unsupported, not failed") {
    RunResult r;
    r.config.mode = "uds";
    r.config.size = parse_size_spec("4K");
    r.config.uring_knobs = kSqpoll;
    r.status = RunStatus::unsupported;
    r.error = "sqpoll needs 4 CPUs";
    const auto aggs = aggregate_runs({r, r});
    REQUIRE(aggs.size() == 1);
    CHECK(aggs[0].unsupported_runs == 2);
    CHECK(aggs[0].ok_runs == 0);
    const std::string md = summary_markdown(Report{}, aggs);
    CHECK(md.find("| uds | uring=sqpoll | 4096 | 0/2 | unsupported here |") != std::string::npos);
}

TEST_CASE("the run axes: every axis has a row; variants, typed values and comparisons come from them") {
    for (Axis a : {Axis::spin, Axis::uring, Axis::socket, Axis::inflight, Axis::rate, Axis::max_inflight, Axis::clients,
                   Axis::placement, Axis::memory_node, Axis::neighbours, Axis::integration})
        CHECK(axis_spec(a).axis == a);
    RunConfig c;
    c.mode = "lfshm";
    c.spin_ns = 50000;
    CHECK(c.variant() == "spin=50us");
    c.placement = Placement::same_cpu;
    c.inflight = 16;
    c.clients = 4;
    CHECK(c.variant() == "spin=50us,inflight=16,clients=4,same-cpu");
    c.rate = 5000;
    CHECK(c.variant() == "spin=50us,inflight=16,rate=5000/s,clients=4,same-cpu");
    CHECK(c.design_label() == "lfshm[spin=50us,inflight=16,clients=4,same-cpu]");
    const nlohmann::json axes = axes_json(c);
    CHECK(axes["spin_us"] == 50.0);
    CHECK(axes["placement"] == "same-cpu");
    CHECK(axes["socket"].is_null());  // lfshm takes no socket type
    CHECK(axes["rate"]["per_s"] == 5000.0);
    RunConfig uds;
    uds.mode = "uds";
    uds.socket = SocketType::stream;
    uds.uring_knobs = kMultishot;
    CHECK(uds.variant() == "uring=multishot,socket=stream");
    RunConfig sync = uds;
    sync.mode = "uds-sync";
    sync.uring_knobs.reset();
    CHECK(same_axes(uds, sync));  // uds-sync takes no knobs: that axis does not count
    sync.socket = SocketType::dgram;
    CHECK_FALSE(same_axes(uds, sync));
    RunConfig one = uds;
    one.put_on_one_cpu();
    CHECK_FALSE(same_axes(uds, one));
    CHECK(same_axes(uds, one, {Axis::placement}));
    RunConfig open = uds;
    open.rate = 1000;
    CHECK_FALSE(same_axes(uds, open));  // an offered load against a closed loop
    // The memory node: a design axis of the shared-memory modes only.
    RunConfig bound = c;
    bound.memory_node = 0;
    CHECK(axes["memory_node"] == "first-touch");
    CHECK(axes_json(bound)["memory_node"] == 0);
    CHECK(bound.variant() == "spin=50us,inflight=16,rate=5000/s,clients=4,same-cpu,memory-node=0");
    CHECK_FALSE(same_axes(c, bound));
    CHECK(same_axes(c, bound, {Axis::memory_node}));
    CHECK(axes_json(uds)["memory_node"].is_null());
    RunConfig uds_bound = uds;
    uds_bound.memory_node = 0;
    CHECK(uds_bound.variant() == uds.variant());  // no shared memory: --memory-node means nothing there
    CHECK(same_axes(uds, uds_bound));
}
