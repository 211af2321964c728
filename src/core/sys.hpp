#pragma once
// Thin helpers at the syscall edge: owned fds, errno-carrying errors, the benchmark clock.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ipcb {

// Every failure inside a role or a mode is thrown as this; the role turns it into an ERROR
// record on the result pipe, so the orchestrator reports the message as the run's cause.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void throw_errno(const std::string &what, int err);
[[noreturn]] void throw_errno(const std::string &what);  // uses errno

// Returns the syscall's result; throws with `what` when it is negative (-errno or -1/errno).
long check_sys(long rc, const char *what);

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    Fd(Fd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd &operator=(Fd &&o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

// `ns` nanoseconds as a timespec (or the kernel's __kernel_timespec): a relative timeout or an
// absolute time, as the call that takes it reads it.
template <class Timespec = timespec>
constexpr Timespec timespec_of_ns(std::uint64_t ns) {
    return Timespec{decltype(Timespec::tv_sec)(ns / 1'000'000'000u), decltype(Timespec::tv_nsec)(ns % 1'000'000'000u)};
}
template <class Timespec = timespec>
constexpr Timespec timespec_of_ms(int ms) {
    return timespec_of_ns<Timespec>(std::uint64_t(ms) * 1'000'000u);
}

// `clock` now, in nanoseconds.
inline std::uint64_t clock_ns(clockid_t clock) {
    timespec ts;
    clock_gettime(clock, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

// CLOCK_MONOTONIC through the vDSO (no syscall); every latency sample uses it, and every run
// reports what one read cost (measure_clock_cost_ns).
inline std::uint64_t now_ns() { return clock_ns(CLOCK_MONOTONIC); }

// Sleeps until now_ns() reaches `t` (CLOCK_MONOTONIC, absolute: no drift over many waits).
inline void sleep_until_ns(std::uint64_t t) {
    const timespec ts = timespec_of_ns(t);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {}
}

// A wait for the peer (a sleep, an io_uring wait) that takes this long is a late wake-up: a
// round trip here takes microseconds. Runs count them.
inline constexpr std::uint64_t kSlowWaitNs = 10'000'000;

// The CPUs the calling thread may run on.
// Whether this process holds capability `cap` (linux/capability.h numbering) in its effective
// set: root in a container often lacks some (CAP_SYS_RESOURCE, for one).
bool has_capability(int cap);
inline constexpr int kCapSysResource = 24;  // CAP_SYS_RESOURCE: exceeds pipe and message-queue limits
// A whole number from a /proc/sys file; -1 when it cannot be read.
long read_sysctl(const char *path);

std::vector<int> current_affinity();
// Pins the calling thread (and the threads it starts later) to `cpu` (-1: leaves the affinity
// alone) and returns the affinity it then has. Throws Error when the CPU cannot be used.
std::vector<int> pin_to_cpu(int cpu);

// Measured cost of one now_ns() call in ns (median of several batches).
double measure_clock_cost_ns();

// Blocking full write/read, retrying on EINTR and short transfers. read_full returns the number
// of bytes read, which is less than `len` only at EOF.
void write_full(int fd, const void *buf, std::size_t len);
std::size_t read_full(int fd, void *buf, std::size_t len);

// One `pause` instruction: tells the core we spin, so the sibling hyperthread and the
// power manager are not starved while we poll shared memory.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

// Asks the cache for the line at p with write ownership, without waiting for it. PREFETCHW is
// a no-op on x86 CPUs that predate it; GCC emits it from __builtin_prefetch only with -mprfchw.
inline void prefetch_for_write(const void *p) {
#if defined(__x86_64__) || defined(__i386__)
    asm volatile("prefetchw %0" ::"m"(*static_cast<const char *>(p)));
#else
    __builtin_prefetch(p, 1, 3);
#endif
}

}  // namespace ipcb
