// `lfshm-msgring`: the `lfshm` rings; a side that sleeps waits in its io_uring loop for a
// completion, and the peer posts that completion straight into the sleeper's ring with
// IORING_OP_MSG_RING: no futex, no eventfd, no file in between.
//
// MSG_RING needs the target ring's fd in the sender's process. Ring fds cannot be passed with
// SCM_RIGHTS (EINVAL since Linux 6.7), so each side takes the peer's with pidfd_getfd: the peer's
// pid comes from SO_PEERCRED on the channel (the kernel's word, not the peer's), its ring fd
// number from the handshake. That needs ptrace access to the peer (same user under Yama
// ptrace_scope 0, or root); without it the run fails saying so. The wake SQE is queued and goes
// to the kernel with this side's next wait (one io_uring_enter for both); IOSQE_CQE_SKIP_SUCCESS
// keeps the sender's own ring free of its completion.
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "core/sys.hpp"
#include "ipc/rendezvous.hpp"
#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"
#include "rings/uring_sleeper.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

constexpr std::uint64_t kMessageTag = 0x4d534752;  // "MSGR": a wake from the peer

Fd take_peer_fd(Channel &channel, int fd_number) {
    const int pid = channel.peer().pid;
    Fd pidfd(int(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) throw_errno("lfshm-msgring: pidfd_open(peer " + std::to_string(pid) + ")");
    const long fd = ::syscall(SYS_pidfd_getfd, pidfd.get(), fd_number, 0);
    if (fd < 0)
        throw_errno(
            "lfshm-msgring: pidfd_getfd of the peer's ring (needs ptrace access to the peer: same user "
            "with kernel.yama.ptrace_scope 0, or root)");
    return Fd(int(fd));
}

class MsgRingSleeper final : public UringSleeper {
public:
    MsgRingSleeper() : UringSleeper(16, "lfshm-msgring: IORING_OP_MSG_RING") {}

    // Each side says which fd number its ring has; each takes the other's ring by it.
    void exchange(Role role, Channel &channel) {
        const std::string mine = std::to_string(ring_.get()->ring_fd);
        if (role == Role::server) channel.send_text(mine);
        const std::string theirs = channel.recv_text(10'000);
        if (role == Role::client) channel.send_text(mine);
        int number = -1;
        try {
            number = std::stoi(theirs);
        } catch (const std::exception &) {
            throw Error("lfshm-msgring: the peer sent '" + theirs + "' for its ring fd");
        }
        peer_ring_ = take_peer_fd(channel, number);
    }

    void sleep(std::atomic<std::uint32_t> &, std::uint32_t, int timeout_ms) override {
        wakes_submitted();  // with the wait
        ring_.submit_and_wait_for(1, std::uint64_t(timeout_ms) * 1'000'000u);
        reap_wakes();  // a wake message, or a failed wake of ours; none after a timeout
    }

    void wake(std::atomic<std::uint32_t> &) override {
        queue_wake([&](io_uring_sqe *sqe) { io_uring_prep_msg_ring(sqe, peer_ring_.get(), 0, kMessageTag, 0); });
    }

private:
    Fd peer_ring_;
};

std::unique_ptr<Endpoint> open_lfshm_msgring(Role role, Channel &channel, const ModeConfig &config) {
    auto sleeper = std::make_unique<MsgRingSleeper>();
    sleeper->exchange(role, channel);
    std::string how = "spin " + std::to_string(config.spin_ns / 1000) + " us, then wait for a completion in io_uring " +
                      sleeper->setup() +
                      "; the peer posts it with IORING_OP_MSG_RING (queued, submitted with its next wait)";
    return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config, std::move(sleeper), config.spin_ns, how);
}

std::string msg_ring_unsupported() {
    if (std::string why = io_uring_unavailable(); !why.empty()) return why;
    if (uring_opcode_supported(IORING_OP_MSG_RING)) return {};
    return "this kernel's io_uring lacks IORING_OP_MSG_RING (Linux 5.18+)";
}

}  // namespace

extern const Mode lfshm_msgring_mode = {
    .name = "lfshm-msgring",
    .summary = "the lfshm rings; sleeps in the io_uring loop, woken by the peer's IORING_OP_MSG_RING",
    .unsupported_reason = msg_ring_unsupported,
    .open = open_lfshm_msgring,
    .spins = true,
    .baseline = "lfshm",
    .kernel_needs = "io_uring IORING_OP_MSG_RING (Linux 5.18+), pidfd_getfd (5.6+)",
    .shared_memory = true,
    .fan_in_design =
        "fan-in not built for this mode yet: its sleeper posts to one peer's ring (the design: every client posts "
        "MSG_RING to the server's one ring)",
    .loop_join = LoopJoin::completion,
    .loop_note = "the peer's MSG_RING posts a completion in its ring",
};

}  // namespace ipcb
