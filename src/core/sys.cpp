#include "core/sys.hpp"

#include <sched.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace ipcb {

void throw_errno(const std::string &what, int err) { throw Error(what + ": " + std::strerror(err)); }

void throw_errno(const std::string &what) { throw_errno(what, errno); }

long check_sys(long rc, const char *what) {
    if (rc == -1) throw_errno(what);
    if (rc < 0) throw_errno(what, int(-rc));
    return rc;
}

void Fd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

double measure_clock_cost_ns() {
    constexpr int kBatches = 9, kCalls = 20000;
    std::vector<double> per_call;
    volatile std::uint64_t sink = 0;
    for (int b = 0; b < kBatches; ++b) {
        std::uint64_t t0 = now_ns();
        for (int i = 0; i < kCalls; ++i) sink = sink + now_ns();
        per_call.push_back(double(now_ns() - t0) / kCalls);
    }
    std::nth_element(per_call.begin(), per_call.begin() + kBatches / 2, per_call.end());
    return per_call[kBatches / 2];
}

void write_full(int fd, const void *buf, std::size_t len) {
    auto *p = static_cast<const char *>(buf);
    while (len > 0) {
        ssize_t n = ::write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write");
        }
        p += n;
        len -= std::size_t(n);
    }
}

std::size_t read_full(int fd, void *buf, std::size_t len) {
    auto *p = static_cast<char *>(buf);
    std::size_t got = 0;
    while (got < len) {
        ssize_t n = ::read(fd, p + got, len - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read");
        }
        if (n == 0) break;
        got += std::size_t(n);
    }
    return got;
}

std::vector<int> current_affinity() {
    cpu_set_t set;
    CPU_ZERO(&set);
    check_sys(sched_getaffinity(0, sizeof set, &set), "sched_getaffinity");
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) cpus.push_back(c);
    return cpus;
}

std::vector<int> pin_to_cpu(int cpu) {
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0)
            throw_errno("sched_setaffinity(CPU " + std::to_string(cpu) + ")");
    }
    return current_affinity();
}

}  // namespace ipcb

namespace ipcb {

long read_sysctl(const char *path) {
    std::ifstream f(path);
    long v = -1;
    return f >> v ? v : -1;
}

bool has_capability(int cap) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("CapEff:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> cap) & 1;
    return false;
}

}  // namespace ipcb
