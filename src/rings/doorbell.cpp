#include "rings/doorbell.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace ipcb {

void FutexSleeper::sleep(std::atomic<std::uint32_t> &word, std::uint32_t expected, int timeout_ms) {
    const timespec ts = timespec_of_ms(timeout_ms);
    // FUTEX_WAIT, not FUTEX_WAIT_PRIVATE: the word lives in memory shared with another process.
    long rc = ::syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAIT, expected, &ts, nullptr, 0);
    if (rc < 0 && errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT) throw_errno("futex(FUTEX_WAIT)");
}

void FutexSleeper::wake(std::atomic<std::uint32_t> &word) {
    if (::syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAKE, 1, nullptr, nullptr, 0) < 0)
        throw_errno("futex(FUTEX_WAKE)");
}

void Sleeper::sleep_any(std::span<std::atomic<std::uint32_t> *const>, int) {
    throw Error("this sleeper cannot wait on several doorbells at once");
}

std::vector<futex_waitv> futex_waiters(std::span<std::atomic<std::uint32_t> *const> words) {
    if (words.size() > FUTEX_WAITV_MAX) throw Error("more doorbells than futex_waitv takes (128)");
    std::vector<futex_waitv> v(words.size());
    for (std::size_t i = 0; i < words.size(); ++i)  // FUTEX_32 without FUTEX_PRIVATE_FLAG: shared words
        v[i] = {.val = 1, .uaddr = reinterpret_cast<std::uintptr_t>(words[i]), .flags = FUTEX_32, .__reserved = 0};
    return v;
}

void FutexSleeper::sleep_any(std::span<std::atomic<std::uint32_t> *const> words, int timeout_ms) {
    std::vector<futex_waitv> waiters = futex_waiters(words);
    const std::uint64_t deadline = now_ns() + std::uint64_t(timeout_ms) * 1'000'000u;
    timespec ts = timespec_of_ns(deadline);  // absolute
    long rc = ::syscall(SYS_futex_waitv, waiters.data(), unsigned(waiters.size()), 0u, &ts, CLOCK_MONOTONIC);
    if (rc < 0 && errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT) throw_errno("futex_waitv");
}

}  // namespace ipcb
