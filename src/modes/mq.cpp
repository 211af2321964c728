// `mq`: POSIX message queues (ipc/message_queue.hpp), one per direction. The io_uring side waits
// for a message with IORING_OP_POLL_ADD on the queue's descriptor (io_uring has no message-queue
// operation) and takes it with mq_timedreceive(2), without blocking; a message goes out with
// mq_timedsend(2). A round trip is thus three system calls per side: send, io_uring_enter,
// receive. Queues keep message boundaries: no framing. A zero-length message ends the session.
//
// The peer's death is no event on a queue, so the ring also holds a POLL_ADD for POLLRDHUP on the
// rendezvous socket, armed once: a peer that exits, dies or is cut off by the watchdog wakes it.
#include <mqueue.h>
#include <poll.h>

#include <cerrno>
#include <deque>

#include "ipc/message_queue.hpp"
#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

enum : std::uint64_t { kPollTag = 1, kWatchTag = 2 };
constexpr std::uint64_t tag(std::uint64_t kind, unsigned client) { return std::uint64_t(client) << 8 | kind; }

void send_message(int q, std::span<const std::byte> msg) {
    // mq_send: mq_timedsend without a deadline (the descriptor does not block; glibc declares the
    // deadline argument of mq_timedsend non-null)
    if (::mq_send(q, message_bytes(msg), msg.size(), 0) == 0) return;
    if (errno == EAGAIN) throw Error("mq: the queue is full (it holds the whole in-flight window: a peer out of step)");
    throw_errno("mq_send");
}

// A message from q, or nullopt when none waits.
std::optional<std::size_t> try_receive(int q, std::span<std::byte> buf) {
    const ssize_t n = ::mq_receive(q, reinterpret_cast<char *>(buf.data()), buf.size(), nullptr);
    if (n >= 0) return std::size_t(n);
    if (errno == EAGAIN || errno == EINTR) return std::nullopt;
    throw_errno("mq_receive");
}

void arm_poll(Uring &ring, int fd, unsigned events, std::uint64_t t) {
    io_uring_sqe *sqe = ring.sqe();
    io_uring_prep_poll_add(sqe, fd, events);
    io_uring_sqe_set_data64(sqe, t);
}

[[noreturn]] void peer_gone(const std::string &who) {
    throw Error("mq: " + who + " closed its connection (exited, died or stalled)");
}

class MqEndpoint final : public Endpoint {
public:
    MqEndpoint(Role role, Channel &channel, const ModeConfig &config)
        : q_(open_queue_pair(role, channel, config, true)), ring_(8) {
        arm_poll(ring_, channel.fd(), POLLRDHUP, tag(kWatchTag, 0));
    }

    void send(std::span<const std::byte> msg) override { send_message(q_.out.get(), msg); }

    std::size_t recv(std::span<std::byte> buf) override {
        for (;;) {
            arm_poll(ring_, q_.in.get(), POLLIN, tag(kPollTag, 0));
            bool readable = false;
            while (!readable) {
                ring_.submit_and_wait(1);
                ring_.reap([&](std::uint64_t t, int res) {
                    if ((t & 0xff) == kWatchTag) peer_gone("the peer");
                    if (res < 0) throw_errno("mq: io_uring POLL_ADD", -res);
                    readable = true;
                });
            }
            if (auto n = try_receive(q_.in.get(), buf)) return *n;
        }
    }

    void finish() override { send({}); }
    std::uint64_t slow_waits() const override { return ring_.slow_waits(); }
    Uring *loop_ring() override { return &ring_; }
    std::string describe() const override {
        return "2 POSIX message queues (" + std::to_string(q_.max_messages) + " x " + std::to_string(q_.message_bytes) +
               " B), unlinked; io_uring " + ring_.setup() + " POLL_ADD then mq_timedreceive, mq_timedsend";
    }

private:
    QueuePair q_;
    Uring ring_;
};

std::unique_ptr<Endpoint> open_mq(Role role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<MqEndpoint>(role, channel, config);
}

// Fan-in: a request queue per client (a shared one would need a client tag in every message: a
// header to copy, or the priority field, which reorders), each polled from one ring; a client's
// poll is re-armed after each message taken from its queue.
class MqFanIn final : public FanInServer {
public:
    MqFanIn(std::span<Channel *const> channels, const ModeConfig &config) : ring_(unsigned(4 * channels.size() + 8)) {
        for (unsigned c = 0; c < channels.size(); ++c) {
            queues_.push_back(open_queue_pair(Role::server, *channels[c], config, true));
            arm_poll(ring_, channels[c]->fd(), POLLRDHUP, tag(kWatchTag, c));
            arm_poll(ring_, queues_.back().in.get(), POLLIN, tag(kPollTag, c));
        }
        finished_.assign(channels.size(), false);
    }

    Arrival recv_any(std::span<std::byte> buf) override {
        for (;;) {
            while (ready_.empty()) {
                ring_.submit_and_wait(1);
                ring_.reap([&](std::uint64_t t, int res) {
                    const unsigned c = unsigned(t >> 8);
                    if ((t & 0xff) == kWatchTag) {
                        if (!finished_[c]) peer_gone("client " + std::to_string(c));
                        return;
                    }
                    if (res < 0) throw_errno("mq: io_uring POLL_ADD", -res);
                    ready_.push_back(c);
                });
            }
            const unsigned c = ready_.front();
            ready_.pop_front();
            std::optional<std::size_t> n = try_receive(queues_[c].in.get(), buf);
            if (n && *n == 0) {
                finished_[c] = true;  // no poll re-armed: that client is done
                return {c, 0};
            }
            arm_poll(ring_, queues_[c].in.get(), POLLIN, tag(kPollTag, c));
            if (n) return {c, *n};
        }
    }

    void send(unsigned client, std::span<const std::byte> msg) override {
        send_message(queues_[client].out.get(), msg);
    }
    std::uint64_t slow_waits() const override { return ring_.slow_waits(); }
    std::string describe() const override {
        return std::to_string(queues_.size()) +
               " pairs of POSIX message queues, a POLL_ADD armed on each request "
               "queue in one io_uring " +
               ring_.setup() + ", mq_timedreceive/mq_timedsend";
    }

private:
    Uring ring_;
    std::vector<QueuePair> queues_;
    std::vector<bool> finished_;
    std::deque<unsigned> ready_;
};

std::unique_ptr<FanInServer> open_mq_fan_in(std::span<Channel *const> channels, const ModeConfig &config) {
    return std::make_unique<MqFanIn>(channels, config);
}

}  // namespace

extern const Mode mq_mode = {
    .name = "mq",
    .summary = "POSIX message queues, io_uring POLL_ADD then mq_timedreceive; mq_timedsend",
    .unsupported_reason = io_uring_unavailable,
    .open = open_mq,
    .baseline = "mq-sync",
    .kernel_needs =
        "io_uring, POSIX message queues; without CAP_SYS_RESOURCE, messages within fs.mqueue.msgsize_max "
        "and windows within fs.mqueue.msg_max",
    .open_fan_in = open_mq_fan_in,
    .fan_in_design =
        "a request queue per client, a POLL_ADD armed on each in one io_uring (a shared queue would "
        "need a client tag in every message)",
    .unsupported_for = message_queues_unsupported,
    .max_window = message_queue_max_window,
    .loop_join = LoopJoin::completion,
    .loop_note = "the POLL_ADD on the queue is a completion in its ring",
};

}  // namespace ipcb
