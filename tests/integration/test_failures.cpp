// Failures end as reported failed runs with their cause; nothing is left behind.
#include <doctest/doctest.h>

#include "bench/fault.hpp"
#include "helpers.hpp"

using namespace ipcb;

namespace {
RunResult run_with_fault(const std::string &mode, const std::string &fault) {
    RunConfig c = test::short_config(mode, "4K");
    c.duration_s = 1;
    c.timeout_s = 4;
    c.fault = parse_fault(fault);
    return test::run(c);
}
}  // namespace

TEST_CASE("a peer killed mid-run fails the run with its cause, for every mode") {
    for (const std::string &mode : test::supported_modes()) {
        for (const char *fault : {"server:kill@50", "client:kill@50"}) {
            CAPTURE(mode);
            CAPTURE(fault);
            const int fds = test::open_fd_count();
            RunResult r = run_with_fault(mode, fault);
            CHECK(r.status == "failed");
            CHECK(r.error.find("signal 9 (SIGKILL)") != std::string::npos);
            CHECK(r.error.find(std::string(fault).substr(0, 6)) != std::string::npos);
            CHECK(test::child_processes().empty());
            CHECK(test::open_fd_count() == fds);
        }
    }
}

TEST_CASE("a hung role is killed at the deadline and reported") {
    for (const std::string &mode : test::supported_modes()) {
        CAPTURE(mode);
        RunResult r = run_with_fault(mode, "client:hang@50");
        CHECK(r.status == "failed");
        CHECK(r.error.find("timeout") != std::string::npos);
        CHECK(test::child_processes().empty());
    }
}

TEST_CASE("corrupted, dropped and duplicated messages are caught") {
    for (const std::string &mode : test::supported_modes()) {
        CAPTURE(mode);
        RunResult corrupt = run_with_fault(mode, "server:corrupt@50");
        CHECK(corrupt.status == "failed");
        CHECK(corrupt.error.find("client: verification failed: response seq 50") != std::string::npos);
        RunResult dup = run_with_fault(mode, "client:duplicate@50");
        CHECK(dup.status == "failed");
        CHECK(dup.error.find("carries request seq 50") != std::string::npos);
        RunResult drop = run_with_fault(mode, "server:drop@50");
        CHECK(drop.status == "failed");
        CHECK(test::child_processes().empty());
    }
}

TEST_CASE("a truncated result record fails the run instead of giving numbers") {
    for (const char *fault : {"server:truncate@0", "client:truncate@0"}) {
        CAPTURE(fault);
        RunResult r = run_with_fault(test::supported_modes().at(0), fault);
        CHECK(r.status == "failed");
        CHECK(r.error.find("truncated record") != std::string::npos);
    }
}

TEST_CASE("a fault scoped to one mode leaves the other runs intact") {
    auto modes = test::supported_modes();
    if (modes.size() < 2) return;
    RunConfig bad = test::short_config(modes[0], "4K");
    bad.fault = parse_fault(modes[0] + "/server:exit@20");
    bad.timeout_s = 4;
    RunConfig good = test::short_config(modes[1], "4K");
    good.fault = bad.fault;
    RunResult a = test::run(bad), b = test::run(good);
    CHECK(a.status == "failed");
    CHECK(a.error.find("server exited with status 3") != std::string::npos);
    CHECK_MESSAGE(b.status == "ok", b.error);
}
