#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "core/sys.hpp"
#include "report/report.hpp"
#include "run/results/finalize.hpp"

using namespace ipcb;
using json = nlohmann::json;

namespace {
RunResult ok_run() {
    RunResult r;
    r.config.mode = "uds";
    r.config.size = parse_size_spec("4K");
    r.config.server_cpu = 0;
    r.config.client_cpu = 1;
    RoleReport c, s;
    c.role = "client", s.role = "server";
    c.operations = s.operations = 4;
    c.verified_messages = s.verified_messages = 4;
    c.payload_bytes = 4 * 2 * 4096;
    c.wall_s = 2.0;
    c.user_s = 0.5, c.sys_s = 0.5, s.user_s = 0.25, s.sys_s = 0.25;
    c.size_min = c.size_max = 4096, c.size_mean = 4096;
    r.client = c;
    r.server = s;
    r.samples_ns = {1000, 2000, 3000, 4000};
    finalize_result(r);
    r.status = RunStatus::ok;
    return r;
}
}  // namespace

TEST_CASE("derived figures") {
    RunResult r = ok_run();
    CHECK(r.ops_per_sec == doctest::Approx(2.0));
    CHECK(r.throughput_mib_s == doctest::Approx(4 * 2 * 4096 / 2.0 / 1048576.0));
    CHECK(r.client_cpu_percent == doctest::Approx(50));
    CHECK(r.server_cpu_percent == doctest::Approx(25));
    CHECK(r.cpu_us_per_op == doctest::Approx(1.5e6 / 4));
    CHECK(r.latency->p50 == doctest::Approx(2.0));
    CHECK(r.samples_ns.empty());
}

TEST_CASE("finalize rejects unverified or inconsistent runs") {
    RunResult r = ok_run();
    r.client->verified_messages = 3;
    r.samples_ns = {1, 2, 3, 4};
    CHECK_THROWS_AS(finalize_result(r), Error);
    r = ok_run();
    r.samples_ns = {1, 2, 3};
    CHECK_THROWS_AS(finalize_result(r), Error);
}

TEST_CASE("JSON shape of an ok run and a failed run") {
    Report rep;
    rep.environment.kernel = "Linux test";
    rep.runs.push_back(ok_run());
    RunResult failed;
    failed.config.mode = "uds";
    failed.config.size = parse_size_spec("128K");
    failed.error = "server was killed by signal 9 (SIGKILL)";
    rep.runs.push_back(failed);
    json j = report_to_json(rep);
    CHECK(j["schema_version"] == 1);  // closed loop, one client: what version 1 meant
    rep.runs[0].config.rate = 1000;
    CHECK(report_to_json(rep)["schema_version"] == 2);
    rep.runs[0].config.rate = 0;
    rep.runs[0].config.clients = 2;
    CHECK(report_to_json(rep)["schema_version"] == 2);
    for (auto key :
         {"kernel", "cpu_model", "cpus_online", "liburing_version", "clocksource", "timestamp", "git_commit"})
        CHECK_MESSAGE(j["environment"].contains(key), key);
    json ok = j["runs"][0];
    CHECK(ok["status"] == "ok");
    CHECK(ok["error"].is_null());
    for (auto key : {"mode", "message_size", "server_cpu", "client_cpu", "duration_s", "operations", "ops_per_sec",
                     "throughput_mib_s", "cpu", "latency_us", "verified_messages", "verification"})
        CHECK_MESSAGE(ok.contains(key), key);
    for (auto key : {"server_percent", "client_percent", "server_user_s", "server_sys_s", "client_user_s",
                     "client_sys_s", "cpu_us_per_op"})
        CHECK_MESSAGE(ok["cpu"].contains(key), key);
    for (auto key : {"avg", "min", "p50", "p95", "p99", "p999", "max", "stddev"})
        CHECK_MESSAGE(ok["latency_us"].contains(key), key);
    for (auto key : {"spec", "min", "max", "mean"}) CHECK_MESSAGE(ok["message_size"].contains(key), key);
    json bad = j["runs"][1];
    CHECK(bad["status"] == "failed");
    CHECK(bad["error"] == "server was killed by signal 9 (SIGKILL)");
    CHECK_FALSE(bad.contains("latency_us"));
}

TEST_CASE("atomic write leaves either the old file or the new one, never a temp file") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("ipcb-json-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string path = (dir / "r.json").string();
    write_output(path, "{\"a\":1}\n");
    write_output(path, "{\"a\":2}\n");
    std::ifstream in(path);
    CHECK(json::parse(in)["a"] == 2);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    CHECK_THROWS_AS(write_output((dir / "missing" / "r.json").string(), "{}"), Error);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
}
