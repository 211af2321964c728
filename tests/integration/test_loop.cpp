// A loop with other work: every mode whose server can join an event loop serves TCP neighbours
// beside its IPC, both sides verified; the neighbours are served while the IPC side is idle (a
// design sleeping where the loop cannot see would starve them); modes that cannot join say why;
// a neighbours' process that dies fails the run and leaves nothing behind. Counts, not times.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "modes/mode.hpp"
#include "run/parent/orchestrator.hpp"

using namespace ipcb;

namespace {

RunConfig with_neighbours(const std::string &mode, const char *spec) {
    RunConfig c = test::short_config(mode, "4K");
    c.neighbours = parse_neighbour_spec(spec);
    return c;
}

}  // namespace

TEST_CASE("every mode that can join a loop serves its IPC and its neighbours, both verified") {
    test::for_each_mode([](const std::string &mode) {
        const Mode *m = find_mode(mode);
        const test::NothingLeftBehind before;
        const RunResult r = run_measured(with_neighbours(mode, "4@2000"));
        before.check();
        if (m->loop_join == LoopJoin::cannot) {
            CHECK(r.status == RunStatus::unsupported);
            CHECK(r.error.find("cannot serve a loop with other work") != std::string::npos);
            return;
        }
        REQUIRE_MESSAGE(r.ok(), r.error);
        CHECK(r.client->verified_messages == r.client->operations);
        CHECK(r.server->verified_messages == r.client->operations);
        REQUIRE(r.neighbours);
        REQUIRE(r.event_loop);
        const NeighboursReport &n = *r.neighbours;
        // The open loop's schedule: 2000/s over the 0.3 s window, every answer verified and counted.
        CHECK(n.answered >= std::uint64_t(0.9 * 2000 * 0.3));
        CHECK(r.server->neighbour_requests > 0);
        CHECK(r.event_loop->integration == (m->loop_join == LoopJoin::completion ? "completion"
                                            : m->loop_join == LoopJoin::spin     ? "spin"
                                                                                 : "poll"));
        CHECK(r.event_loop->cqes_per_enter > 0);
        CHECK(n.alone.ran);
        CHECK(n.alone.latency.count > 0);
    });
}

TEST_CASE("with the IPC side at 100 requests/s the loop keeps serving the neighbours, whatever the design") {
    for (const char *mode : {"uds", "shm", "lfshm", "lfshm-uring", "lfshm-spin", "pipe", "mq"})
        for (LoopIntegration integration : {LoopIntegration::poll, LoopIntegration::helper}) {
            const Mode *m = find_mode(mode);
            if (integration == LoopIntegration::helper && m->loop_join != LoopJoin::integration) continue;
            if (!m->unsupported_reason().empty()) continue;
            CAPTURE(mode);
            CAPTURE(loop_integration_name(integration));
            RunConfig c = with_neighbours(mode, "8@4000");
            c.rate = 100;
            c.integration = integration;
            c.duration_s = 1;
            RunResult r = run_orchestrated(c);
            REQUIRE_MESSAGE(r.ok(), r.error);
            // within 5% of what was due in the window: a count of verified answers, not a time
            CHECK(double(r.neighbours->answered) >= 0.95 * 4000 * c.duration_s);
        }
}

TEST_CASE("a neighbours' spec the server cannot take, and fan-in with neighbours, are refused") {
    CHECK_THROWS_AS(parse_neighbour_spec("0@5000"), std::invalid_argument);
    CHECK_THROWS_AS(parse_neighbour_spec("8@-1"), std::invalid_argument);
    CHECK_THROWS_AS(parse_neighbour_spec("8@5000,size=0"), std::invalid_argument);
    CHECK_THROWS_AS(parse_neighbour_spec("8@5000,bogus=1"), std::invalid_argument);
    CHECK_THROWS_AS(parse_neighbour_spec("100000@5000"), std::invalid_argument);
    const NeighbourSpec s = parse_neighbour_spec("8@5000,size=4K,work=20us");
    CHECK(s.connections == 8);
    CHECK(s.size == 4096);
    CHECK(s.work_ns == 20000);
    CHECK(parse_neighbour_spec(s.text()).text() == s.text());
    const auto list = parse_neighbour_list("none,8@5000,size=1K,64@20000");
    REQUIRE(list.size() == 3);
    CHECK(list[0].none());
    CHECK(list[1].size == 1024);
    CHECK(list[2].connections == 64);
    RunConfig c = with_neighbours("uds", "4@1000");
    c.clients = 2;
    CHECK(run_orchestrated(c).status == RunStatus::unsupported);
}

TEST_CASE("a neighbours' process that dies fails the run with the cause and leaves nothing behind") {
    const test::NothingLeftBehind before;
    RunConfig c = with_neighbours("uds", "4@2000");
    c.fault = parse_fault("neighbours:exit@10");
    const RunResult r = run_orchestrated(c);
    before.check();
    CHECK(r.status == RunStatus::failed);
    CHECK(r.error.find("neighbours") != std::string::npos);
}

TEST_CASE("the neighbours' window is the IPC's timed phase: a server stall in the warmup is not in it") {
    // The server stalls 500 ms at its 5th request, early in the 0.1 s warmup; the client's timed
    // phase starts after the stall (its warmup and counting end by deadlines). A window timed from
    // the warmup's end by the clock would hold requests that waited ~400 ms; the server's window
    // holds none of them. (Stands for the real case: the server closing its syscall counters
    // between warmup and timed phase, tens of milliseconds in close(2).)
    RunConfig c = with_neighbours("uds", "4@2000");
    c.warmup_s = 0.1;
    c.duration_s = 0.5;
    c.fault = parse_fault("server:stall=500@5");
    const RunResult r = run_orchestrated(c);
    REQUIRE_MESSAGE(r.ok(), r.error);
    REQUIRE(r.neighbours);
    CHECK(r.neighbours->answered >= std::uint64_t(0.9 * 2000 * 0.5));
    CHECK(r.neighbours->latency.max < 250'000);  // us: well under the stall's 400 ms
}
