#include "bench/orchestrator.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "bench/role_json.hpp"
#include "bench/noise.hpp"
#include "bench/roles.hpp"
#include "core/sys.hpp"
#include "ipc/framing.hpp"
#include "modes/mode.hpp"

namespace ipcb {

std::atomic<int> g_interrupt_signal{0};

namespace {
void on_interrupt(int sig) { g_interrupt_signal.store(sig); }
}  // namespace

void install_interrupt_handlers() {
    struct sigaction sa{};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);  // no SA_RESTART: poll() returns EINTR at once
    sigaction(SIGTERM, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

int exit_status(const std::vector<RunResult> &runs) {
    if (int sig = g_interrupt_signal.load()) return 128 + sig;
    for (auto &r : runs)
        if (r.status == "failed") return 1;
    return 0;
}

namespace {

constexpr double kSetupTimeoutS = 15;
constexpr double kGraceAfterFailureS = 1.0;  // the surviving role may still explain the failure

struct Pipe {
    Fd read, write;
    static Pipe make() {
        int fds[2];
        check_sys(::pipe2(fds, O_CLOEXEC), "pipe2");
        return {Fd(fds[0]), Fd(fds[1])};
    }
};

struct Child {
    const char *role;
    pid_t pid = -1;
    Fd pidfd;
    Fd out;                      // read end of its result pipe
    FrameStream records;         // what it wrote, decoded as it arrives
    std::string corrupt;         // why its stream stopped making sense, if it did
    bool eof = false, exited = false;
    int status = 0;              // waitpid status once exited
    bool killed_by_us = false;
    bool error_noted = false, exit_noted = false;

    void absorb(std::span<const std::byte> bytes) {
        if (!corrupt.empty()) return;
        try {
            records.append(bytes);
        } catch (const Error &e) {
            corrupt = e.what();
        }
    }
    bool ready() const { return records.has(FrameType::ready) || !corrupt.empty(); }  // corrupt: stop waiting
    bool sent_error() const { return records.has(FrameType::error); }
    bool done() const { return eof && exited; }
    bool failed() const { return (exited && status != 0) || sent_error(); }
};

std::string describe_status(const Child &c) {
    if (WIFSIGNALED(c.status)) {
        int sig = WTERMSIG(c.status);
        const char *abbrev = sigabbrev_np(sig);
        return std::string(c.role) + (c.killed_by_us ? " was killed by the orchestrator" : " was killed by signal ") +
               (c.killed_by_us ? "" : std::to_string(sig) + " (SIG" + (abbrev ? abbrev : "?") + ")");
    }
    return std::string(c.role) + " exited with status " + std::to_string(WEXITSTATUS(c.status));
}

pid_t spawn(const char *role, const std::vector<int> &close_in_child, void (*main)(const RoleParams &),
            const RoleParams &params, Child &child) {
    const pid_t parent = ::getpid();
    std::fflush(nullptr);  // or buffered stdio would be written again by the child
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        ::setpgid(0, 0);  // its own group: killing the group takes any helper it made
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) _exit(111);  // the orchestrator died before prctl took effect
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        ::signal(SIGPIPE, SIG_IGN);
        for (int fd : close_in_child) ::close(fd);
        main(params);  // never returns
    }
    ::setpgid(pid, pid);  // also from the parent, so the group exists before we might kill it
    child.role = role;
    child.pid = pid;
    int pfd = int(::syscall(SYS_pidfd_open, pid, 0));
    if (pfd < 0) throw_errno("pidfd_open");
    child.pidfd = Fd(pfd);
    return pid;
}

void kill_group(Child &c) {
    if (c.pid > 0 && !c.exited) {
        ::kill(-c.pid, SIGKILL);
        c.killed_by_us = true;
    }
}

void reap(Child &c) {
    if (c.pid <= 0 || c.exited) return;
    int st;
    while (::waitpid(c.pid, &st, 0) < 0 && errno == EINTR) {
    }
    c.status = st;
    c.exited = true;
}

// Appends what went wrong with `c` (its ERROR record, an abnormal exit) to `events` the first time
// it is seen, so the run's cause lists problems in the order they happened: the root cause first.
void note_problems(Child &c, std::vector<std::string> &events) {
    if (!c.error_noted) {
        for (auto &f : c.records.frames())
            if (f.type == FrameType::error) events.push_back(f.text()), c.error_noted = true;
        if (!c.corrupt.empty()) events.push_back(std::string(c.role) + ": " + c.corrupt), c.error_noted = true;
    }
    if (c.exited && c.status != 0 && !c.exit_noted) {
        events.push_back(describe_status(c));
        c.exit_noted = true;
    }
}

// Waits until `until()` holds, every child is done, or the deadline passes; reads result pipes and
// notes exits as they happen. Returns false on timeout or interruption.
template <class Until>
bool pump(Child (&kids)[2], std::vector<std::string> &events, std::uint64_t deadline_ns, Until until) {
    for (;;) {
        for (Child &c : kids) note_problems(c, events);
        if (until() || (kids[0].done() && kids[1].done())) return true;
        if (g_interrupt_signal.load()) return false;
        const std::uint64_t now = now_ns();
        if (now >= deadline_ns) return false;
        pollfd fds[4];
        Child *owner[4];
        bool is_pipe[4];
        int n = 0;
        for (Child &c : kids) {
            if (!c.eof) fds[n] = {c.out.get(), POLLIN, 0}, owner[n] = &c, is_pipe[n++] = true;
            if (!c.exited) fds[n] = {c.pidfd.get(), POLLIN, 0}, owner[n] = &c, is_pipe[n++] = false;
        }
        int timeout_ms = int(std::min<std::uint64_t>((deadline_ns - now) / 1'000'000 + 1, 200));
        int rc = ::poll(fds, nfds_t(n), timeout_ms);
        if (rc < 0 && errno == EINTR) continue;
        check_sys(rc, "poll(children)");
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            Child &c = *owner[i];
            if (is_pipe[i]) {
                std::byte buf[65536];
                ssize_t got = ::read(c.out.get(), buf, sizeof buf);
                if (got > 0) c.absorb(std::span(buf, std::size_t(got)));
                else if (got == 0 || errno != EINTR) c.eof = true;
            } else {
                siginfo_t info{};
                if (::waitid(P_PID, id_t(c.pid), &info, WEXITED | WNOHANG) == 0 && info.si_pid == c.pid) {
                    c.exited = true;
                    c.status = info.si_code == CLD_EXITED ? W_EXITCODE(info.si_status, 0) : info.si_status;
                }
            }
        }
    }
}

