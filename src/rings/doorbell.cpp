#include "rings/doorbell.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace ipcb {

void FutexSleeper::sleep(std::atomic<std::uint32_t> &word, std::uint32_t expected, int timeout_ms) {
    timespec ts{timeout_ms / 1000, long(timeout_ms % 1000) * 1'000'000};
    // FUTEX_WAIT, not FUTEX_WAIT_PRIVATE: the word lives in memory shared with another process.
    long rc = ::syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAIT, expected, &ts, nullptr, 0);
    if (rc < 0 && errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT) throw_errno("futex(FUTEX_WAIT)");
}

void FutexSleeper::wake(std::atomic<std::uint32_t> &word) {
    if (::syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAKE, 1, nullptr, nullptr, 0) < 0)
        throw_errno("futex(FUTEX_WAKE)");
}

}  // namespace ipcb
