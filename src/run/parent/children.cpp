#include "run/parent/children.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "run/parent/interrupt.hpp"

namespace ipcb {

Pipe Pipe::make() {
    int fds[2];
    check_sys(::pipe2(fds, O_CLOEXEC), "pipe2");
    return {Fd(fds[0]), Fd(fds[1])};
}

void Child::absorb(std::span<const std::byte> bytes) {
    if (!corrupt.empty()) return;
    try {
        records.append(bytes);
    } catch (const Error &e) {
        corrupt = e.what();
    }
}

namespace {

std::string describe_status(const Child &c) {
    if (WIFSIGNALED(c.status)) {
        int sig = WTERMSIG(c.status);
        const char *abbrev = sigabbrev_np(sig);
        return std::string(c.role) + (c.killed_by_us ? " was killed by the orchestrator" : " was killed by signal ") +
               (c.killed_by_us ? "" : std::to_string(sig) + " (SIG" + (abbrev ? abbrev : "?") + ")");
    }
    return std::string(c.role) + " exited with status " + std::to_string(WEXITSTATUS(c.status));
}

std::mutex g_parent_only_mutex;
std::vector<int> g_parent_only;  // keep_from_children

}  // namespace

void keep_from_children(int fd) {
    const std::lock_guard lock(g_parent_only_mutex);
    g_parent_only.push_back(fd);
}

void release_to_close(int fd) {
    const std::lock_guard lock(g_parent_only_mutex);
    std::erase(g_parent_only, fd);
}

void spawn(const char *role, const std::vector<int> &close_in_child, void (*main)(const RoleParams &),
           const RoleParams &params, Child &child) {
    const pid_t parent = ::getpid();
    std::fflush(nullptr);  // or buffered stdio would be written again by the child
    std::vector<int> parent_only;
    {
        const std::lock_guard lock(g_parent_only_mutex);
        parent_only = g_parent_only;
    }
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        ::setpgid(0, 0);  // its own group: killing the group takes any helper it made
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) _exit(111);  // the orchestrator died before prctl took effect
        // Default dispositions: a crash must end the child with its signal, for the orchestrator
        // to report, whatever handler the parent installed (the test framework has some).
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, SIG_DFL);
        ::signal(SIGPIPE, SIG_IGN);
        for (int fd : close_in_child) ::close(fd);
        for (int fd : parent_only) ::close(fd);
        main(params);  // never returns
    }
    ::setpgid(pid, pid);  // also from the parent, so the group exists before we might kill it
    child.role = role;
    child.pid = pid;
    int pfd = int(::syscall(SYS_pidfd_open, pid, 0));
    if (pfd < 0) throw_errno("pidfd_open");
    child.pidfd = Fd(pfd);
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
    while (::waitpid(c.pid, &st, 0) < 0 && errno == EINTR) {}
    c.status = st;
    c.exited = true;
}

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

bool pump(std::span<Child> kids, std::vector<std::string> &events, std::uint64_t deadline_ns,
          const std::function<bool()> &until) {
    for (;;) {
        for (Child &c : kids) note_problems(c, events);
        if (until() || std::all_of(kids.begin(), kids.end(), [](const Child &c) { return c.done(); })) return true;
        if (g_interrupt_signal.load()) return false;
        const std::uint64_t now = now_ns();
        if (now >= deadline_ns) return false;
        std::vector<pollfd> fds(2 * kids.size());
        std::vector<Child *> owner(fds.size());
        std::vector<bool> is_pipe(fds.size());
        int n = 0;
        for (Child &c : kids) {
            if (!c.eof) fds[n] = {c.out.get(), POLLIN, 0}, owner[n] = &c, is_pipe[n++] = true;
            if (!c.exited) fds[n] = {c.pidfd.get(), POLLIN, 0}, owner[n] = &c, is_pipe[n++] = false;
        }
        int timeout_ms = int(std::min<std::uint64_t>((deadline_ns - now) / 1'000'000 + 1, 200));
        int rc = ::poll(fds.data(), nfds_t(n), timeout_ms);
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

}  // namespace ipcb
