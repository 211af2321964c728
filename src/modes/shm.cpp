// `shm`: the traditional design, every hop kept so the report shows what it costs.
//
//   sender:  lock ring mutex, copy record in, unlock, pthread_cond_signal(not_empty)
//   receiver process:
//     helper thread:   pthread_cond_wait(not_empty) until the main loop is armed and data is there,
//                      then write(2) 1 to an eventfd
//     io_uring loop:   IORING_OP_READ on the eventfd completes; lock, copy the record out, unlock
//
// Only the hops the design needs: the main loop arms the helper (under the ring mutex) only when
// it found the ring empty and is about to wait, so the helper never signals data the loop already
// took (no spurious wake-ups) and cannot miss data that arrived before arming (it checks under the
// same mutex). The eventfd is written with write(2): an io_uring WRITE to an eventfd is punted to
// an io-wq worker, a thread hop more per wake-up. No busy polling anywhere.
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>

#include "modes/mode.hpp"
#include "rings/locked_duplex.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

class ShmEndpoint final : public Endpoint {
public:
    ShmEndpoint(Role role, Channel &channel, const ModeConfig &config)
        : duplex_(role, channel, config),
          efd_(int(check_sys(::eventfd(0, EFD_CLOEXEC), "eventfd"))),
          ring_(4),
          helper_([this] { helper_main(); }) {}

    ~ShmEndpoint() override {
        stop_.store(true);
        try {
            RingLock lock(*duplex_.in(), duplex_.alive());
            pthread_cond_broadcast(&duplex_.in()->not_empty);
        } catch (const std::exception &) {
            // peer gone or mutex unusable: the helper notices stop_ at its next tick
        }
        helper_.join();
    }

    void send(std::span<const std::byte> msg) override { duplex_.send(msg); }

    std::size_t recv(std::span<std::byte> buf) override {
        if (auto n = duplex_.try_recv(buf, /*arm=*/true)) return *n;
        wait_for_helper();
        auto n = duplex_.try_recv(buf, /*arm=*/false);
        if (!n) throw Error("shm: the helper signalled, but the ring is empty");
        return *n;
    }

    void finish() override { duplex_.send({}); }

    std::uint64_t slow_waits() const override { return ring_.slow_waits(); }

    std::string describe() const override {
        return "memfd, 2 rings of " + std::to_string(duplex_.capacity() / 1024) +
               " KiB guarded by a robust process-shared mutex + condvars; helper thread waits on the condvar and "
               "writes an eventfd; io_uring " +
               ring_.setup() + " IORING_OP_READ of the eventfd";
    }

private:
    // The event loop's wait: one READ of the eventfd through io_uring.
    void wait_for_helper() {
        std::uint64_t value = 0;
        io_uring_sqe *sqe = ring_.sqe();
        io_uring_prep_read(sqe, efd_.get(), &value, sizeof value, 0);
        ring_.submit_and_wait();
        ring_.reap([](std::uint64_t, int res) {
            if (res < 0) throw_errno("shm: io_uring READ(eventfd)", -res);
        });
        if (helper_failed_.load()) {
            std::lock_guard<std::mutex> g(helper_error_mutex_);
            throw Error("shm: " + helper_error_);
        }
    }

    void helper_main() {
        LockedRingView &in = duplex_.in();
        try {
            while (!stop_.load()) {
                {
                    RingLock lock(*in, duplex_.alive());
                    while (!stop_.load() && !(in->consumer_armed && !in.empty())) lock.wait(in->not_empty);
                    if (stop_.load()) break;
                    in->consumer_armed = 0;
                }
                notify_loop();
            }
        } catch (const std::exception &e) {
            {
                std::lock_guard<std::mutex> g(helper_error_mutex_);
                helper_error_ = e.what();
            }
            helper_failed_.store(true);
            notify_loop();  // the loop must not wait forever for a helper that is gone
        }
    }

    void notify_loop() {
        const std::uint64_t one = 1;
        while (::write(efd_.get(), &one, sizeof one) < 0 && errno == EINTR) {}
    }

    LockedDuplex duplex_;
    Fd efd_;
    Uring ring_;
    std::atomic<bool> stop_{false}, helper_failed_{false};
    std::mutex helper_error_mutex_;
    std::string helper_error_;
    std::thread helper_;  // last: started after everything it uses exists
};

std::unique_ptr<Endpoint> open_shm(Role role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<ShmEndpoint>(role, channel, config);
}

}  // namespace

extern const Mode shm_mode = {
    .name = "shm",
    .summary = "memfd ring + process-shared mutex/condvar; helper thread -> eventfd -> io_uring READ",
    .unsupported_reason = io_uring_unavailable,
    .open = open_shm,
    .baseline = "shm-direct",
    .kernel_needs = "io_uring",
};

}  // namespace ipcb