void evaluate(RunResult &r, Child (&kids)[2]) {
    std::optional<RoleReport> reports[2];
    std::vector<std::uint32_t> samples;
    bool have_samples = false;
    for (int i = 0; i < 2; ++i) {
        try {
            if (!kids[i].corrupt.empty()) throw Error(kids[i].corrupt);
            kids[i].records.finish();
        } catch (const Error &e) {
            throw Error(std::string(kids[i].role) + ": " + e.what());
        }
        for (auto &f : kids[i].records.frames()) {
            if (f.type == FrameType::result) {
                auto j = nlohmann::json::parse(f.text(), nullptr, false);
                if (j.is_discarded()) throw Error(std::string(kids[i].role) + ": malformed result record");
                reports[i] = j.get<RoleReport>();
            } else if (f.type == FrameType::samples) {
                if (f.payload.size() % 4) throw Error("client: samples record has a partial sample");
                samples.resize(f.payload.size() / 4);
                std::memcpy(samples.data(), f.payload.data(), f.payload.size());
                have_samples = true;
            }
        }
        if (!reports[i]) throw Error(std::string(kids[i].role) + " exited without sending its result record");
    }
    if (!have_samples) throw Error("client sent no latency samples");
    r.server = reports[0];
    r.client = reports[1];
    r.samples_ns = std::move(samples);
    finalize_result(r);
}

std::atomic<unsigned> g_run_counter{0};

}  // namespace

RunResult run_measured(const RunConfig &config) {
    LoadSample before = sample_load();
    RunResult r = run_orchestrated(config);
    r.load_before = std::move(before);
    r.load_after = sample_load();
    r.noise = assess_noise(r);
    return r;
}

