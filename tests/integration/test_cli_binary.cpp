// The binary as a user runs it: exit statuses, one-line errors, no partial files, the
// two-terminal form.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/sys.hpp"
#include "helpers.hpp"
#include "ipc/rendezvous.hpp"

using namespace ipcb;
using json = nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("bad input: one line on stderr, exit status 2, no report written") {
    std::string dir = test::temp_dir();
    std::string report = dir + "/r.json";
    const std::vector<std::vector<std::string>> cases = {
        {"--mode", "nosuchmode"},
        {"--mode", "uds", "--size", "0"},
        {"--mode", "uds", "--size", "4097K"},
        {"--mode", "uds", "--size", "129K"},
        {"--mode", "uds", "--size", "2K-1K"},
        {"--mode", "uds", "--size", "0x"},
        {"--mode", "uds", "--duration", "-1"},
        {"--mode", "uds", "--duration", "abc"},
        {"--mode", "uds", "--iterations", "0"},
        {"--mode", "uds", "--server-cpu", "999"},
        {"--mode", "uds", "--frobnicate"},
        {"--mode", ""},
        {"--mode", "uds,"},
        {"--mode", "uds", "--duration", "1e-300"},
        {"--mode", "uds", "--size", "-4K"},
        {"--mode", "uds", "--uring", ""},
        {"--mode", "uds", "--uring", "poll"},
        {"--server", "--mode", "uds", "--endpoint", "x"},  // + --json below: a server writes no report
        {"--sweep", "--inflights", ""},
        {"--sweep", "--matrix", "/dev/zero"},
        {"--advise", "--slice", "0"},
        {"--advise", "--slice", "10", "--budget", "5"},
        {"--advise", "--method", "x"},
        {"--mode", "uds", "--slice", "0.1"},
        {"--mode", "uds", "--floor-paired", "--iterations", "100"},
        {"--mode", "uds", "--floor-paired", "--slice", "2", "--duration", "1"},
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
    for (const char *path : {"/nonexistent-dir/r.json", "", "/proc/x"}) {
        CAPTURE(path);
        auto r = test::run_binary({"--mode", "uds", "--json", path}, 10);
        CHECK(r.status == 2);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    CHECK(test::run_binary({"--mode", "uds", "--json", "/nonexistent-dir/r.json"}, 10).err.find("does not exist") !=
          std::string::npos);
}

namespace {

// A short uds run that writes its report to `path`.
test::CommandResult run_to(const std::string &path) {
    return test::run_binary({"--mode", "uds", "--size", "4K", "--iterations", "200", "--warmup", "0", "--json", path},
                            60);
}

bool report_ok(const std::string &path) {
    std::ifstream in(path);
    const json j = json::parse(in, nullptr, false);
    return !j.is_discarded() && j["runs"][0]["status"] == "ok";
}

}  // namespace

TEST_CASE("--json: a symlink is followed, a FIFO and a device are written through, never replaced") {
    const std::string dir = test::temp_dir();
    SUBCASE("symlink: the target is replaced atomically, the link stays") {
        std::ofstream(dir + "/target.json") << "{}";
        fs::create_symlink(dir + "/target.json", dir + "/link.json");
        REQUIRE(run_to(dir + "/link.json").status == 0);
        CHECK(fs::is_symlink(dir + "/link.json"));
        CHECK(report_ok(dir + "/target.json"));
    }
    SUBCASE("FIFO: written through to its reader") {
        const std::string fifo = dir + "/fifo";
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        std::string got;
        std::thread reader([&] {
            std::ifstream in(fifo);
            got.assign(std::istreambuf_iterator<char>(in), {});
        });
        const auto r = run_to(fifo);
        reader.join();
        CHECK(r.status == 0);
        CHECK(fs::is_fifo(fifo));
        CHECK(json::parse(got, nullptr, false)["runs"][0]["status"] == "ok");
    }
}

TEST_CASE("--json onto a character device: written through, still a device" * doctest::test_suite("needs-root")) {
    const std::string dev = test::temp_dir() + "/null";
    REQUIRE_MESSAGE(::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0, "making a device node needs root");
    CHECK(run_to(dev).status == 0);
    struct stat st {};
    REQUIRE(::stat(dev.c_str(), &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("argv bytes that are not UTF-8 still give a valid JSON report") {
    const std::string path = test::temp_dir() + "/r\xff.json";
    REQUIRE(run_to(path).status == 0);
    CHECK(report_ok(path));
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

namespace {

// A two-terminal server in the background, its stderr kept in a file; stopped when destroyed.
class BackgroundServer {
public:
    BackgroundServer(const std::string &mode, const std::string &endpoint, std::vector<std::string> extra = {})
        : log_(test::temp_dir() + "/server.err") {
        std::vector<std::string> args = {test::binary_path(), "--server", "--mode", mode, "--endpoint", endpoint};
        args.insert(args.end(), extra.begin(), extra.end());
        std::fflush(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {
            const int err = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(err, 2);
            std::vector<char *> argv;
            for (auto &a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            _exit(127);
        }
    }
    ~BackgroundServer() {
        ::kill(pid_, SIGTERM);
        int st;
        ::waitpid(pid_, &st, 0);
    }
    bool running() const { return ::kill(pid_, 0) == 0; }
    std::string log() const {
        std::ifstream in(log_);
        return {std::istreambuf_iterator<char>(in), {}};
    }

private:
    std::string log_;
    pid_t pid_;
};

test::CommandResult two_terminal_client(const std::string &mode, const std::string &endpoint,
                                        const std::string &report) {
    return test::run_binary(
        {"--client", "--mode", mode, "--endpoint", endpoint, "--size", "4K", "--duration", "0.3", "--json", report},
        60);
}

}  // namespace

TEST_CASE("two-terminal form: a server and a client started separately") {
    test::for_each_mode([](const std::string &mode) {
        const std::string endpoint = "test-" + std::to_string(::getpid()) + "-" + mode;
        const BackgroundServer server(mode, endpoint);
        const std::string report = test::temp_dir() + "/tt.json";
        auto r = two_terminal_client(mode, endpoint, report);
        REQUIRE_MESSAGE(r.status == 0, (r.err + r.out));
        std::ifstream in(report);
        json j = json::parse(in);
        auto run = j["runs"][0];
        CHECK(run["status"] == "ok");
        CHECK(run["verified_messages"].get<long>() == run["operations"].get<long>());
        CHECK(run["cpu"]["server_percent"].get<double>() > 0);
    });
}

TEST_CASE("two-terminal server: a peer of another uid is refused, and the next client is served" *
          doctest::test_suite("needs-root")) {
    const std::string endpoint = "test-stranger-" + std::to_string(::getpid());
    const BackgroundServer server("uds", endpoint);
    ::usleep(300'000);
    std::fflush(nullptr);
    const pid_t stranger = ::fork();
    if (stranger == 0) {  // nobody: connect and ask for a session
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(3);
        try {
            Channel ch = connect_to(endpoint, 5000);
            ch.send_text(R"({"mode": "uds", "window": 1, "size": "4096"})");
            ch.recv_text(5000);
        } catch (const std::exception &) {}
        _exit(0);
    }
    int st;
    ::waitpid(stranger, &st, 0);
    CHECK(server.running());
    const auto r = two_terminal_client("uds", endpoint, test::temp_dir() + "/tt.json");
    CHECK_MESSAGE(r.status == 0, (r.err + r.out));
    CHECK(server.log().find("refused a connection from uid 65534") != std::string::npos);
}
TEST_CASE("a client with no server fails with a clear message") {
    auto r =
        test::run_binary({"--client", "--mode", "uds", "--endpoint", "nobody-listens-here", "--duration", "0.2"}, 30);
    CHECK(r.status == 1);
    CHECK(r.out.find("no server listens on endpoint") != std::string::npos);
}

namespace {

// Sets a sysctl for the scope of a test (root only) and puts the old value back.
class ScopedSysctl {
public:
    ScopedSysctl(const std::string &name, const std::string &value) : path_("/proc/sys/" + name) {
        std::replace(path_.begin(), path_.end(), '.', '/');
        std::ifstream in(path_);
        ok_ = ::geteuid() == 0 && std::getline(in, old_) && write(value);
    }
    ~ScopedSysctl() {
        if (ok_) write(old_);
    }
    bool ok() const { return ok_; }

private:
    bool write(const std::string &value) {
        std::ofstream out(path_);
        out << value << "\n";
        return bool(out.flush());
    }
    std::string path_, old_;
    bool ok_ = false;
};

}  // namespace

TEST_CASE("io_uring switched off by sysctl: the io_uring modes are unsupported, naming the sysctl" *
          doctest::test_suite("needs-root")) {
    const ScopedSysctl off("kernel.io_uring_disabled", "2");
    REQUIRE_MESSAGE(off.ok(), "setting kernel.io_uring_disabled needs root and a kernel that has it (6.6+)");
    const std::string report = test::temp_dir() + "/u.json";
    test::run_binary(
        {"--mode", "uds,lfshm-uring,lfshm", "--size", "4K", "--iterations", "200", "--warmup", "0", "--json", report},
        60);
    std::ifstream in(report);
    const json j = json::parse(in);
    for (const json &run : j["runs"]) {
        CAPTURE(run["mode"]);
        if (run["mode"] == "lfshm") {
            CHECK(run["status"] == "ok");
        } else {
            CHECK(run["status"] == "unsupported");
            CHECK(run["error"].get<std::string>().find("kernel.io_uring_disabled=2") != std::string::npos);
        }
    }
    CHECK(test::run_binary({"--list-modes"}, 10).out.find("io_uring_disabled") != std::string::npos);
}

TEST_CASE("socket buffers too small for the in-flight window fail at once, naming net.core.wmem_max" *
          doctest::test_suite("needs-root")) {
    const ScopedSysctl small("net.core.wmem_max", "212992");
    REQUIRE_MESSAGE(small.ok(), "setting net.core.wmem_max needs root");
    // As root the buffers would be forced past the limit: run the binary as nobody, from a copy
    // nobody can reach wherever the build folder is.
    const std::string dir = test::temp_dir(), bin = dir + "/ipc_benchmark";
    fs::permissions(dir, fs::perms::all);
    fs::copy_file(test::binary_path(), bin);
    std::fflush(nullptr);
    const std::uint64_t start = now_ns();
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(3);
        const int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        const std::string report = dir + "/w.json";
        ::execl(bin.c_str(), bin.c_str(), "--mode", "uds", "--size", "64K", "--inflight", "16", "--iterations", "500",
                "--warmup", "0", "--json", report.c_str(), nullptr);
        _exit(127);
    }
    int st;
    ::waitpid(pid, &st, 0);
    CHECK(double(now_ns() - start) * 1e-9 < 10);
    std::ifstream in(dir + "/w.json");
    const json j = json::parse(in, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["runs"][0]["status"] == "failed");
    CHECK(j["runs"][0]["error"].get<std::string>().find("net.core.wmem_max") != std::string::npos);
}

TEST_CASE("two-terminal server: a client that stops is dropped after --timeout, and the next one is served") {
    test::for_each_mode([](const std::string &mode) {
        const std::string endpoint = "test-stuck-" + std::to_string(::getpid()) + "-" + mode;
        const std::string bin = test::binary_path();
        const BackgroundServer server(mode, endpoint, {"--timeout", "1"});
        ::usleep(300'000);
        std::fflush(nullptr);
        const pid_t stuck = ::fork();
        if (stuck == 0) {
            const int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 1);
            ::dup2(devnull, 2);
            ::execl(bin.c_str(), bin.c_str(), "--client", "--mode", mode.c_str(), "--endpoint", endpoint.c_str(),
                    "--size", "4K", "--duration", "30", "--timeout", "60", nullptr);
            _exit(127);
        }
        ::usleep(800'000);       // past the handshake, into the round trips
        ::kill(stuck, SIGSTOP);  // a peer that goes quiet mid-session
        const std::uint64_t start = now_ns();
        const auto r = two_terminal_client(mode, endpoint, test::temp_dir() + "/tt.json");
        const double waited_s = double(now_ns() - start) * 1e-9;
        ::kill(stuck, SIGKILL);
        int st;
        ::waitpid(stuck, &st, 0);
        CHECK_MESSAGE(r.status == 0, (r.err + r.out));
        CHECK(waited_s < 10);  // the stuck session was dropped after ~1 s, not held to its 30 s
    });
}
