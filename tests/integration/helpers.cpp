#include "helpers.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/sys.hpp"
#include "modes/mode.hpp"
#include "run/child/roles.hpp"
#include "run/parent/orchestrator.hpp"

namespace ipcb::test {
namespace fs = std::filesystem;

RunConfig short_config(const std::string &mode, const std::string &size) {
    RunConfig c;
    c.mode = mode;
    c.size = parse_size_spec(size);
    c.duration_s = 0.3;
    c.warmup_s = 0.05;
    auto cpus = current_affinity();
    c.server_cpu = cpus.at(0);
    c.client_cpu = cpus.size() > 1 ? cpus[1] : cpus[0];
    const Mode *m = find_mode(mode);
    c.spin_ns = m ? m->spin_budget() : 0;
    if (m) c.max_inflight = m->default_max_inflight(c.max_inflight);  // as the command line does
    c.timeout_s = 20;
    return c;
}

RunResult run(const RunConfig &config) { return run_orchestrated(config); }

bool unsupported_by_host_limit(const RunResult &r) {
    const Mode *m = find_mode(r.config.mode);
    if (r.status != RunStatus::unsupported || !m || !m->unsupported_for) return false;
    const std::string why = m->unsupported_for(mode_config_of(r.config), r.config.clients);
    if (why.empty()) return false;
    MESSAGE(r.config.mode << " at " << r.config.size.text << " skipped here: " << why);
    return true;
}

std::vector<std::string> supported_modes() {
    std::vector<std::string> out;
    for (const Mode *m : all_modes())
        if (m->unsupported_reason().empty()) out.push_back(m->name);
    return out;
}

void for_each_mode(const std::function<void(const std::string &)> &body) {
    REQUIRE_MESSAGE(!supported_modes().empty(), "no mode can run on this kernel");
    for (const Mode *m : all_modes()) {
        const std::string why = m->unsupported_reason();
        if (!why.empty()) {
            SUBCASE((std::string(m->name) + " (unsupported here)").c_str()) {
                MESSAGE("mode " << m->name << " skipped: " << why);
            }
            continue;
        }
        SUBCASE(m->name) { body(m->name); }
    }
}

NothingLeftBehind::NothingLeftBehind() : fds(open_fd_count()) {}

void NothingLeftBehind::check() const {
    CHECK(child_processes().empty());
    CHECK(open_fd_count() == fds);
}

std::string binary_path() {
    const char *p = std::getenv("IPCB_BINARY");
    return p ? p : "./ipc_benchmark";
}

static std::string slurp(const std::string &path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string temp_dir() {
    static int counter = 0;
    fs::path p =
        fs::temp_directory_path() / ("ipcb-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(p);
    fs::create_directories(p);
    static struct Cleanup {
        std::vector<fs::path> dirs;
        ~Cleanup() {
            for (auto &d : dirs) fs::remove_all(d);
        }
    } cleanup;
    cleanup.dirs.push_back(p);
    return p.string();
}

CommandResult run_binary(const std::vector<std::string> &args, double timeout_s) {
    std::string dir = temp_dir();
    std::string out = dir + "/stdout", err = dir + "/stderr";
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(o, 1);
        ::dup2(e, 2);
        std::vector<char *> argv;
        std::string bin = binary_path();
        argv.push_back(bin.data());
        for (auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(bin.c_str(), argv.data());
        _exit(127);
    }
    CommandResult r;
    const std::uint64_t deadline = now_ns() + std::uint64_t(timeout_s * 1e9);
    int st = 0;
    for (;;) {
        pid_t w = ::waitpid(pid, &st, WNOHANG);
        if (w == pid) break;
        if (now_ns() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &st, 0);
            r.err = "TEST: killed after timeout\n";
            break;
        }
        ::usleep(10000);
    }
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = slurp(out);
    r.err += slurp(err);
    // Every report a test makes the binary write is held to the repo's JSON Schema.
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--json" && r.status <= 1 && std::filesystem::is_regular_file(args[i + 1]))
            check_against_schema(args[i + 1]);
    return r;
}

void check_against_schema(const std::string &report_path) {
    const char *schema = std::getenv("IPCB_SCHEMA");
    REQUIRE_MESSAGE(schema, "IPCB_SCHEMA (the report schema's path) is not set");
    const std::string cmd =
        "/usr/bin/python3 -c 'import json,sys,jsonschema; "
        "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' '" +
        report_path + "' '" + schema + "' 2>&1";
    FILE *p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string said;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) said += buf;
    const int status = ::pclose(p);
    CHECK_MESSAGE(status == 0, report_path, " does not validate against ", schema, ": ", said);
}

std::vector<int> child_processes() {
    std::vector<int> kids;
    const int self = ::getpid();
    for (auto &e : fs::directory_iterator("/proc")) {
        std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string stat = slurp(e.path().string() + "/stat");
        auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream in(stat.substr(close + 2));
        char state;
        int ppid;
        in >> state >> ppid;
        if (ppid == self) kids.push_back(std::stoi(name));
    }
    return kids;
}

int open_fd_count() {
    int n = 0;
    for ([[maybe_unused]] auto &e : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

}  // namespace ipcb::test
