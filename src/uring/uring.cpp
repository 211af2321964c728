#include "uring/uring.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/environment.hpp"
#include "core/sys.hpp"

namespace ipcb {

namespace {

constexpr std::pair<UringKnob, const char *> kKnobNames[] = {
    {kPollFirst, "poll-first"}, {kMultishot, "multishot"}, {kRingFd, "ring-fd"}, {kSqpoll, "sqpoll"}};

struct Attempt {
    unsigned flags;
    const char *name;
};

}  // namespace

std::string uring_knobs_text(unsigned knobs) {
    std::string out;
    for (const auto &[knob, name] : kKnobNames) {
        if (!(knobs & knob)) continue;
        if (!out.empty()) out += '+';
        out += name;
    }
    return out.empty() ? "none" : out;
}

unsigned parse_uring_knobs(std::string_view text) {
    if (text == "none") return 0;
    unsigned knobs = 0;
    while (true) {
        const std::size_t plus = text.find('+');
        const std::string_view name = text.substr(0, plus);
        bool found = false;
        for (const auto &[knob, known] : kKnobNames)
            if (name == known) knobs |= knob, found = true;
        if (!found)
            throw std::invalid_argument("unknown io_uring knob '" + std::string(name) +
                                        "' (known: poll-first, multishot, ring-fd, sqpoll, or none; join with +)");
        if (plus == std::string_view::npos) return knobs;
        text.remove_prefix(plus + 1);
    }
}

std::string uring_knobs_unsupported(unsigned knobs) {
    struct Need {
        UringKnob knob;
        int major, minor;
        const char *what;
    };
    const Need needs[] = {{kPollFirst, 5, 19, "IORING_RECVSEND_POLL_FIRST"},
                          {kMultishot, 6, 0, "multishot RECV with provided buffer rings"},
                          {kRingFd, 5, 18, "registered ring fds"},
                          {kSqpoll, 5, 11, "SQPOLL"}};
    utsname u{};
    int major = 0, minor = 0;
    if (::uname(&u) == 0) std::sscanf(u.release, "%d.%d", &major, &minor);
    for (const Need &n : needs)
        if ((knobs & n.knob) && std::pair(major, minor) < std::pair(n.major, n.minor))
            return std::string(n.what) + " needs Linux " + std::to_string(n.major) + "." + std::to_string(n.minor) +
                   "+ (this is " + u.release + ")";
    const std::size_t cpus = current_affinity().size();
    if ((knobs & kSqpoll) && cpus < std::size_t(kSqpollMinCpus))
        return "sqpoll needs " + std::to_string(kSqpollMinCpus) + " CPUs (both roles and each side's SQ polling " +
               "thread on its own); this process may use " + std::to_string(cpus) +
               ", and sharing them made round trips 8-24 ms here (time slices, not I/O)";
    return {};
}

namespace {
unsigned g_reserved_entries = 0;
}

void Uring::reserve_entries(unsigned entries) { g_reserved_entries = entries; }

Uring::Uring(unsigned entries, unsigned knobs, int sq_thread_cpu) {
    entries = std::max(entries, g_reserved_entries);
    const Attempt usual[] = {
        {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, "SINGLE_ISSUER|DEFER_TASKRUN"},
        {IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN"},
        {0, "default"},
    };
    const Attempt polled[] = {{IORING_SETUP_SQPOLL, "SQPOLL"}};
    int rc = -EINVAL;
    for (const Attempt &a : (knobs & kSqpoll) ? std::span<const Attempt>(polled) : std::span<const Attempt>(usual)) {
        io_uring_params p{};
        p.flags = a.flags;
        p.sq_thread_idle = 1000;  // ms before the SQ thread sleeps
        if ((a.flags & IORING_SETUP_SQPOLL) && sq_thread_cpu >= 0) {
            p.flags |= IORING_SETUP_SQ_AFF;
            p.sq_thread_cpu = unsigned(sq_thread_cpu);
        }
        rc = io_uring_queue_init_params(entries, &ring_, &p);
        if (rc == 0) {
            setup_ = a.name;
            if (p.flags & IORING_SETUP_SQ_AFF) setup_ += " (SQ thread on CPU " + std::to_string(sq_thread_cpu) + ")";
            break;
        }
        if (rc != -EINVAL) break;
    }
    if (rc != 0) throw_errno("io_uring_queue_init", -rc);
    if (knobs & kRingFd) {
        check_sys(io_uring_register_ring_fd(&ring_), "io_uring_register_ring_fd");
        setup_ += ", registered ring fd";
    }
}

Uring::Uring(unsigned entries, Interrupting) {
    entries = std::max(entries, g_reserved_entries);
    if (const int rc = io_uring_queue_init(entries, &ring_, 0); rc != 0) throw_errno("io_uring_queue_init", -rc);
    setup_ = "default (completions interrupt the task)";
}

Uring::~Uring() { io_uring_queue_exit(&ring_); }

io_uring_sqe *Uring::sqe() {
    io_uring_sqe *s = io_uring_get_sqe(&ring_);
    if (!s) {
        check_sys(io_uring_submit(&ring_), "io_uring_submit");
        s = io_uring_get_sqe(&ring_);
        if (!s) throw Error("io_uring: no free SQE after submit");
    }
    // liburing's prep helpers leave user_data as the slot's last SQE had it: a mode that sets
    // none would get another source's tag (an event loop's) and its completion sent there.
    s->user_data = 0;
    return s;
}

void Uring::submit_and_wait(unsigned wait_nr) {
    const std::uint64_t start = now_ns();
    int rc;
    do rc = io_uring_submit_and_wait(&ring_, wait_nr);
    while (rc == -EINTR);
    check_sys(rc, "io_uring_submit_and_wait");
    ++counts_.enters;
    if (now_ns() - start > kSlowWaitNs) ++slow_waits_;
}

void Uring::submit_and_wait_for(unsigned wait_nr, std::uint64_t timeout_ns) {
    __kernel_timespec ts{.tv_sec = __kernel_time64_t(timeout_ns / 1'000'000'000u),
                         .tv_nsec = (long long)(timeout_ns % 1'000'000'000u)};
    io_uring_cqe *cqe = nullptr;
    int rc;
    do rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, wait_nr, &ts, nullptr);
    while (rc == -EINTR);
    if (rc < 0 && rc != -ETIME) throw_errno("io_uring_submit_and_wait_timeout", -rc);
    ++counts_.enters;
}

void Uring::submit_queued() {
    if (io_uring_sq_ready(&ring_) == 0) return;
    check_sys(io_uring_submit(&ring_), "io_uring_submit");
    ++counts_.enters;
}

std::string io_uring_unavailable() {
    io_uring ring{};
    const int rc = io_uring_queue_init(2, &ring, 0);
    if (rc == 0) {
        io_uring_queue_exit(&ring);
        return {};
    }
    const std::string sysctl = read_first_line("/proc/sys/kernel/io_uring_disabled");
    const std::string disabled = sysctl.empty() ? std::string("0") : sysctl;  // "": a kernel without it
    std::string why = "io_uring is not available to this process (io_uring_setup: ";
    why += std::strerror(-rc);
    why += "; kernel.io_uring_disabled=";
    why += disabled;
    why += disabled == "2"   ? ": disabled for everyone)"
           : disabled == "1" ? ": only root and kernel.io_uring_group may use it)"
                             : ")";
    return why;
}

bool uring_opcode_supported(int op) {
    io_uring_probe *probe = io_uring_get_probe();
    if (!probe) return false;
    bool ok = io_uring_opcode_supported(probe, op);
    io_uring_free_probe(probe);
    return ok;
}

namespace {

// Whether a ring of 2 entries sets up with `flags` (EINVAL: the kernel lacks one of them).
bool setup_flags_accepted(unsigned flags, std::uint32_t *features = nullptr) {
    io_uring ring{};
    io_uring_params params{};
    params.flags = flags;
    if (io_uring_queue_init_params(2, &ring, &params) < 0) return false;
    if (features) *features = params.features;
    io_uring_queue_exit(&ring);
    return true;
}

bool ring_fd_registers() {
    io_uring ring{};
    if (io_uring_queue_init(2, &ring, 0) < 0) return false;
    const bool ok = io_uring_register_ring_fd(&ring) == 1;
    io_uring_queue_exit(&ring);
    return ok;
}

}  // namespace

std::vector<UringFeature> uring_features() {
    // liburing 2.3's headers predate the futex opcodes: their numbers from the kernel's uapi.
    constexpr int kOpFutexWait = 51, kOpFutexWake = 52, kOpFutexWaitv = 53;
    const std::pair<const char *, int> opcodes[] = {
        {"IORING_OP_SEND", IORING_OP_SEND},         {"IORING_OP_RECV", IORING_OP_RECV},
        {"IORING_OP_MSG_RING", IORING_OP_MSG_RING}, {"IORING_OP_SEND_ZC", IORING_OP_SEND_ZC},
        {"IORING_OP_FUTEX_WAIT", kOpFutexWait},     {"IORING_OP_FUTEX_WAKE", kOpFutexWake},
        {"IORING_OP_FUTEX_WAITV", kOpFutexWaitv},
    };
    std::vector<UringFeature> out;
    io_uring_probe *probe = io_uring_get_probe();
    for (auto [name, op] : opcodes) out.push_back({name, probe && io_uring_opcode_supported(probe, op)});
    if (probe) io_uring_free_probe(probe);
    std::uint32_t features = 0;
    const bool plain = setup_flags_accepted(0, &features);
    out.push_back({"IORING_SETUP_COOP_TASKRUN", setup_flags_accepted(IORING_SETUP_COOP_TASKRUN)});
    out.push_back({"IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN",
                   setup_flags_accepted(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)});
    out.push_back({"IORING_SETUP_SQPOLL", setup_flags_accepted(IORING_SETUP_SQPOLL)});
    out.push_back({"IORING_REGISTER_RING_FDS", ring_fd_registers()});
    out.push_back({"IORING_FEAT_FAST_POLL", plain && (features & IORING_FEAT_FAST_POLL)});
    out.push_back({"IORING_FEAT_NODROP", plain && (features & IORING_FEAT_NODROP)});
    return out;
}

}  // namespace ipcb
