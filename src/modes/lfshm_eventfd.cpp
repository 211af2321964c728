// `lfshm-eventfd`: the `lfshm` rings; a side that sleeps waits in its io_uring loop for an
// IORING_OP_READ of its own eventfd, and the peer wakes it with write(2) to that eventfd. No
// helper thread and no mutex: set against `shm` (mutex + condvar + helper thread + eventfd), it
// shows what that chain adds on top of the eventfd wake-up itself.
//
// The doorbell protocol (rings/doorbell.hpp) decides when a wake is needed; the eventfd keeps a
// wake that comes before the READ is armed (its counter), so none is lost. The eventfd is written
// with write(2): an io_uring WRITE to an eventfd is punted to an io-wq worker thread.
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "ipc/rendezvous.hpp"
#include "modes/mode.hpp"
#include "rings/lockfree_duplex.hpp"
#include "rings/uring_sleeper.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

// Sleeps on an io_uring READ of its own eventfd; wakes the peer with write(2), never queued.
class EventfdSleeper final : public UringSleeper {
public:
    EventfdSleeper()
        : UringSleeper(8, "lfshm-eventfd: wake"), own_(int(check_sys(::eventfd(0, EFD_CLOEXEC), "eventfd"))) {}

    // Server first sends its eventfd, then takes the client's; the client the other way round.
    void exchange(Role role, Channel &channel) {
        if (role == Role::server) channel.send_fd(own_.get());
        peer_ = channel.recv_fd(10'000);
        if (role == Role::client) channel.send_fd(own_.get());
    }

    void sleep(std::atomic<std::uint32_t> &, std::uint32_t, int timeout_ms) override {
        sleep_linked([&](io_uring_sqe *sqe) { io_uring_prep_read(sqe, own_.get(), &count_, sizeof count_, 0); },
                     timeout_ms,
                     [](int res) {
                         if (res < 0 && res != -ECANCELED && res != -EINTR)
                             throw_errno("lfshm-eventfd: io_uring READ(eventfd)", -res);
                     });
    }

    void wake(std::atomic<std::uint32_t> &) override {
        const std::uint64_t one = 1;
        while (::write(peer_.get(), &one, sizeof one) < 0)
            if (errno != EINTR) throw_errno("lfshm-eventfd: write(eventfd)");
    }

private:
    Fd own_, peer_;
    std::uint64_t count_ = 0;
};

std::unique_ptr<Endpoint> open_lfshm_eventfd(Role role, Channel &channel, const ModeConfig &config) {
    auto sleeper = std::make_unique<EventfdSleeper>();
    sleeper->exchange(role, channel);
    std::string how = "spin " + std::to_string(config.spin_ns / 1000) + " us, then io_uring " + sleeper->setup() +
                      " READ of an eventfd (linked timeout); the peer wakes it with write(2)";
    return std::make_unique<LockFreeDuplexEndpoint>(role, channel, config, std::move(sleeper), config.spin_ns, how);
}

}  // namespace

extern const Mode lfshm_eventfd_mode = {
    .name = "lfshm-eventfd",
    .summary = "the lfshm rings; sleeps in the io_uring loop on an eventfd READ, woken by write(2)",
    .unsupported_reason = io_uring_unavailable,
    .open = open_lfshm_eventfd,
    .spins = true,
    .baseline = "shm",
    .kernel_needs = "io_uring",
    .shared_memory = true,
    .fan_in_design =
        "fan-in not built for this mode yet: its sleeper wakes one peer's eventfd (the design: every client writes the "
        "one eventfd the server READs)",
    .loop_join = LoopJoin::completion,
    .loop_note = "the READ of its eventfd is a completion in its ring",
};

}  // namespace ipcb
