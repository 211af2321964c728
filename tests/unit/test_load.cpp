// The load options and figures: rate and CPU lists, the stall fault, HdrHistogram text, merged
// clients and fairness, and the report's load fields.
#include <doctest/doctest.h>

#include "cli/load_options.hpp"
#include "core/hgrm.hpp"
#include "report/report.hpp"
#include "run/child/fault.hpp"
#include "run/results/finalize.hpp"
#include "sweep/load_sections.hpp"

using namespace ipcb;

TEST_CASE("--rate takes numbers and percents; bad rates are usage errors") {
    auto r = parse_rates("5000,2.5e4,50%");
    REQUIRE(r.size() == 3);
    CHECK(r[0].value == 5000);
    CHECK(!r[0].percent);
    CHECK(r[1].value == 25000);
    CHECK(r[2].value == 50);
    CHECK(r[2].percent);
    for (const char *bad : {"", "0", "-5", "abc", "5000,", "50%%", "2000%", "1e10", "nan", "inf"})
        CHECK_THROWS_AS(parse_rates(bad), UsageError);
}

TEST_CASE("--client-cpus takes CPUs this process may use; the default leaves the server's CPU out") {
    const std::vector<int> allowed{0, 1, 2, 3};
    CHECK(parse_cpu_list("1", "--client-cpus", allowed) == std::vector<int>{1});
    CHECK(parse_cpu_list("1-3,0", "--client-cpus", allowed) == std::vector<int>{1, 2, 3, 0});
    for (const char *bad : {"", "4", "3-1", "x", "1,"})
        CHECK_THROWS_AS(parse_cpu_list(bad, "--client-cpus", allowed), UsageError);
    CHECK(default_client_cpus(allowed, 0) == std::vector<int>{1, 2, 3});
    CHECK(default_client_cpus({0}, 0) == std::vector<int>{0});
}

TEST_CASE("the stall fault: stall=MS@OP parses, prints back, and is bounded") {
    const FaultPlan f = parse_fault("server:stall=20@2000");
    CHECK(f.kind == FaultKind::stall);
    CHECK(f.stall_ms == 20);
    CHECK(f.at_op == 2000);
    CHECK(f.text() == "server:stall=20@2000");
    for (const char *bad : {"server:stall@5", "server:stall=0@5", "server:stall=x@5", "server:stall=70000@5"})
        CHECK_THROWS_AS(parse_fault(bad), std::invalid_argument);
}

TEST_CASE("hgrm: HdrHistogram's percentile-distribution text, exact values, ending at the maximum") {
    std::vector<std::uint32_t> ns;
    for (std::uint32_t i = 1; i <= 1000; ++i) ns.push_back(i * 1000);  // 1..1000 us
    const std::string t = hgrm_text(ns);
    CHECK(t.find("Value     Percentile TotalCount 1/(1-Percentile)") != std::string::npos);
    CHECK(t.find("#[Mean    =      500.500, StdDeviation   =      288.675]") != std::string::npos);
    CHECK(t.find("#[Max     =     1000.000, Total count    =         1000]") != std::string::npos);
    CHECK(t.find("     500.000 0.500000000000        500           2.00") != std::string::npos);
    CHECK(t.find("    1000.000 1.000000000000       1000\n") != std::string::npos);
    CHECK(hgrm_text(std::span<const std::uint32_t>()).find("Total count    =            0") != std::string::npos);
}