double run_deadline_s(const RunConfig &c) {
    if (c.timeout_s > 0) return c.timeout_s;
    if (c.iterations) return 120 + c.warmup_s;
    return c.warmup_s + 2 * c.duration_s + 10;
}

RunResult run_orchestrated(const RunConfig &config) {
    RunResult r;
    r.config = config;
    r.started_unix_s = double(std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count()) * 1e-6;
    const Mode *mode = find_mode(config.mode);
    if (!mode) {
        r.error = "unknown mode '" + config.mode + "'";
        return r;
    }
    if (std::string why = mode->unsupported_reason(); !why.empty()) {
        r.status = "unsupported";
        r.error = why;
        return r;
    }

    Pipe server_out = Pipe::make(), client_out = Pipe::make(), go = Pipe::make();
    RoleParams base{.run = config,
                    .endpoint = "run-" + std::to_string(::getpid()) + "-" + std::to_string(g_run_counter++)};
    RoleParams sp = base, cp = base;
    sp.cpu = config.server_cpu, sp.go_fd = go.read.get(), sp.result_fd = server_out.write.get();
    cp.cpu = config.client_cpu, cp.go_fd = go.read.get(), cp.result_fd = client_out.write.get();

    Child kids[2];
    spawn("server", {server_out.read.get(), client_out.read.get(), client_out.write.get(), go.write.get()},
          server_child_main, sp, kids[0]);
    try {
        spawn("client", {server_out.read.get(), server_out.write.get(), client_out.read.get(), go.write.get()},
              client_child_main, cp, kids[1]);
    } catch (...) {
        kill_group(kids[0]);
        reap(kids[0]);
        throw;
    }
    server_out.write.reset();
    client_out.write.reset();
    go.read.reset();
    kids[0].out = std::move(server_out.read);
    kids[1].out = std::move(client_out.read);

    std::vector<std::string> events;
    auto any_failed = [&] { return kids[0].failed() || kids[1].failed(); };
    const auto secs = [](double s) { return std::uint64_t(s * 1e9); };

    // Setup: both must report READY (or one fails) before anything is timed.
    bool ok = pump(kids, events, now_ns() + secs(kSetupTimeoutS),
                   [&] { return (kids[0].ready() && kids[1].ready()) || any_failed(); });
    if (!ok && !g_interrupt_signal.load())
        events.push_back("timeout: setup did not finish within " + std::to_string(int(kSetupTimeoutS)) + " s");
    const bool started = ok && !any_failed();
    go.write.reset();  // EOF on the start pipe releases both roles at once

    if (started) {
        const double limit = run_deadline_s(config);
        ok = pump(kids, events, now_ns() + secs(limit), any_failed);
        if (ok && any_failed()) {  // give the survivor a moment to end and say what it saw
            pump(kids, events, now_ns() + secs(kGraceAfterFailureS), [] { return false; });
        } else if (!ok && !g_interrupt_signal.load()) {
            std::string who;
            for (Child &c : kids)
                if (!c.done()) who += who.empty() ? c.role : std::string(" and ") + c.role;
            char secs_text[32];
            std::snprintf(secs_text, sizeof secs_text, "%.1f", limit);
            events.push_back("timeout: " + who + " did not finish within " + secs_text + " s (hung; killed)");
        }
    }
    if (int sig = g_interrupt_signal.load()) events.push_back(std::string("interrupted by SIG") + sigabbrev_np(sig));
    for (Child &c : kids) kill_group(c);
    for (Child &c : kids) reap(c);
    for (Child &c : kids) note_problems(c, events);

    try {
        if (!events.empty() || any_failed() || !started) {
            std::string cause;
            for (auto &e : events) cause += (cause.empty() ? "" : "; ") + e;
            throw Error(cause);
        }
        evaluate(r, kids);
        r.status = "ok";
    } catch (const Error &e) {
        r.status = "failed";
        r.error = e.what();
        if (r.error.empty()) r.error = "run failed without a reported cause";
    }
    return r;
}

}  // namespace ipcb
