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
#include "rings/round_robin.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

// The helper thread of one incoming ring: waits on its condvar until the event loop is armed and
// data is there, then writes 1 to the loop's eventfd. A fan-in server runs one per client ring,
// all writing the same eventfd: the loop's one READ covers them all.
class CondvarHelper {
public:
    CondvarHelper(LockedDuplex &duplex, int efd) : duplex_(duplex), efd_(efd), thread_([this] { run(); }) {}

    ~CondvarHelper() {
        stop_.store(true);
        try {
            RingLock lock(*duplex_.in(), duplex_.alive());
            pthread_cond_broadcast(&duplex_.in()->not_empty);
        } catch (const std::exception &) {
            // peer gone or mutex unusable: the helper notices stop_ at its next tick
        }
        thread_.join();
    }

    // Throws what ended the helper, if it ended by an error.
    void check() {
        if (!failed_.load()) return;
        std::lock_guard<std::mutex> g(error_mutex_);
        throw Error("shm: " + error_);
    }

private:
    void run() {
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
                std::lock_guard<std::mutex> g(error_mutex_);
                error_ = e.what();
            }
            failed_.store(true);
            notify_loop();  // the loop must not wait forever for a helper that is gone
        }
    }

    void notify_loop() {
        const std::uint64_t one = 1;
        while (::write(efd_, &one, sizeof one) < 0 && errno == EINTR) {}
    }

    LockedDuplex &duplex_;
    int efd_;
    std::atomic<bool> stop_{false}, failed_{false};
    std::mutex error_mutex_;
    std::string error_;
    std::thread thread_;  // last: started after everything it uses exists
};

// The event loop's wait: one io_uring READ of the eventfd the helpers write.
class EventfdLoop {
public:
    EventfdLoop() : efd_(int(check_sys(::eventfd(0, EFD_CLOEXEC), "eventfd"))), ring_(4) {}
    int efd() const { return efd_.get(); }
    const Uring &ring() const { return ring_; }
    Uring &ring() { return ring_; }

    // Until the READ completes: a loop with other work (loop/event_loop.hpp) sees the other
    // sources' completions come first and served inside reap().
    void wait() {
        io_uring_sqe *sqe = ring_.sqe();
        io_uring_prep_read(sqe, efd_.get(), &value_, sizeof value_, 0);
        for (bool read = false; !read;) {
            ring_.submit_and_wait();
            ring_.reap([&](std::uint64_t, int res) {
                if (res < 0) throw_errno("shm: io_uring READ(eventfd)", -res);
                read = true;
            });
        }
    }

private:
    Fd efd_;
    Uring ring_;
    std::uint64_t value_ = 0;
};

const char *kDesign =
    " guarded by a robust process-shared mutex + condvars; helper thread waits on the condvar and writes an eventfd; "
    "io_uring ";

class ShmEndpoint final : public Endpoint {
public:
    ShmEndpoint(Role role, Channel &channel, const ModeConfig &config)
        : duplex_(role, channel, config), helper_(duplex_, loop_.efd()) {}

    void send(std::span<const std::byte> msg) override { duplex_.send(msg); }

    std::size_t recv(std::span<std::byte> buf) override {
        if (auto n = duplex_.try_recv(buf, /*arm=*/true)) return *n;
        loop_.wait();
        helper_.check();
        auto n = duplex_.try_recv(buf, /*arm=*/false);
        if (!n) throw Error("shm: the helper signalled, but the ring is empty");
        return *n;
    }

    void finish() override { duplex_.send({}); }

    std::uint64_t slow_waits() const override { return loop_.ring().slow_waits(); }
    Uring *loop_ring() override { return &loop_.ring(); }

    std::string describe() const override {
        return "memfd, 2 rings of " + std::to_string(duplex_.capacity() / 1024) + " KiB" + kDesign +
               loop_.ring().setup() + " IORING_OP_READ of the eventfd";
    }

private:
    EventfdLoop loop_;
    LockedDuplex duplex_;
    CondvarHelper helper_;  // after what it uses
};

// Fan-in: one helper thread per client ring, every helper writing the loop's one eventfd; the loop
// scans the rings round-robin (arming each it finds empty) and READs the eventfd when all are.
class ShmFanInServer final : public FanInServer {
public:
    ShmFanInServer(std::span<Channel *const> channels, const ModeConfig &config) : turns_(channels.size()) {
        for (Channel *ch : channels) duplexes_.push_back(std::make_unique<LockedDuplex>(Role::server, *ch, config));
        for (auto &d : duplexes_) helpers_.push_back(std::make_unique<CondvarHelper>(*d, loop_.efd()));
    }

    ~ShmFanInServer() override { helpers_.clear(); }  // helpers stop before their rings go

    Arrival recv_any(std::span<std::byte> buf) override {
        for (;;) {
            if (auto a = turns_.poll([&](unsigned c) { return duplexes_[c]->try_recv(buf, /*arm=*/true); })) return *a;
            loop_.wait();
            for (auto &h : helpers_) h->check();
        }
    }

    void send(unsigned client, std::span<const std::byte> msg) override { duplexes_.at(client)->send(msg); }

    std::uint64_t slow_waits() const override { return loop_.ring().slow_waits(); }

    std::string describe() const override {
        return std::to_string(duplexes_.size()) + " clients, each with 2 rings of " +
               std::to_string(duplexes_[0]->capacity() / 1024) + " KiB" + kDesign + loop_.ring().setup() +
               " IORING_OP_READ of one eventfd that every client ring's helper thread writes";
    }

private:
    EventfdLoop loop_;
    std::vector<std::unique_ptr<LockedDuplex>> duplexes_;
    std::vector<std::unique_ptr<CondvarHelper>> helpers_;
    RoundRobin turns_;
};

std::unique_ptr<Endpoint> open_shm(Role role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<ShmEndpoint>(role, channel, config);
}

std::unique_ptr<FanInServer> open_shm_fan_in(std::span<Channel *const> channels, const ModeConfig &config) {
    return std::make_unique<ShmFanInServer>(channels, config);
}

}  // namespace

extern const Mode shm_mode = {
    .name = "shm",
    .summary = "memfd ring + process-shared mutex/condvar; helper thread -> eventfd -> io_uring READ",
    .unsupported_reason = io_uring_unavailable,
    .open = open_shm,
    .baseline = "shm-direct",
    .kernel_needs = "io_uring",
    .shared_memory = true,
    .open_fan_in = open_shm_fan_in,
    .fan_in_design =
        "one helper thread per client ring, each waiting on its ring's condvar and writing the one "
        "eventfd the io_uring loop READs; the loop scans the rings round-robin",
    .loop_join = LoopJoin::completion,
    .loop_note = "the READ of the eventfd its helper thread writes is a completion in its ring",
};

}  // namespace ipcb
