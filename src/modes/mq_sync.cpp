// `mq-sync`: the `mq` exchange (same queues) with blocking mq_timedsend(2)/mq_timedreceive(2) and
// no io_uring. The blocking calls wake every 50 ms to see whether the peer is still there (a queue
// says nothing when its peer dies).
#include <mqueue.h>

#include <cerrno>
#include <ctime>

#include "ipc/message_queue.hpp"
#include "modes/mode.hpp"

namespace ipcb {
namespace {

constexpr std::uint64_t kTickNs = 50'000'000;

timespec deadline() {
    timespec t{};
    ::clock_gettime(CLOCK_REALTIME, &t);  // the queue calls take an absolute CLOCK_REALTIME time
    const std::uint64_t ns = std::uint64_t(t.tv_nsec) + kTickNs;
    t.tv_sec += time_t(ns / 1'000'000'000);
    t.tv_nsec = long(ns % 1'000'000'000);
    return t;
}

class MqSyncEndpoint final : public Endpoint {
public:
    MqSyncEndpoint(Role role, Channel &channel, const ModeConfig &config)
        : channel_(channel), q_(open_queue_pair(role, channel, config, false)) {}

    void send(std::span<const std::byte> msg) override {
        for (;;) {
            const timespec t = deadline();
            if (::mq_timedsend(q_.out.get(), message_bytes(msg), msg.size(), 0, &t) == 0) return;
            if (errno != ETIMEDOUT && errno != EINTR) throw_errno("mq_timedsend");
            check_peer();
        }
    }

    std::size_t recv(std::span<std::byte> buf) override {
        for (;;) {
            const timespec t = deadline();
            const ssize_t n =
                ::mq_timedreceive(q_.in.get(), reinterpret_cast<char *>(buf.data()), buf.size(), nullptr, &t);
            if (n >= 0) return std::size_t(n);
            if (errno != ETIMEDOUT && errno != EINTR) throw_errno("mq_timedreceive");
            check_peer();
        }
    }

    void finish() override { send({}); }
    std::string describe() const override {
        return "2 POSIX message queues (" + std::to_string(q_.max_messages) + " x " + std::to_string(q_.message_bytes) +
               " B), unlinked; blocking mq_timedsend(2)/mq_timedreceive(2), no io_uring";
    }

private:
    void check_peer() const {
        if (channel_.peer_gone()) throw Error("mq-sync: peer closed its connection (exited, died or stalled)");
    }
    Channel &channel_;
    QueuePair q_;
};

std::unique_ptr<Endpoint> open_mq_sync(Role role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<MqSyncEndpoint>(role, channel, config);
}

}  // namespace

extern const Mode mq_sync_mode = {
    .name = "mq-sync",
    .summary = "baseline: the message queues with blocking mq_timedsend/mq_timedreceive, no io_uring",
    .unsupported_reason = runs_everywhere,
    .open = open_mq_sync,
    .kernel_needs =
        "POSIX message queues; without CAP_SYS_RESOURCE, messages within fs.mqueue.msgsize_max and "
        "windows within fs.mqueue.msg_max",
    .fan_in_design =
        "a blocking baseline: one thread in mq_timedreceive(2) serves one queue; fan-in is measured with mq",
    .unsupported_for = message_queues_unsupported,
    .max_window = message_queue_max_window,
    .loop_join = LoopJoin::cannot,
    .loop_note = "blocks in mq_receive(3): a loop with other work would stall while it waits",
};

}  // namespace ipcb
