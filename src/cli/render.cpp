#include "cli/render.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/sys.hpp"

extern char **environ;

namespace ipcb {
namespace {

constexpr const char *kPython = "/usr/bin/python3";  // the interpreter Debian's matplotlib/plotly serve
constexpr std::uint64_t kScriptTimeoutNs = 300'000'000'000;

// The project's scripts/ folder: IPCB_SCRIPTS_DIR, else the source tree this binary was built from.
std::string scripts_dir() {
    if (const char *dir = std::getenv("IPCB_SCRIPTS_DIR")) return dir;
    return IPCB_SOURCE_SCRIPTS;
}

// Runs `python3 script report`, its stdout discarded (the files it wrote), its stderr passed on;
// returns "" or what went wrong.
std::string run_script(const std::string &script, const std::string &report) {
    if (::access(kPython, X_OK) != 0) return std::string(kPython) + " is not installed";
    if (::access(script.c_str(), R_OK) != 0) return script + " is not there";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<char *> argv = {const_cast<char *>(kPython), const_cast<char *>(script.c_str()),
                                const_cast<char *>(report.c_str()), nullptr};
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, kPython, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return "could not start " + script;
    const std::uint64_t deadline = now_ns() + kScriptTimeoutNs;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (now_ns() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return script + " took over 300 s and was stopped";
        }
        ::usleep(20'000);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    return script + (WIFEXITED(status) ? " exited " + std::to_string(WEXITSTATUS(status)) : " was killed");
}

}  // namespace

int render_sweep_folder(const std::string &dir) {
    int failed = 0;
    for (const char *script : {"plot.py", "report_html.py"}) {
        const std::string why = run_script(scripts_dir() + "/" + script, dir + "/report.json");
        if (why.empty()) continue;
        std::fprintf(stderr, "sweep: warning: %s (the sweep's numbers are written; run it by hand)\n", why.c_str());
        ++failed;
    }
    return failed;
}

}  // namespace ipcb
