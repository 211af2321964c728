// --advise and --retry-noisy through the binary: the advice's JSON is whole and points at the
// runs it used; a run made noisy by a CPU hog is run again with both attempts kept.
#include <doctest/doctest.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/size_spec.hpp"
#include "core/sys.hpp"
#include "helpers.hpp"
#include "interleave/group.hpp"
#include "run/parent/orchestrator.hpp"
#include "sweep/aggregate.hpp"
#include "sweep/paired_rows.hpp"

using namespace ipcb;
using json = nlohmann::json;

namespace {

json read_json(const std::string &path) {
    std::ifstream in(path);
    return json::parse(in);
}

// A process that spins on `cpu` until killed: the CPU's other tasks wait for it.
struct CpuHog {
    explicit CpuHog(int cpu) {
        pid = ::fork();
        if (pid == 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            ::sched_setaffinity(0, sizeof set, &set);
            volatile unsigned long spins = 0;
            for (;;) spins = spins + 1;  // burn the CPU until killed
        }
    }
    ~CpuHog() {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    pid_t pid;
};

}  // namespace

TEST_CASE("--advise: the advice names a candidate, its runs are in runs[], and the report is valid") {
    REQUIRE_MESSAGE(current_affinity().size() >= 2, "the harness needs two CPUs");
    const std::string path = test::temp_dir() + "/advice.json";
    const test::CommandResult r = test::run_binary(
        {"--advise", "--mode", "uds,lfshm-spin", "--size", "4K", "--budget", "12", "--json", path}, 90);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    test::check_against_schema(path);
    const json j = read_json(path);
    const json &a = j["advice"];
    std::set<std::string> labels;
    for (const json &c : a["candidates"]) {
        labels.insert(c["label"].get<std::string>());
        for (const json &i : c["runs"]) {  // each kept attempt is a run of that candidate
            const json &run = j["runs"][i.get<std::size_t>()];
            CHECK(run["label"] == c["label"]);
            CHECK(run["superseded"] == false);
        }
    }
    CHECK(labels == std::set<std::string>{"uds", "lfshm-spin"});
    CHECK(a["rounds"].get<int>() >= 1);
    CHECK(a["attempts"].get<std::size_t>() == j["runs"].size());
    // a busy-polling ring against a socket round trip at 4 KiB: a gap of 10x or more on any host
    CHECK(a["choice"] == "lfshm-spin");
    CHECK(r.out.find("use lfshm-spin") != std::string::npos);
    CHECK(j["host_probe"]["ran"] == true);
}

TEST_CASE("--retry-noisy: a run made noisy by a CPU hog on the client's CPU is run again, both attempts kept") {
    const std::vector<int> cpus = current_affinity();
    REQUIRE_MESSAGE(cpus.size() >= 2, "the harness needs two CPUs");
    const std::string path = test::temp_dir() + "/noisy.json";
    test::CommandResult r;
    {
        CpuHog hog(cpus[1]);
        r = test::run_binary(
            {"--mode", "uds", "--size", "4K", "--duration", "0.3", "--warmup", "0.05", "--server-cpu",
             std::to_string(cpus[0]), "--client-cpu", std::to_string(cpus[1]), "--retry-noisy", "1", "--json", path},
            60);
    }
    REQUIRE_MESSAGE((r.status == 0 || r.status == 1), r.err);
    test::check_against_schema(path);
    const json j = read_json(path);
    REQUIRE(j["runs"].size() == 2);
    CHECK(j["runs"][0]["attempt"] == 1);
    CHECK(j["runs"][0]["noise"]["noisy"] == true);
    CHECK(j["runs"][0]["superseded"] == true);
    CHECK(j["runs"][1]["attempt"] == 2);
    CHECK(j["runs"][1]["superseded"] == false);
    CHECK(j["runs"][1]["config"] == j["runs"][0]["config"]);
}

TEST_CASE("--advise, interleaved: every slice, the paired ratios, the A/A twin and the floor are in the report") {
    REQUIRE_MESSAGE(current_affinity().size() >= 2, "the harness needs two CPUs");
    const test::NothingLeftBehind before;
    const std::string path = test::temp_dir() + "/interleaved.json";
    const test::CommandResult r = test::run_binary(
        {"--advise", "--mode", "uds,lfshm-spin", "--size", "4K", "--budget", "8", "--slice", "0.05", "--json", path},
        60);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    test::check_against_schema(path);
    const json j = read_json(path);
    const json &a = j["advice"];
    CHECK(a["method"] == "interleaved");
    CHECK(a["slice_ms"] == doctest::Approx(50));
    std::map<std::string, int> kinds;
    std::set<int> rounds;
    for (const json &s : a["samples"]) {
        ++kinds[s["kind"].get<std::string>()];
        rounds.insert(s["round"].get<int>());
        if (s["dropped"].is_null()) CHECK(s["p50_us"].get<double>() > 0);
    }
    CHECK(int(rounds.size()) == a["rounds"].get<int>());
    CHECK(kinds["floor"] == a["rounds"].get<int>());  // the floor runs every round
    CHECK(kinds["twin"] >= 1);                        // the twin joins after the first round
    REQUIRE(a["aa"].is_object());
    CHECK(a["aa"]["candidate"] == "lfshm-spin#twin");
    CHECK(a["aa"]["against"] == "lfshm-spin");
    REQUIRE(a["pairs"].size() == 1);
    CHECK(a["pairs"][0]["candidate"] == "uds");
    CHECK(a["pairs"][0]["ratio_median"].get<double>() > 3);  // a socket round trip against a spinning ring
    CHECK(a["choice"] == "lfshm-spin");
    // Each candidate's one run (its slices' sum), verified, with its paired floor ratio; the twin's too.
    std::set<std::string> labels;
    for (const json &run : j["runs"]) {
        labels.insert(run["label"].get<std::string>());
        CHECK(run["status"] == "ok");
        CHECK(run["floor_paired_ratio"].get<double>() > 0);
        CHECK(run["interleaved"]["slices"].get<int>() >= 1);
        CHECK(run["verified_messages"].get<std::uint64_t>() == run["operations"].get<std::uint64_t>());
    }
    CHECK(labels == std::set<std::string>{"uds", "lfshm-spin", "lfshm-spin#twin"});
    before.check();
}

TEST_CASE("--advise --method sequential: whole runs one after another, as before") {
    REQUIRE_MESSAGE(current_affinity().size() >= 2, "the harness needs two CPUs");
    const std::string path = test::temp_dir() + "/sequential.json";
    const test::CommandResult r = test::run_binary({"--advise", "--method", "sequential", "--mode", "uds,lfshm-spin",
                                                    "--size", "4K", "--budget", "6", "--json", path},
                                                   60);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    test::check_against_schema(path);
    const json a = read_json(path)["advice"];
    CHECK(a["method"] == "sequential");
    CHECK(a["samples"].empty());
    CHECK(a["aa"].is_null());
}

TEST_CASE("--floor-paired: each run's p50 over the floor of the same round") {
    REQUIRE_MESSAGE(current_affinity().size() >= 2, "the harness needs two CPUs");
    const std::string path = test::temp_dir() + "/floor_paired.json";
    const test::CommandResult r = test::run_binary(
        {"--mode", "lfshm-spin,uds", "--size", "4K", "--duration", "0.5", "--floor-paired", "--json", path}, 60);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    test::check_against_schema(path);
    const json j = read_json(path);
    REQUIRE(j["runs"].size() == 2);
    for (const json &run : j["runs"]) {
        CHECK(run["status"] == "ok");
        CHECK(run["interleaved"]["slices"] == 5);
        CHECK(run["interleaved"]["floor_ratio"]["rounds"].get<int>() >= 1);
    }
    // a sleeping socket round trip is many floors; a spinning ring a few at most
    CHECK(j["runs"][1]["floor_paired_ratio"].get<double>() > j["runs"][0]["floor_paired_ratio"].get<double>());
}

TEST_CASE("held runs: the idle ones use no CPU while another runs its slices, a spinning one too") {
    const std::vector<int> cpus = current_affinity();
    REQUIRE_MESSAGE(cpus.size() >= 2, "the harness needs two CPUs");
    const test::NothingLeftBehind before;
    RunConfig c;
    c.mode = "lfshm-spin";  // its server never sleeps: only the stop keeps it off the CPU
    c.size = parse_size_spec("4K");
    c.server_cpu = cpus[0], c.client_cpu = cpus[1];
    c.warmup_s = 0.05;
    const SliceTiming timing = slice_timing_for(0.05);
    {
        SlicedRun a(c, timing), b(c, timing);
        REQUIRE(!a.failed());
        REQUIRE(!b.failed());
        for (int i = 0; i < 3; ++i) {
            const SliceSample s = a.run_slice();
            CHECK(s.ops > 1000);
            CHECK(s.p50_us > 0);
            CHECK(s.cpu_us_per_op > 0);
        }
        // b's server and client over a's three slices (150 ms of spinning on both CPUs)
        CHECK(b.idle_cpu_ns() < 3'000'000);
        CHECK(b.run_slice().ops > 1000);
        const RunResult ra = a.finish(), rb = b.finish();
        REQUIRE_MESSAGE(ra.ok(), ra.error);
        REQUIRE_MESSAGE(rb.ok(), rb.error);
        CHECK(ra.interleaved->slices == 3);
        CHECK(rb.interleaved->slices == 1);
        CHECK(ra.client->wall_s == doctest::Approx(0.15).epsilon(0.1));  // the recorded parts only
        CHECK(ra.client->verified_messages == ra.client->operations);
    }
    before.check();
}

TEST_CASE("held runs: a run whose roles die between slices fails with its cause, and nothing is left") {
    const std::vector<int> cpus = current_affinity();
    REQUIRE_MESSAGE(cpus.size() >= 2, "the harness needs two CPUs");
    const test::NothingLeftBehind before;
    RunConfig c;
    c.mode = "uds";
    c.size = parse_size_spec("4K");
    c.server_cpu = cpus[0], c.client_cpu = cpus[1];
    c.warmup_s = 0.05;
    {
        SlicedRun a(c, slice_timing_for(0.05));
        REQUIRE(!a.failed());
        CHECK(a.run_slice().ops > 0);
        for (const int pid : test::child_processes()) ::kill(pid, SIGKILL);  // the server and the client
        CHECK_THROWS_AS(a.run_slice(), Error);
        CHECK(a.failed());
        const RunResult r = a.finish();
        CHECK(r.status == RunStatus::failed);
        CAPTURE(r.error);  // the first death seen: either role's signal, or the survivor's error
        CHECK((r.error.find("server") != std::string::npos || r.error.find("client") != std::string::npos));
    }
    before.check();
}

TEST_CASE("a sweep's decision row answered paired: its designs held again, the confidence from paired rounds") {
    const std::vector<int> cpus = current_affinity();
    REQUIRE_MESSAGE(cpus.size() >= 2, "the harness needs two CPUs");
    const test::NothingLeftBehind before;
    std::vector<RunResult> runs;
    for (const char *mode : {"uds", "lfshm-spin"})
        for (int rep = 0; rep < 2; ++rep) {
            RunConfig c;
            c.mode = mode;
            c.size = parse_size_spec("4K");
            c.server_cpu = cpus[0], c.client_cpu = cpus[1];
            c.duration_s = 0.2, c.warmup_s = 0.05;
            c.section = Section::matrix;
            c.repetition = rep;
            runs.push_back(run_measured(c));
            REQUIRE_MESSAGE(runs.back().ok(), runs.back().error);
        }
    std::vector<DecisionRow> rows = decide(runs, aggregate_runs(runs));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].method == "repetitions");  // two repetitions a side: not enough to be sure
    const std::size_t before_rows = runs.size();
    answer_rows_paired(rows, runs, {.slice_s = 0.05, .max_rounds = 12, .seed = 3}, [] { return false; });
    const DecisionRow &row = rows[0];
    CHECK(row.method == "paired");
    REQUIRE(row.paired);
    CHECK(row.paired->leader == "lfshm-spin");
    CHECK(row.confidence == "high");  // a spinning ring against a socket: every round one way
    CHECK(row.paired->rounds >= 7);
    CHECK(row.paired->ratio_median > 3);
    CHECK(row.runner_up == "uds");
    CHECK(runs.size() == before_rows + 3);  // both designs and the twin, section decision
    for (std::size_t i : row.paired->runs) {
        CHECK(runs[i].ok());
        CHECK(runs[i].config.section == Section::decision);
    }
    before.check();
}
