#include "run/child/watchdog.hpp"

#include <signal.h>
#include <sys/socket.h>

#include <chrono>

namespace ipcb {

namespace {

void interrupt_only(int) {}  // its only effect: the interrupted system call returns EINTR

}  // namespace

ProgressWatchdog::ProgressWatchdog(int channel_fd, double timeout_s, const std::atomic<std::uint64_t> &progress)
    : watched_(::pthread_self()),
      thread_([this, channel_fd, timeout_s, &progress] { watch(channel_fd, timeout_s, progress); }) {}

ProgressWatchdog::~ProgressWatchdog() {
    {
        std::lock_guard<std::mutex> g(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void ProgressWatchdog::watch(int channel_fd, double timeout_s, const std::atomic<std::uint64_t> &progress) {
    using clock = std::chrono::steady_clock;
    const auto limit = std::chrono::duration<double>(timeout_s);
    std::uint64_t seen = progress.load(std::memory_order_relaxed);
    auto last_change = clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; })) {
        const std::uint64_t now = progress.load(std::memory_order_relaxed);
        if (now != seen) {
            seen = now;
            last_change = clock::now();
        } else if (clock::now() - last_change > limit) {
            if (!fired_.exchange(true)) {
                struct sigaction sa {};
                sa.sa_handler = interrupt_only;  // no SA_RESTART
                ::sigaction(SIGURG, &sa, nullptr);
                ::shutdown(channel_fd, SHUT_RDWR);
            }
            ::pthread_kill(watched_, SIGURG);  // again every 100 ms: a signal between two waits is lost
        }
    }
}

}  // namespace ipcb