TEST_CASE("fan-in: clients' reports merge into one; Jain's index and min/max over per-client operations") {
    RoleReport a, b;
    a.operations = 300, b.operations = 100;
    a.user_s = 1, b.user_s = 0.5;
    a.wall_s = 1, b.wall_s = 1.5;
    a.verified_messages = 300, b.verified_messages = 100;
    a.size_mean = 10, b.size_mean = 50;
    a.syscalls = {{"total", 5}}, b.syscalls = {{"total", 7}};
    b.max_inflight_waits = 2;
    const RoleReport m = merge_clients({a, b});
    CHECK(m.operations == 400);
    CHECK(m.user_s == 1.5);
    CHECK(m.wall_s == 1.5);
    CHECK(m.size_mean == doctest::Approx(20));
    CHECK(m.syscalls.at("total") == 12);
    CHECK(m.max_inflight_waits == 2);

    RunResult r;
    r.config.mode = "uds";
    r.config.clients = 2;
    r.server = RoleReport{};
    r.server->wall_s = 1;
    r.clients = {a, b};
    r.client_samples_ns = {std::vector<std::uint32_t>(300, 1000), std::vector<std::uint32_t>(100, 3000)};
    finalize_result(r);
    CHECK(r.fairness_jain == doctest::Approx(400.0 * 400 / (2 * (300.0 * 300 + 100 * 100))));
    CHECK(r.fairness_min_over_max == doctest::Approx(1.0 / 3));
    CHECK(r.ops_per_sec == doctest::Approx(300 + 100 / 1.5));
    CHECK(r.per_client.at(1).latency.p50 == 3);
    CHECK(r.latency->count == 400);
    CHECK(!r.load.open);
    CHECK(r.service_time->p50 == r.latency->p50);  // closed loop: the same samples
}

TEST_CASE("open loop: saturated when the rate was not carried or the backlog grew, not for a hiccup") {
    RoleReport c;
    c.operations = c.verified_messages = 900;
    c.wall_s = 1;
    c.pacing_s = 900 * 3e-6;  // 3 us of pacing CPU per request
    // latency = service + send lag; `lag(i)` is request i's lag in ns
    auto result = [&](double rate, std::uint64_t waits, auto lag) {
        RunResult r;
        r.config.mode = "uds";
        r.config.rate = rate;
        r.server = RoleReport{};
        c.max_inflight_waits = waits;
        r.clients = {c};
        r.client_samples_ns = {std::vector<std::uint32_t>(900)};
        r.service_ns = std::vector<std::uint32_t>(900, 4000);
        for (unsigned i = 0; i < 900; ++i) r.client_samples_ns[0][i] = 4000 + lag(i);
        finalize_result(r);
        return r;
    };
    auto steady = [](unsigned) { return 1000u; };
    auto hiccup = [](unsigned i) { return i >= 400 && i < 420 ? 3'000'000u : 1000u; };  // 20 requests 3 ms late
    auto growing = [](unsigned i) { return i * 10'000u; };                              // 0 .. 9 ms late
    CHECK(!result(900, 0, steady).load.saturated);
    CHECK(result(1000, 0, steady).load.saturated);  // carried 90% of the rate
    CHECK(!result(900, 9, steady).load.saturated);  // waits on 1% of requests: a hiccup
    CHECK(result(900, 10, steady).load.saturated);  // over 1%
    CHECK(!result(900, 0, hiccup).load.saturated);
    CHECK(!result(900, 0, hiccup).load.backlog_grew);
    const RunResult grew = result(900, 0, growing);
    CHECK(grew.load.backlog_grew);
    CHECK(grew.load.saturated);
    CHECK(grew.load.saturated_because == "the send lag grew over the run");
    const RunResult r = result(900, 0, steady);
    CHECK(r.service_time->p50 == 4);
    CHECK(r.load.send_lag->p50 == 1);  // us
    CHECK(r.load.pacing_us_per_op == doctest::Approx(3));
    const auto j = run_to_json([&] {
        RunResult x = r;
        x.status = RunStatus::ok;
        return x;
    }());
    CHECK(j["load"]["kind"] == "open");
    CHECK(j["load"]["offered_rate"] == 900);
    CHECK(j["service_time_us"]["p50"] == 4);
    CHECK(j["per_client"].size() == 1);
    CHECK(j["variant"] == "rate=900/s");
    CHECK(j["load"]["send_lag_us"]["p50"] == 1);
    CHECK(j["cpu"]["client_pacing_us_per_op"] == doctest::Approx(3));
    CHECK(j["cpu"]["mechanism_us_per_op"] == doctest::Approx(j["cpu"]["cpu_us_per_op"].get<double>() - 3));
}
