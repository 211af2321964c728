// The binary as a user runs it: exit statuses, one-line errors, no partial files, the
// two-terminal form.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using namespace ipcb;
using json = nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("bad input: one line on stderr, exit status 2, no report written") {
    std::string dir = test::temp_dir();
    std::string report = dir + "/r.json";
    const std::vector<std::vector<std::string>> cases = {
        {"--mode", "nosuchmode"},
        {"--mode", "uds", "--size", "0"},
        {"--mode", "uds", "--size", "129K"},
        {"--mode", "uds", "--size", "2K-1K"},
        {"--mode", "uds", "--size", "0x"},
        {"--mode", "uds", "--duration", "-1"},
        {"--mode", "uds", "--duration", "abc"},
        {"--mode", "uds", "--iterations", "0"},
        {"--mode", "uds", "--server-cpu", "999"},
        {"--mode", "uds", "--frobnicate"},
    };
    for (auto args : cases) {
        std::string joined;
        for (auto &a : args) joined += a + " ";
        CAPTURE(joined);
        args.push_back("--json");
        args.push_back(report);
        auto r = test::run_binary(args, 10);
        CHECK(r.status == 2);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.out.empty());
        CHECK_FALSE(fs::exists(report));
    }
    auto r = test::run_binary({"--mode", "uds", "--json", "/nonexistent-dir/r.json"}, 10);
    CHECK(r.status == 2);
    CHECK(r.err.find("does not exist") != std::string::npos);
}

TEST_CASE("an orchestrated run writes a verified report and exits 0") {
    std::string report = test::temp_dir() + "/r.json";
    auto r = test::run_binary(
        {"--mode", "all", "--size", "4K", "--duration", "0.3", "--warmup", "0.05", "--json", report}, 120);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    std::ifstream in(report);
    json j = json::parse(in);
    CHECK(j["runs"].size() == test::supported_modes().size());
    for (auto &run : j["runs"]) {
        CHECK(run["status"] == "ok");
        CHECK(run["verified_messages"].get<long>() == run["operations"].get<long>());
    }
}

TEST_CASE("a failed run makes the exit status 1 and is in the report") {
    std::string report = test::temp_dir() + "/r.json";
    auto r = test::run_binary(
        {"--mode", "uds", "--size", "4K", "--duration", "1", "--inject", "server:kill@30", "--json", report}, 60);
    CHECK(r.status == 1);
    std::ifstream in(report);
    json j = json::parse(in);
    CHECK(j["runs"][0]["status"] == "failed");
    CHECK(j["runs"][0]["error"].get<std::string>().find("SIGKILL") != std::string::npos);
}

TEST_CASE("two-terminal form: a server and a client started separately") {
    for (const std::string &mode : test::supported_modes()) {
        CAPTURE(mode);
        const std::string endpoint = "test-" + std::to_string(::getpid()) + "-" + mode;
        std::fflush(nullptr);
        pid_t server = ::fork();
        if (server == 0) {
            std::string bin = test::binary_path();
            int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 2);
            ::execl(bin.c_str(), bin.c_str(), "--server", "--mode", mode.c_str(), "--endpoint", endpoint.c_str(),
                    nullptr);
            _exit(127);
        }
        std::string report = test::temp_dir() + "/tt.json";
        auto r = test::run_binary(
            {"--client", "--mode", mode, "--endpoint", endpoint, "--size", "4K", "--duration", "0.3", "--json", report},
            60);
        ::kill(server, SIGTERM);
        int st;
        ::waitpid(server, &st, 0);
        REQUIRE_MESSAGE(r.status == 0, (r.err + r.out));
        std::ifstream in(report);
        json j = json::parse(in);
        auto run = j["runs"][0];
        CHECK(run["status"] == "ok");
        CHECK(run["verified_messages"].get<long>() == run["operations"].get<long>());
        CHECK(run["cpu"]["server_percent"].get<double>() > 0);
    }
}

TEST_CASE("a client with no server fails with a clear message") {
    auto r =
        test::run_binary({"--client", "--mode", "uds", "--endpoint", "nobody-listens-here", "--duration", "0.2"}, 30);
    CHECK(r.status == 1);
    CHECK(r.out.find("no server listens on endpoint") != std::string::npos);
}
