// `uds`: a Unix domain SOCK_SEQPACKET socket driven by io_uring IORING_OP_SEND / IORING_OP_RECV.
//
// SEQPACKET rather than STREAM: the kernel keeps message boundaries, so one RECV returns exactly
// one message (no length prefix, no second RECV, no short-read loop) and a message is sent
// atomically or not at all. The socket is the harness's connected rendezvous socket.
//
// --socket stream|dgram (ipc/unix_pair.hpp) runs the exchange over a socketpair of that type
// instead: DGRAM through this same endpoint (boundaries kept; the end is a zero-length datagram,
// as a datagram socket has no shutdown the peer sees), STREAM through the framed stream endpoint
// of pipe and tcp (ipc/uring_stream.cpp).
//
// Sends are queued, not submitted: each SEND is linked (IOSQE_IO_LINK) to the RECV that follows,
// and both go to the kernel in one io_uring_enter, which also waits for both completions. A round
// trip thus costs one syscall per side, and the link keeps a RECV from overwriting a buffer whose
// SEND has not run yet.
//
// Knobs (`--uring`, uring/uring.hpp), each alone or combined: poll-first (the RECV arms a poll
// instead of trying first: the reply is never there yet), multishot (one RECV armed once, into a
// provided buffer ring; the message is copied out of the kernel-chosen buffer), ring-fd (a
// registered ring fd), sqpoll (a kernel thread takes submissions; completions are polled, not
// waited for; it needs CPUs of its own: uring_knobs_unsupported). Without `--uring`, kDefaultKnobs: the fastest combination
// measured (docs/modes.md, "uds and its io_uring knobs").
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>

#include "ipc/rendezvous.hpp"
#include "ipc/socket_buffers.hpp"
#include "ipc/stream_link.hpp"
#include "ipc/unix_pair.hpp"
#include "modes/mode.hpp"
#include "uring/provided_buffers.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

enum : std::uint64_t { kSendTag = 1, kRecvTag = 2, kCancelTag = 3 };
constexpr unsigned kDefaultKnobs = 0;
constexpr unsigned short kBufferGroup = 1;

// A received record's length; a longer record than the buffer (MSG_TRUNC tells) is an error.
std::size_t checked_length(long got, std::size_t room) {
    if (std::size_t(got) > room)
        throw Error("uds: received a " + std::to_string(got) + "-byte record into a " + std::to_string(room) +
                    "-byte buffer");
    return std::size_t(got);
}

// A failed SEND or RECV completion (`op` names it).
[[noreturn]] void fail(const std::string &op, long res) {
    if (res == -EPIPE || res == -ECONNRESET) throw Error("uds: peer closed the socket (" + op + ")");
    throw_errno("uds: io_uring " + op, int(-res));
}

class UdsEndpoint final : public Endpoint {
public:
    UdsEndpoint(int fd, Fd owned, const ModeConfig &config)
        : owned_(std::move(owned)),
          fd_(fd),
          type_(config.socket),
          knobs_(config.uring_knobs.value_or(kDefaultKnobs)),
          ring_(2 * config.inflight + 8, knobs_, config.sq_thread_cpu),
          sndbuf_(size_socket_buffers(fd_, config)) {
        // A registered file skips the fd table lookup and refcount on every SQE.
        check_sys(io_uring_register_files(ring_.get(), &fd_, 1), "io_uring_register_files");
        if (knobs_ & kMultishot) {
            // Room for every message in flight plus the end-of-session record, as the socket has.
            buffers_.emplace(ring_, config.inflight + 2, std::max<std::size_t>(config.max_message, 1), kBufferGroup);
            arm_multishot();
        }
    }

