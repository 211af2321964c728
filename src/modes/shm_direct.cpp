// `shm-direct`: the `shm` rings and mutex, but each process waits on the condvar itself: no
// helper thread, no eventfd, no io_uring. The baseline that shows what the helper-thread chain
// costs.
#include "modes/mode.hpp"
#include "rings/locked_duplex.hpp"

namespace ipcb {
namespace {

class ShmDirectEndpoint final : public Endpoint {
public:
    ShmDirectEndpoint(Role role, Channel &channel, const ModeConfig &config) : duplex_(role, channel, config) {}

    void send(std::span<const std::byte> msg) override { duplex_.send(msg); }

    std::size_t recv(std::span<std::byte> buf) override {
        LockedRingView &in = duplex_.in();
        std::size_t n;
        {
            RingLock lock(*in, duplex_.alive());
            while (in.empty()) lock.wait(in->not_empty);
            n = in.pop(buf);
        }
        pthread_cond_signal(&in->not_full);
        return n;
    }

    void finish() override { duplex_.send({}); }

    std::string describe() const override {
        return "memfd, 2 rings of " + std::to_string(duplex_.capacity() / 1024) +
               " KiB guarded by a robust process-shared mutex + condvars; the receiver waits on the condvar itself";
    }

private:
    LockedDuplex duplex_;
};

std::unique_ptr<Endpoint> open_shm_direct(Role role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<ShmDirectEndpoint>(role, channel, config);
}

}  // namespace

extern const Mode shm_direct_mode = {
    .name = "shm-direct",
    .summary = "baseline: the shm ring and mutex, waiting on the condvar directly (no helper, no io_uring)",
    .unsupported_reason = runs_everywhere,
    .open = open_shm_direct,
    .shared_memory = true,
    .fan_in_design =
        "a blocking baseline: the server thread sleeps in pthread_cond_wait on one ring's condvar; fan-in is measured "
        "with shm",
    .loop_join = LoopJoin::cannot,
    .loop_note = "blocks in pthread_cond_wait: a loop with other work would stall while it waits",
};

}  // namespace ipcb
