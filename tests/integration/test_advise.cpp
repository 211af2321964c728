// --advise and --retry-noisy through the binary: the advice's JSON is whole and points at the
// runs it used; a run made noisy by a CPU hog is run again with both attempts kept.
#include <doctest/doctest.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/sys.hpp"
#include "helpers.hpp"

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
