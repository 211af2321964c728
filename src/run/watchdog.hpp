#pragma once
// Drops a two-terminal session that stops making progress (a peer that completed the handshake
// and went quiet, or was stopped): when `progress` has not moved for `timeout_s`, a thread shuts
// the channel socket down. The endpoint then ends its wait with an error: a uds RECV returns,
// and the shared-memory modes' liveness checks (Channel::peer_gone, every tick) see the hang-up.
// Orchestrated runs do not need it: the orchestrator kills roles at the run's deadline.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

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
    std::thread thread_;
};

}  // namespace ipcb