    void send(std::span<const std::byte> msg) override {
        io_uring_sqe *sqe = ring_.sqe();
        io_uring_prep_send(sqe, 0, msg.data(), msg.size(), MSG_NOSIGNAL);
        // A multishot RECV is not per message: nothing to link to.
        sqe->flags |= IOSQE_FIXED_FILE | (knobs_ & kMultishot ? 0 : IOSQE_IO_LINK);
        io_uring_sqe_set_data64(sqe, kSendTag);
        ++sends_pending_;
    }

    std::size_t recv(std::span<std::byte> buf) override {
        if (knobs_ & kMultishot) return recv_multishot(buf);
        io_uring_sqe *sqe = ring_.sqe();
        // MSG_TRUNC makes the result the record's real length, so a record larger than buf is
        // detected instead of silently cut.
        io_uring_prep_recv(sqe, 0, buf.data(), buf.size(), MSG_TRUNC);
        sqe->flags |= IOSQE_FIXED_FILE;
        if (knobs_ & kPollFirst) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
        io_uring_sqe_set_data64(sqe, kRecvTag);
        long got = -1;
        // One enter for the whole round trip: wait for every SEND queued before this RECV (they
        // complete inline) and the RECV itself.
        while (got < 0 || sends_pending_ > 0) {
            complete(sends_pending_ + (got < 0 ? 1 : 0));
            reap([&](int res, unsigned) { got = res; });
        }
        return checked_length(got, buf.size());
    }

    void finish() override {
        if (type_ == SocketType::dgram) send({});  // the peer's RECV returns 0
        while (sends_pending_ > 0) {
            complete(sends_pending_);
            reap([&](int res, unsigned flags) {
                if (!(knobs_ & kMultishot)) throw Error("uds: unexpected RECV completion");
                received_.push_back({res, flags});
            });
        }
        if (armed_) disarm_multishot();
        if (type_ != SocketType::dgram) ::shutdown(fd_, SHUT_WR);  // the peer's RECV returns 0
    }

    std::uint64_t slow_waits() const override { return ring_.slow_waits(); }
    Uring *loop_ring() override { return &ring_; }

    std::string describe() const override {
        return std::string(type_ == SocketType::dgram ? "AF_UNIX SOCK_DGRAM socketpair" : "AF_UNIX SOCK_SEQPACKET") +
               "; io_uring " + ring_.setup() + ", registered fd, knobs " + uring_knobs_text(knobs_) +
               (knobs_ & kMultishot ? ", multishot RECV into provided buffers" : ", SEND linked to RECV") +
               (ring_.sqpoll() ? ", completions polled" : "") + "; SO_SNDBUF " + std::to_string(sndbuf_) + " B";
    }

private:
    struct Received {
        int res;
        unsigned flags;
    };

    // Submits what is queued and waits for `n` completions: one io_uring_enter, or with SQPOLL
    // none (unless the SQ thread went to sleep) and a poll of the CQ.
    void complete(unsigned n) {
        if (!ring_.sqpoll()) return ring_.submit_and_wait(n);
        check_sys(io_uring_submit(ring_.get()), "io_uring_submit");
        while (io_uring_cq_ready(ring_.get()) < n) cpu_relax();
    }

    template <class OnRecv>
    void reap(OnRecv on_recv) {
        ring_.reap([&](std::uint64_t tag, int res, unsigned flags) {
            if (tag == kSendTag) {
                --sends_pending_;
                if (res < 0) fail("SEND", res);
            } else if (tag == kCancelTag) {
                // 0 cancelled, -ENOENT / -EALREADY: the RECV had ended or is ending by itself
            } else {
                if (res < 0 && res != -ENOBUFS && res != -ECANCELED) fail("RECV", res);
                if (knobs_ & kMultishot && !(flags & IORING_CQE_F_MORE)) armed_ = false;
                if (res != -ENOBUFS) on_recv(res, flags);  // ENOBUFS: out of buffers, re-armed below
            }
        });
    }

