#include "core/syscall_counter.hpp"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ipcb {
namespace {

const char *const kTracefsDirs[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
constexpr const char *kSysEnterId = "/events/raw_syscalls/sys_enter/id";

// The syscalls IPC loops make, by name. Everything else is counted as "other".
const std::pair<const char *, long> kNamed[] = {
    {"io_uring_enter", SYS_io_uring_enter},
    {"futex", SYS_futex},
    {"read", SYS_read},
    {"write", SYS_write},
    {"sendto", SYS_sendto},
    {"recvfrom", SYS_recvfrom},
    {"sendmsg", SYS_sendmsg},
    {"recvmsg", SYS_recvmsg},
    {"poll", SYS_poll},
    {"ppoll", SYS_ppoll},
    {"sched_yield", SYS_sched_yield},
    {"clock_nanosleep", SYS_clock_nanosleep},
};

long sys_enter_id() {
    for (const char *dir : kTracefsDirs) {
        std::ifstream in(std::string(dir) + kSysEnterId);
        long id = -1;
        if (in >> id) return id;
    }
    return -1;
}

// One thread's counter (pid = its tid), inherited by the threads it starts afterwards.
Fd open_counter(long tracepoint, int tid) {
    perf_event_attr attr{};
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.size = sizeof attr;
    attr.config = std::uint64_t(tracepoint);
    attr.inherit = 1;  // threads started later count too
    const long fd = ::syscall(SYS_perf_event_open, &attr, tid, -1 /* any CPU */, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0) throw_errno("perf_event_open(raw_syscalls:sys_enter; needs root or perf_event_paranoid <= 1)");
    return Fd(int(fd));
}

std::uint64_t value_of(const std::vector<Fd> &fds) {
    std::uint64_t sum = 0;
    for (const Fd &fd : fds) {
        std::uint64_t v = 0;
        if (::read(fd.get(), &v, sizeof v) != ssize_t(sizeof v)) throw_errno("read(perf counter)");
        sum += v;
    }
    return sum;
}

// The threads of this process now (/proc/self/task).
std::vector<int> threads_of_this_process() {
    std::vector<int> tids;
    for (const auto &entry : std::filesystem::directory_iterator("/proc/self/task"))
        tids.push_back(std::stoi(entry.path().filename().string()));
    return tids;
}

// A counter on every thread of the process, optionally filtered to one syscall number.
std::vector<Fd> open_on_every_thread(long tracepoint, const std::vector<int> &tids, const std::string &filter) {
    std::vector<Fd> fds;
    for (int tid : tids) {
        Fd fd = open_counter(tracepoint, tid);
        if (!filter.empty() && ::ioctl(fd.get(), PERF_EVENT_IOC_SET_FILTER, filter.c_str()) < 0)
            throw_errno(std::string("perf tracepoint filter '") + filter + "'");
        fds.push_back(std::move(fd));
    }
    return fds;
}

}  // namespace

std::string prepare_syscall_counting() {
    if (sys_enter_id() >= 0) return {};
    if (::geteuid() != 0) return "tracefs is not mounted and this process is not root";
    if (::mount("nodev", kTracefsDirs[0], "tracefs", 0, nullptr) < 0 && errno != EBUSY)
        return std::string("mounting tracefs at ") + kTracefsDirs[0] + " failed: " + std::strerror(errno);
    return sys_enter_id() >= 0 ? "" : "tracefs has no raw_syscalls:sys_enter tracepoint";
}

SyscallCounter::SyscallCounter() {
    const long id = sys_enter_id();
    if (id < 0) throw Error("raw_syscalls:sys_enter is not readable in tracefs (not mounted, or not root)");
    const std::vector<int> tids = threads_of_this_process();
    total_ = open_on_every_thread(id, tids, "");
    for (const auto &[name, nr] : kNamed)
        named_.emplace_back(name, open_on_every_thread(id, tids, "id == " + std::to_string(nr)));
}

SyscallCounts SyscallCounter::read() const {
    SyscallCounts c;
    c.total = value_of(total_);
    for (const auto &[name, fd] : named_) c.by_name[name] = value_of(fd);
    return c;
}

SyscallCounts operator-(const SyscallCounts &a, const SyscallCounts &b) {
    SyscallCounts d;
    d.total = a.total - b.total;
    std::uint64_t named = 0;
    for (const auto &[name, n] : a.by_name) {
        auto it = b.by_name.find(name);
        named += d.by_name[name] = n - (it == b.by_name.end() ? 0 : it->second);
    }
    // The counters are read one after another, so a few reads of them may land in one and not in
    // another: "other" is never negative.
    d.by_name["other"] = d.total > named ? d.total - named : 0;
    return d;
}

}  // namespace ipcb
