// `lfshm-uring`: the `lfshm` rings, but each process sleeps inside its io_uring loop with
// IORING_OP_FUTEX_WAIT on the shared doorbell and wakes the peer with IORING_OP_FUTEX_WAKE
// (Linux 6.7+): shared memory integrated into an io_uring event loop without a helper thread.
//
// Debian's liburing 2.3 predates the futex opcodes, so the SQEs are filled by hand the way newer
// liburing's io_uring_prep_futex_wait/wake do: futex2 flags in fd (FUTEX2_SIZE_U32, never
// FUTEX2_PRIVATE: the word is shared between processes), address in addr, expected value (wait)
// or wake count in off, bitset mask in addr3 (0 is EINVAL: all ones). The wait has no timeout
// of its own; a linked IORING_OP_LINK_TIMEOUT bounds it so liveness is checked every tick.
#include <cerrno>

#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"
#include "rings/lockfree_fan_in.hpp"
#include "rings/uring_sleeper.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

constexpr std::uint8_t kOpFutexWait = 51;         // IORING_OP_FUTEX_WAIT
constexpr std::uint8_t kOpFutexWake = 52;         // IORING_OP_FUTEX_WAKE
constexpr std::uint8_t kOpFutexWaitv = 53;        // IORING_OP_FUTEX_WAITV
constexpr int kFutex2SizeU32 = 0x02;              // FUTEX2_SIZE_U32
constexpr std::uint64_t kMatchAny = 0xFFFFFFFFu;  // FUTEX_BITSET_MATCH_ANY

void prep_futex(io_uring_sqe *sqe, std::uint8_t op, std::atomic<std::uint32_t> &word, std::uint64_t val) {
    io_uring_prep_rw(op, sqe, kFutex2SizeU32, reinterpret_cast<void *>(&word), 0, val);  // zeroes the rest
    sqe->addr3 = kMatchAny;
}

class UringFutexSleeper final : public UringSleeper {
public:
    UringFutexSleeper() : UringSleeper(16, "lfshm-uring: IORING_OP_FUTEX_WAKE") {}

    void sleep(std::atomic<std::uint32_t> &word, std::uint32_t expected, int timeout_ms) override {
        sleep_linked([&](io_uring_sqe *sqe) { prep_futex(sqe, kOpFutexWait, word, expected); }, timeout_ms,
                     [](int res) {  // 0 woken, -EAGAIN value already changed, -ECANCELED timed out
                         if (res < 0 && res != -EAGAIN && res != -ECANCELED && res != -EINTR)
                             throw_errno("lfshm-uring: IORING_OP_FUTEX_WAIT", -res);
                     });
    }

    // One IORING_OP_FUTEX_WAITV over every word (a fan-in server), with the same linked timeout.
    void sleep_any(std::span<std::atomic<std::uint32_t> *const> words, int timeout_ms) override {
        std::vector<futex_waitv> waiters = futex_waiters(words);  // read by the kernel until the CQE
        sleep_linked(
            [&](io_uring_sqe *sqe) {  // futex flags (sqe->futex_flags, in rw_flags' place) stay 0
                io_uring_prep_rw(kOpFutexWaitv, sqe, 0, waiters.data(), unsigned(waiters.size()), 0);
            },
            timeout_ms, [](int res) {  // >= 0 index woken, -EAGAIN a word already changed, -ECANCELED timed out
                if (res < 0 && res != -EAGAIN && res != -ECANCELED && res != -EINTR)
                    throw_errno("lfshm-uring: IORING_OP_FUTEX_WAITV", -res);
            });
    }

    void wake(std::atomic<std::uint32_t> &word) override {
        queue_wake([&](io_uring_sqe *sqe) { prep_futex(sqe, kOpFutexWake, word, 1); });
    }
};

std::string how(const ModeConfig &config, const UringFutexSleeper &sleeper) {
    return "spin " + std::to_string(config.spin_ns / 1000) + " us, then io_uring " + sleeper.setup() +
           " FUTEX_WAIT (linked timeout) / FUTEX_WAKE (queued, submitted with the next wait)";
}

std::unique_ptr<Endpoint> open_lfshm_uring(Role role, Channel &channel, const ModeConfig &config) {
    auto sleeper = std::make_unique<UringFutexSleeper>();
    const std::string text = how(config, *sleeper);
    return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config, std::move(sleeper), config.spin_ns, text);
}

std::unique_ptr<FanInServer> open_lfshm_uring_fan_in(std::span<Channel *const> channels, const ModeConfig &config) {
    auto sleeper = std::make_unique<UringFutexSleeper>();
    const std::string text = how(config, *sleeper) + "; the server sleeps in one FUTEX_WAITV over every client";
    return std::make_unique<LockFreeFanInServer>(channels, config, std::move(sleeper), config.spin_ns, text);
}

std::string futex_ops_unsupported() {
    if (std::string why = io_uring_unavailable(); !why.empty()) return why;
    if (uring_opcode_supported(kOpFutexWait) && uring_opcode_supported(kOpFutexWake) &&
        uring_opcode_supported(kOpFutexWaitv))
        return {};
    return "this kernel's io_uring lacks IORING_OP_FUTEX_WAIT/WAKE/WAITV (Linux 6.7+)";
}

}  // namespace

extern const Mode lfshm_uring_mode = {
    .name = "lfshm-uring",
    .summary = "the lfshm rings; sleeps in the io_uring loop with IORING_OP_FUTEX_WAIT/WAKE (6.7+)",
    .unsupported_reason = futex_ops_unsupported,
    .open = open_lfshm_uring,
    .spins = true,
    .baseline = "lfshm",
    .kernel_needs = "io_uring IORING_OP_FUTEX_WAIT/WAKE/WAITV (Linux 6.7+)",
    .shared_memory = true,
    .open_fan_in = open_lfshm_uring_fan_in,
    .fan_in_design =
        "one loop polls every client's request ring round-robin, spins, then sleeps in one io_uring "
        "FUTEX_WAITV over all their doorbells; its FUTEX_WAKEs to clients are queued and go with that wait",
    .loop_join = LoopJoin::completion,
    .loop_note = "IORING_OP_FUTEX_WAIT is a completion in its ring",
};

}  // namespace ipcb
