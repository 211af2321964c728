#include "floor/bare_pingpong.hpp"

#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

#include "core/size_spec.hpp"
#include "core/stats.hpp"
#include "core/sys.hpp"

namespace ipcb {
namespace {

constexpr int kStallSeconds = 5;  // a peer silent this long has stopped: the measurement fails

void check_args(std::size_t bytes, unsigned round_trips) {
    if (bytes == 0 || bytes > kMaxMessageSize || round_trips < 2)
        throw Error("bare ping-pong: bytes 1..4 MiB and at least 2 round trips");
}

// Round trips before the timed ones: pages touched, caches and the scheduler's view settled.
unsigned warmup_rounds(unsigned round_trips) { return std::max(100u, round_trips / 10); }

// Forks the server side, pinned to `cpu`, running `serve` (returns whether it finished cleanly);
// runs `client` here, pinned to `client_cpu`, with the calling thread's affinity restored after.
// The server is killed if the client fails, and reaped either way.
void run_pair(int client_cpu, int server_cpu, const std::function<bool()> &serve, const std::function<void()> &client) {
    cpu_set_t saved;
    sched_getaffinity(0, sizeof saved, &saved);
    const pid_t pid = ::fork();
    if (pid < 0) throw Error(std::string("bare ping-pong: fork: ") + std::strerror(errno));
    if (pid == 0) {
        bool ok = false;
        try {
            pin_to_cpu(server_cpu);
            ok = serve();
        } catch (...) {}
        ::_exit(ok ? 0 : 1);
    }
    std::string failure;
    try {
        pin_to_cpu(client_cpu);
        client();
    } catch (const std::exception &e) {
        failure = e.what();
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    sched_setaffinity(0, sizeof saved, &saved);
    if (!failure.empty()) throw Error("bare ping-pong: " + failure);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error("bare ping-pong: the server side failed");
}

BareResult summarize(const char *kind, std::size_t bytes, std::vector<std::uint32_t> &ns, std::uint64_t total_ns) {
    const LatencyStats s = compute_latency_stats(ns);
    return {.kind = kind,
            .bytes = bytes,
            .round_trips = unsigned(ns.size()),
            .p50_us = s.p50,
            .p99_us = s.p99,
            .mean_us = double(total_ns) / double(ns.size()) / 1000.0};
}

// Times `rounds` calls of `round_trip` after the warmup ones.
template <class F>
BareResult time_round_trips(const char *kind, std::size_t bytes, unsigned rounds, F &&round_trip) {
    for (unsigned i = 0, w = warmup_rounds(rounds); i < w; ++i) round_trip();
    std::vector<std::uint32_t> ns(rounds);
    const std::uint64_t start = now_ns();
    std::uint64_t t0 = start;
    for (unsigned i = 0; i < rounds; ++i) {
        round_trip();
        const std::uint64_t t1 = now_ns();
        ns[i] = std::uint32_t(std::min<std::uint64_t>(t1 - t0, UINT32_MAX));
        t0 = t1;
    }
    return summarize(kind, bytes, ns, t0 - start);
}

void exact_io(ssize_t got, std::size_t want, const char *what) {
    if (got == ssize_t(want)) return;
    throw Error(std::string(what) + (got < 0 ? std::string(": ") + std::strerror(errno) : ": short or no message"));
}

// --- futex handoff ---------------------------------------------------------------------------

struct FutexPage {
    alignas(64) std::atomic<std::uint32_t> request_seq{0};
    alignas(64) std::atomic<std::uint32_t> response_seq{0};
};

// Sleeps until `word` differs from `seen` (no spinning: the point is the sleeping handoff).
// A shared futex: the two processes' private keys would differ.
void wait_change(std::atomic<std::uint32_t> &word, std::uint32_t seen) {
    const timespec stall{kStallSeconds, 0};
    while (word.load(std::memory_order_acquire) == seen) {
        const long rc = ::syscall(SYS_futex, &word, FUTEX_WAIT, seen, &stall, nullptr, 0);
        if (rc < 0 && errno == ETIMEDOUT) throw Error("the peer stopped answering");
    }
}

void store_and_wake(std::atomic<std::uint32_t> &word, std::uint32_t value) {
    word.store(value, std::memory_order_release);
    ::syscall(SYS_futex, &word, FUTEX_WAKE, 1, nullptr, nullptr, 0);
}

}  // namespace

BareResult bare_socketpair_pingpong(std::size_t bytes, unsigned round_trips, int client_cpu, int server_cpu) {
    check_args(bytes, round_trips);
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        throw Error(std::string("bare ping-pong: socketpair: ") + std::strerror(errno));
    Fd client_end(sv[0]), server_end(sv[1]);
    const timeval stall{kStallSeconds, 0};
    for (int fd : sv) ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &stall, sizeof stall);
    const std::size_t n = bytes;
    const unsigned total = warmup_rounds(round_trips) + round_trips;
    BareResult result;
    run_pair(
        client_cpu, server_cpu,
        [&] {
            client_end.reset();
            std::vector<std::byte> buf(n);
            for (unsigned i = 0; i < total; ++i) {
                if (::recv(server_end.get(), buf.data(), n, 0) != ssize_t(n)) return false;
                if (::send(server_end.get(), buf.data(), n, MSG_NOSIGNAL) != ssize_t(n)) return false;
            }
            return true;
        },
        [&] {
            std::vector<std::byte> out(n, std::byte{1}), in(n);
            result = time_round_trips("socketpair", n, round_trips, [&] {
                exact_io(::send(client_end.get(), out.data(), n, MSG_NOSIGNAL), n, "send");
                exact_io(::recv(client_end.get(), in.data(), n, 0), n, "recv");
            });
        });
    return result;
}

BareResult bare_futex_pingpong(std::size_t bytes, unsigned round_trips, int client_cpu, int server_cpu) {
    check_args(bytes, round_trips);
    const std::size_t n = bytes, map_bytes = sizeof(FutexPage) + 2 * n;
    void *map = ::mmap(nullptr, map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (map == MAP_FAILED) throw Error(std::string("bare ping-pong: mmap: ") + std::strerror(errno));
    auto *page = new (map) FutexPage;
    std::byte *request = static_cast<std::byte *>(map) + sizeof(FutexPage), *response = request + n;
    const unsigned total = warmup_rounds(round_trips) + round_trips;
    BareResult result;
    try {
        run_pair(
            client_cpu, server_cpu,
            [&] {
                std::vector<std::byte> in(n), reply(n, std::byte{2});
                for (std::uint32_t i = 1; i <= total; ++i) {
                    wait_change(page->request_seq, i - 1);
                    std::memcpy(in.data(), request, n);
                    std::memcpy(response, reply.data(), n);
                    store_and_wake(page->response_seq, i);
                }
                return true;
            },
            [&] {
                std::vector<std::byte> in(n), out(n, std::byte{1});
                std::uint32_t seq = 0;
                result = time_round_trips("futex", n, round_trips, [&] {
                    std::memcpy(request, out.data(), n);
                    store_and_wake(page->request_seq, ++seq);
                    wait_change(page->response_seq, seq - 1);
                    std::memcpy(in.data(), response, n);
                });
            });
    } catch (...) {
        ::munmap(map, map_bytes);
        throw;
    }
    ::munmap(map, map_bytes);
    return result;
}

}  // namespace ipcb
