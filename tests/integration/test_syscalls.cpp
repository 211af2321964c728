// The report's own syscall count against strace's on the same kind of run: one io_uring_enter
// per side per round trip for the io_uring modes, send + recv for uds-sync.
#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using namespace ipcb;
using json = nlohmann::json;

namespace {

constexpr int kRoundTrips = 2000;

// strace -c's call count of `name` over the whole command, from its summary table.
long strace_calls(const std::string &table, const std::string &name) {
    std::istringstream in(table);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string x; words >> x;) w.push_back(x);
        if (w.size() >= 5 && w.back() == name) return std::stol(w[3]);
    }
    return 0;
}

double reported_per_op(const json &run, const std::string &name) {
    double sum = 0;
    for (const char *side : {"server_by_name", "client_by_name"})
        if (run["syscalls"][side].contains(name)) sum += run["syscalls"][side][name].get<double>();
    return sum;
}

}  // namespace

TEST_CASE("the report's syscall counts agree with strace -c" * doctest::test_suite("needs-root")) {
    REQUIRE_MESSAGE(std::system("command -v strace >/dev/null 2>&1") == 0,
                    "strace is not installed (scripts/test installs it)");
    struct Case {
        const char *mode, *spin, *syscall;
        double per_round_trip;  // both sides together
    } cases[] = {{"uds", "50us", "io_uring_enter", 2},
                 {"lfshm-uring", "0", "io_uring_enter", 2},
                 {"uds-sync", "50us", "sendto", 2},
                 {"uds-sync", "50us", "recvfrom", 2}};
    for (const Case &c : cases) {
        SUBCASE((std::string(c.mode) + " " + c.syscall).c_str()) {
            const std::string dir = test::temp_dir();
            // LeakSanitizer cannot run under ptrace: off for the traced binary of a sanitizer build.
            const std::string cmd = "ASAN_OPTIONS=detect_leaks=0 strace -f -qq -c -e trace=" + std::string(c.syscall) +
                                    " -o " + dir + "/strace.txt " + test::binary_path() + " --mode " + c.mode +
                                    " --spin " + c.spin + " --size 4K --iterations " + std::to_string(kRoundTrips) +
                                    " --warmup 0 --json " + dir + "/r.json >/dev/null 2>&1";
            REQUIRE(std::system(cmd.c_str()) == 0);
            std::ifstream table_in(dir + "/strace.txt"), report_in(dir + "/r.json");
            std::stringstream table;
            table << table_in.rdbuf();
            const json run = json::parse(report_in)["runs"][0];
            REQUIRE_MESSAGE(!run["syscalls"].is_null(), run["syscalls_unavailable"]);
            // strace sees the whole process: the counting phase and the round trip after it (the
            // client's warmup_operations, with --warmup 0) as well as the timed ones.
            const double round_trips = double(kRoundTrips) + run["warmup_operations"].get<double>();
            const double by_strace = double(strace_calls(table.str(), c.syscall)) / round_trips;
            const double by_report = reported_per_op(run, c.syscall);
            CAPTURE(table.str());
            // strace counts setup and teardown too: a few calls over 2000 round trips.
            CHECK(by_report == doctest::Approx(by_strace).epsilon(0.02));
            CHECK(by_report == doctest::Approx(c.per_round_trip).epsilon(0.02));
        }
    }
}