    void arm_multishot() {
        io_uring_sqe *sqe = ring_.sqe();
        io_uring_prep_recv_multishot(sqe, 0, nullptr, 0, 0);
        sqe->flags |= IOSQE_FIXED_FILE | IOSQE_BUFFER_SELECT;
        sqe->buf_group = buffers_->group();
        if (knobs_ & kPollFirst) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
        io_uring_sqe_set_data64(sqe, kRecvTag);
        armed_ = true;
    }

    // Cancels the armed RECV and waits for its last completion: the socket is the harness's
    // channel too, and an armed RECV would take the messages meant for it (the peer's report).
    void disarm_multishot() {
        io_uring_sqe *sqe = ring_.sqe();
        io_uring_prep_cancel64(sqe, kRecvTag, 0);
        io_uring_sqe_set_data64(sqe, kCancelTag);
        while (armed_) {
            complete(1);
            reap([&](int res, unsigned flags) {
                if (res != -ECANCELED) received_.push_back({res, flags});
            });
        }
    }

    // The next message the armed RECV delivered, copied out of its provided buffer.
    std::size_t recv_multishot(std::span<std::byte> buf) {
        while (received_.empty() || sends_pending_ > 0) {
            if (!armed_ && received_.empty()) arm_multishot();
            complete(sends_pending_ + (received_.empty() ? 1 : 0));
            reap([&](int res, unsigned flags) { received_.push_back({res, flags}); });
        }
        const Received r = received_.front();
        received_.pop_front();
        if (r.res == 0) return 0;  // the peer shut its side down
        if (!(r.flags & IORING_CQE_F_BUFFER)) throw Error("uds: multishot RECV completed without a buffer");
        const unsigned id = r.flags >> IORING_CQE_BUFFER_SHIFT;
        const std::size_t n = checked_length(r.res, buf.size());
        std::memcpy(buf.data(), buffers_->buffer(id, n).data(), n);
        buffers_->recycle(id);
        return n;
    }

    Fd owned_;  // the socketpair end of --socket dgram; the rendezvous socket is the channel's
    int fd_;
    SocketType type_;
    unsigned knobs_;
    Uring ring_;
    int sndbuf_;
    unsigned sends_pending_ = 0;
    std::optional<ProvidedBuffers> buffers_;  // multishot only
    std::deque<Received> received_;           // multishot: completions not handed out yet
    bool armed_ = false;                      // multishot: the RECV is armed
};

std::unique_ptr<Endpoint> open_uds(Role role, Channel &channel, const ModeConfig &config) {
    switch (config.socket) {
    case SocketType::stream: return open_uring_stream(open_unix_stream_link(role, channel, config), config);
    case SocketType::dgram: {
        Fd pair = open_unix_pair(role, channel, SocketType::dgram, config);
        const int fd = pair.get();
        return std::make_unique<UdsEndpoint>(fd, std::move(pair), config);
    }
    default: return std::make_unique<UdsEndpoint>(channel.fd(), Fd(), config);
    }
}

std::string uds_unsupported_for(const ModeConfig &config, unsigned clients) {
    if (clients > 1 && config.socket != SocketType::seqpacket)
        return std::string("fan-in over socket=") + socket_type_name(config.socket) +
               " is not built: the fan-in server uses the SEQPACKET rendezvous sockets";
    return {};
}

// Fan-in: every client's socket in one ring, a RECV armed on each into that client's buffer. A
// request is copied out to the caller and its client's RECV re-armed at once; SENDs are queued and
// go with the loop's next io_uring_enter, which waits for them (they complete inline) before the
// caller's buffer is written again. Knobs are not taken here: the default set.
class UdsFanInServer final : public FanInServer {
public:
    UdsFanInServer(std::span<Channel *const> channels, const ModeConfig &config)
        : ring_(unsigned(4 * channels.size() + 8)), buffers_(channels.size()) {
        for (Channel *ch : channels) {
            fds_.push_back(ch->fd());
            sndbuf_ = size_socket_buffers(ch->fd(), config);
        }
        check_sys(io_uring_register_files(ring_.get(), fds_.data(), unsigned(fds_.size())), "io_uring_register_files");
        for (unsigned c = 0; c < fds_.size(); ++c) {
            buffers_[c].resize(std::max<std::size_t>(config.max_message, 1));
            arm_recv(c);
        }
    }

