#pragma once
// Drops a two-terminal session that stops making progress (a peer that completed the handshake
// and went quiet, or was stopped): when `progress` has not moved for `timeout_s`, a thread shuts
// the channel socket down. The endpoint then ends its wait with an error: a uds RECV returns,
// the shared-memory modes' liveness checks (Channel::peer_gone, every tick) and the io_uring
// stream and queue modes' POLL_ADD on the channel see the hang-up. A wait that watches nothing
// but its own descriptor (a blocking read of a pipe, a TCP socket, a queue) is interrupted: the
// thread that started the watchdog gets SIGURG every 100 ms (a handler without SA_RESTART, so the
// call fails with EINTR), and the endpoint then checks the channel.
// Orchestrated runs do not need it: the orchestrator kills roles at the run's deadline.
#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/sys.hpp"

namespace ipcb {

class ProgressWatchdog {
public:
    ProgressWatchdog(int channel_fd, double timeout_s, const std::atomic<std::uint64_t> &progress);
    ~ProgressWatchdog();
    ProgressWatchdog(const ProgressWatchdog &) = delete;
    ProgressWatchdog &operator=(const ProgressWatchdog &) = delete;
    bool fired() const { return fired_.load(); }

private:
    void watch(int channel_fd, double timeout_s, const std::atomic<std::uint64_t> &progress);
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::atomic<bool> fired_{false};
    pthread_t watched_;  // the serving thread, interrupted once the watchdog fired
    std::thread thread_;
};

// Runs body() under a ProgressWatchdog when timeout_s > 0; an error that the watchdog caused
// (by shutting the channel down) says so, naming the peer that stopped.
template <class Body>
void run_watched(int channel_fd, double timeout_s, const std::atomic<std::uint64_t> &progress, const char *peer,
                 Body body) {
    std::optional<ProgressWatchdog> watchdog;
    if (timeout_s > 0) watchdog.emplace(channel_fd, timeout_s, progress);
    try {
        body();
    } catch (const std::exception &e) {
        if (watchdog && watchdog->fired())
            throw Error(std::string("the ") + peer + " made no progress for " + std::to_string(int(timeout_s)) +
                        " s (stopped or silent): session dropped (" + e.what() + ")");
        throw;
    }
}

}  // namespace ipcb
