// Every mode, written once and run against each implementation the kernel supports (one subcase
// per mode): a short orchestrated run must end ok, with every response verified.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "modes/mode.hpp"
#include "uring/uring.hpp"

using namespace ipcb;

namespace {

// Every pinned orchestrated run carries its own floor, of its own (mean) size: on one CPU the
// futex handoff, on two the spinning one.
void check_floor(const RunResult &r) {
    REQUIRE_MESSAGE(r.has_floor(), r.floor_skipped);
    CHECK(r.floor_before->same_cpu == (r.config.server_cpu == r.config.client_cpu));
    CHECK(r.floor_before->bytes == r.config.floor_bytes());
    CHECK(r.floor_before->p50_us > 0);
    CHECK(r.floor_after->p50_us > 0);
    CHECK(r.floor_before->line_p50_us > 0);
    CHECK(r.placement() != "unmeasured");
    CHECK(r.p50_over_floor() == doctest::Approx(r.latency->p50 / r.floor_us()));
}

}  // namespace

TEST_CASE("every mode round-trips verified messages from 1 byte to 4 MiB") {
    test::for_each_mode([](const std::string &mode) {
        for (const char *size : {"1", "4K", "typical", "128K", "4M"}) {
            SUBCASE(size) {
                const test::NothingLeftBehind nothing_left;
                RunResult r = test::run(test::short_config(mode, size));
                if (test::unsupported_by_host_limit(r)) return;
                REQUIRE_MESSAGE(r.status == RunStatus::ok, r.error);
                CHECK(r.client->operations > 10);
                CHECK(r.client->verified_messages == r.client->operations);
                CHECK(r.client->full_checks > 0);
                CHECK(r.server->verified_messages >= r.client->operations);
                CHECK(r.client->size_min >= r.config.size.min);
                CHECK(r.client->size_max <= r.config.size.max);
                CHECK(r.latency->p50 > 0);
                CHECK(r.latency->p50 <= r.latency->p99);
                CHECK(r.ops_per_sec > 0);
                CHECK(r.client->affinity == std::vector<int>{r.config.client_cpu});
                CHECK(r.server->affinity == std::vector<int>{r.config.server_cpu});
                check_floor(r);
                nothing_left.check();
            }
        }
    });
}

TEST_CASE("every mode keeps several requests in flight") {
    test::for_each_mode([](const std::string &mode) {
        RunConfig c = test::short_config(mode, "2K-8K");
        c.inflight = 8;
        RunResult r = test::run(c);
        REQUIRE_MESSAGE(r.status == RunStatus::ok, r.error);
        CHECK(r.client->verified_messages == r.client->operations);
    });
}

TEST_CASE("a run of exactly N iterations") {
    test::for_each_mode([](const std::string &mode) {
        RunConfig c = test::short_config(mode, "4K");
        c.iterations = 1234;
        RunResult r = test::run(c);
        REQUIRE_MESSAGE(r.status == RunStatus::ok, r.error);
        CHECK(r.client->operations == 1234);
        CHECK(r.latency->count == 1234);
    });
}

TEST_CASE("uds runs with every combination of its io_uring knobs, verified") {
    for (unsigned knobs = 0; knobs <= kAllUringKnobs; ++knobs) {
        SUBCASE(uring_knobs_text(knobs).c_str()) {
            for (const char *size : {"1", "4K", "128K"}) {
                CAPTURE(size);
                RunConfig c = test::short_config("uds", size);
                c.duration_s = 0.15;
                c.uring_knobs = knobs;
                const RunResult r = test::run(c);
                CHECK(r.config.variant() == "uring=" + uring_knobs_text(knobs));
                if (const std::string why = uring_knobs_unsupported(knobs); !why.empty()) {
                    MESSAGE("knobs " << uring_knobs_text(knobs) << " unsupported here: " << why);
                    CHECK(r.status == RunStatus::unsupported);
                    CHECK(r.error == why);
                    continue;
                }
                REQUIRE_MESSAGE(r.status == RunStatus::ok, r.error);
                CHECK(r.client->verified_messages == r.client->operations);
                CHECK(r.client->operations > 10);
                CHECK(r.client->mode_setup.find("knobs " + uring_knobs_text(knobs)) != std::string::npos);
            }
        }
    }
}

TEST_CASE("every mode with both ends on one CPU: sleeping modes run there, spinning-only ones say why not") {
    test::for_each_mode([](const std::string &mode) {
        const test::NothingLeftBehind nothing_left;
        RunConfig c = test::short_config(mode, "4K");
        c.placement = Placement::same_cpu;
        c.client_cpu = c.server_cpu;
        const Mode *m = find_mode(mode);
        REQUIRE(m);
        c.spin_ns = 0;  // what --placement same-cpu picks for a spinning mode
        RunResult r = test::run(c);
        if (m->never_sleeps) {
            CHECK(r.status == RunStatus::unsupported);
            CHECK(r.error.find("never sleeps") != std::string::npos);
            return;
        }
        if (test::unsupported_by_host_limit(r)) return;
        REQUIRE_MESSAGE(r.status == RunStatus::ok, r.error);
        CHECK(r.client->verified_messages == r.client->operations);
        CHECK(r.client->affinity == std::vector<int>{r.config.server_cpu});
        CHECK(r.server->affinity == std::vector<int>{r.config.server_cpu});
        check_floor(r);
        CHECK(r.placement() != "unmeasured");
        if (m->spins) {  // a spin budget on one CPU is refused with the reason
            c.spin_ns = 50'000;
            const RunResult spun = test::run(c);
            CHECK(spun.status == RunStatus::unsupported);
            CHECK(spun.error.find("spin budget") != std::string::npos);
        }
        nothing_left.check();
    });
}
