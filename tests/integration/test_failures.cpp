// Failures beyond the fault table (test_faults.cpp): a fault in flight with several requests
// outstanding, and a fault scoped to one mode, which must leave the other modes' runs intact.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "run/child/fault.hpp"

using namespace ipcb;

TEST_CASE("duplicated messages are caught when several requests are in flight") {
    test::for_each_mode([](const std::string &mode) {
        RunConfig c = test::short_config(mode, "4K");
        c.inflight = 4;
        c.timeout_s = 3;
        c.fault = parse_fault("server:duplicate@40");
        RunResult r = test::run(c);
        CHECK(r.status == RunStatus::failed);
        CHECK_MESSAGE(r.error.find("verification failed") != std::string::npos, r.error);
    });
}

TEST_CASE("a fault scoped to one mode leaves the other runs intact") {
    // uds and uds-sync need nothing beyond AF_UNIX, so both run on every kernel.
    RunConfig bad = test::short_config("uds-sync", "4K");
    bad.fault = parse_fault("uds-sync/server:exit@20");
    bad.timeout_s = 4;
    RunConfig good = test::short_config("uds", "4K");
    good.fault = bad.fault;
    RunResult a = test::run(bad), b = test::run(good);
    CHECK(a.status == RunStatus::failed);
    CHECK_MESSAGE(a.error.find("server exited with status 3") != std::string::npos, a.error);
    CHECK_MESSAGE(b.status == RunStatus::ok, b.error);
}
