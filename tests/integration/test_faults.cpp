// The fault table: every injected fault, in every mode, is reported as a failed run with the
// right cause, and nothing of it is left (processes, fds); and signals to the orchestrator.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "run/child/fault.hpp"

using namespace ipcb;
using json = nlohmann::json;

namespace {

struct Expect {
    const char *fault;
    const char *cause;  // a substring the cause must contain
};

const Expect kFaults[] = {
    {"server:exit@40", "server exited with status 3"},
    {"client:exit@40", "client exited with status 3"},
    {"server:abort@40", "server was killed by signal 6 (SIGABRT)"},
    {"client:abort@40", "client was killed by signal 6 (SIGABRT)"},
    {"server:kill@40", "server was killed by signal 9 (SIGKILL)"},
    {"client:kill@40", "client was killed by signal 9 (SIGKILL)"},
    {"server:hang@40", "timeout"},
    {"client:hang@40", "timeout"},
    {"server:corrupt@40", "client: verification failed: response seq 40"},
    {"client:corrupt@40", "server: verification failed: request seq 40"},
    {"server:drop@40", "timeout"},
    {"client:drop@40", "timeout"},
    {"server:duplicate@40", "carries response seq 40"},
    {"client:duplicate@40", "carries request seq 40"},
    {"server:truncate@0", "server: result pipe: truncated record"},
    {"client:truncate@0", "client: result pipe: truncated record"},
};

}  // namespace

TEST_CASE("every fault in every mode fails the run with its cause and leaves nothing behind") {
    test::for_each_mode([](const std::string &mode) {
        for (const Expect &e : kFaults) {
            SUBCASE(e.fault) {
                const test::NothingLeftBehind nothing_left;
                RunConfig c = test::short_config(mode, "4K");
                c.duration_s = 0.2;
                c.timeout_s = 1.5;  // the hang/drop faults end here
                c.fault = parse_fault(e.fault);
                RunResult r = test::run(c);
                CHECK(r.status == RunStatus::failed);
                CHECK_MESSAGE(r.error.find(e.cause) != std::string::npos, r.error);
                nothing_left.check();
            }
        }
    });
}

namespace {

// Starts the binary on a multi-run command, sends `sig` after `after_s`, waits for it.
struct Interrupted {
    int status;
    std::string report;
    pid_t pid;
};

Interrupted interrupt_binary(int sig, double after_s) {
    Interrupted out;
    out.report = test::temp_dir() + "/r.json";
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);  // its own group, like a shell job; our kill targets only the orchestrator
        int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        std::string bin = test::binary_path();
        ::execl(bin.c_str(), bin.c_str(), "--mode", "all", "--size", "4K", "--duration", "0.5", "--warmup", "0.05",
                "--json", out.report.c_str(), nullptr);
        _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(int(after_s * 1000)));
    ::kill(pid, sig);
    int st;
    ::waitpid(pid, &st, 0);
    out.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    out.pid = pid;
    return out;
}

// Processes still running the benchmark binary (the orchestrator's children, reparented).
std::vector<int> benchmark_processes() {
    std::vector<int> found;
    const std::string bin = std::filesystem::canonical(test::binary_path());
    for (auto &e : std::filesystem::directory_iterator("/proc")) {
        std::error_code ec;
        auto exe = std::filesystem::read_symlink(e.path() / "exe", ec);
        if (!ec && exe == bin) found.push_back(std::stoi(e.path().filename()));
    }
    return found;
}

bool no_benchmark_process_within(double seconds) {
    for (int i = 0; i < int(seconds * 20); ++i) {
        if (benchmark_processes().empty()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return benchmark_processes().empty();
}

}  // namespace

TEST_CASE("SIGINT, SIGTERM and SIGHUP end the children and still write a report of the finished runs") {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        CAPTURE(sig);
        Interrupted r = interrupt_binary(sig, 2.5);
        CHECK(r.status == 128 + sig);
        CHECK(no_benchmark_process_within(2));
        REQUIRE(std::filesystem::exists(r.report));
        std::ifstream in(r.report);
        json j = json::parse(in);
        REQUIRE(j["runs"].size() >= 1);
        CHECK(j["runs"][0]["status"] == "ok");  // finished before the signal
        // The run the signal caught is either finished or failed as interrupted.
        auto last = j["runs"].back();
        CHECK((last["status"] == "ok" || last["error"].get<std::string>().find("interrupted") != std::string::npos));
    }
}

TEST_CASE("SIGKILL of the orchestrator takes its children with it (PR_SET_PDEATHSIG)") {
    Interrupted r = interrupt_binary(SIGKILL, 1.5);
    CHECK(r.status == 128 + SIGKILL);
    CHECK(no_benchmark_process_within(2));
    CHECK_FALSE(std::filesystem::exists(r.report));  // nothing half-written
}