    Arrival recv_any(std::span<std::byte> buf) override {
        while (ready_.empty() || sends_pending_ > 0) {
            ring_.submit_and_wait(sends_pending_ + (ready_.empty() ? 1 : 0));
            ring_.reap([&](std::uint64_t tag, int res) {
                const unsigned client = unsigned(tag >> 8);
                if ((tag & 0xff) == kSendTag) {
                    --sends_pending_;
                    if (res < 0) fail("SEND, client " + std::to_string(client), res);
                } else {
                    if (res < 0) fail("RECV, client " + std::to_string(client), res);
                    ready_.push_back({client, res});
                }
            });
        }
        const Received r = ready_.front();
        ready_.pop_front();
        if (r.res == 0) return {r.client, 0};  // that client shut its side down: no RECV re-armed
        const std::size_t n = checked_length(r.res, buf.size());
        std::memcpy(buf.data(), buffers_[r.client].data(), n);
        arm_recv(r.client);
        return {r.client, n};
    }

    void send(unsigned client, std::span<const std::byte> msg) override {
        io_uring_sqe *sqe = ring_.sqe();
        io_uring_prep_send(sqe, int(client), msg.data(), msg.size(), MSG_NOSIGNAL);
        sqe->flags |= IOSQE_FIXED_FILE;
        io_uring_sqe_set_data64(sqe, std::uint64_t(client) << 8 | kSendTag);
        ++sends_pending_;
    }

    std::uint64_t slow_waits() const override { return ring_.slow_waits(); }

    std::string describe() const override {
        return std::to_string(fds_.size()) + " AF_UNIX SOCK_SEQPACKET sockets in one io_uring " + ring_.setup() +
               " (registered fds), a RECV armed on each, SENDs queued and submitted with the next wait; SO_SNDBUF " +
               std::to_string(sndbuf_) + " B";
    }

private:
    struct Received {
        unsigned client;
        int res;
    };

    void arm_recv(unsigned client) {
        io_uring_sqe *sqe = ring_.sqe();
        io_uring_prep_recv(sqe, int(client), buffers_[client].data(), buffers_[client].size(), MSG_TRUNC);
        sqe->flags |= IOSQE_FIXED_FILE;
        io_uring_sqe_set_data64(sqe, std::uint64_t(client) << 8 | kRecvTag);
    }

    Uring ring_;
    std::vector<int> fds_;
    std::vector<std::vector<std::byte>> buffers_;  // one RECV buffer per client
    std::deque<Received> ready_;                   // requests received, not handed out yet
    unsigned sends_pending_ = 0;
    int sndbuf_ = 0;
};

std::unique_ptr<FanInServer> open_uds_fan_in(std::span<Channel *const> channels, const ModeConfig &config) {
    return std::make_unique<UdsFanInServer>(channels, config);
}

}  // namespace

extern const Mode uds_mode = {
    .name = "uds",
    .summary = "Unix domain SOCK_SEQPACKET socket, io_uring SEND/RECV on both sides",
    .unsupported_reason = io_uring_unavailable,
    .open = open_uds,
    .baseline = "uds-sync",
    .kernel_needs = "io_uring",
    .uring_knobs = true,
    .socket_types = true,
    .open_fan_in = open_uds_fan_in,
    .fan_in_design =
        "every client's socket in one io_uring, a RECV armed on each; replies are SENDs queued and "
        "submitted with the loop's next wait (the default knobs)",
    .unsupported_for = uds_unsupported_for,
    .loop_join = LoopJoin::completion,
    .loop_note = "the RECV on the socket is a completion in its ring",
};

}  // namespace ipcb
