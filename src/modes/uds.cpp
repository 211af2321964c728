// `uds`: a Unix domain SOCK_SEQPACKET socket driven by io_uring IORING_OP_SEND / IORING_OP_RECV.
//
// SEQPACKET rather than STREAM: the kernel keeps message boundaries, so one RECV returns exactly
// one message (no length prefix, no second RECV, no short-read loop) and a message is sent
// atomically or not at all. The socket is the harness's connected rendezvous socket.
//
// Sends are queued, not submitted: each SEND is linked (IOSQE_IO_LINK) to the RECV that follows,
// and both go to the kernel in one io_uring_enter, which also waits for both completions. A round
// trip thus costs one syscall per side, and the link keeps a RECV from overwriting a buffer whose
// SEND has not run yet.
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "ipc/rendezvous.hpp"
#include "ipc/socket_buffers.hpp"
#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

enum : std::uint64_t { kSendTag = 1, kRecvTag = 2 };

class UdsEndpoint final : public Endpoint {
public:
    UdsEndpoint(Channel &channel, const ModeConfig &config)
        : fd_(channel.fd()), ring_(2 * config.inflight + 8), sndbuf_(size_socket_buffers(fd_, config)) {
        // A registered file skips the fd table lookup and refcount on every SQE.
        check_sys(io_uring_register_files(ring_.get(), &fd_, 1), "io_uring_register_files");
    }

    void send(std::span<const std::byte> msg) override {
        io_uring_sqe *sqe = ring_.sqe();
        io_uring_prep_send(sqe, 0, msg.data(), msg.size(), MSG_NOSIGNAL);
        sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
        io_uring_sqe_set_data64(sqe, kSendTag);
        ++sends_pending_;
    }

    std::size_t recv(std::span<std::byte> buf) override {
        io_uring_sqe *sqe = ring_.sqe();
        // MSG_TRUNC makes the result the record's real length, so a record larger than buf is
        // detected instead of silently cut.
        io_uring_prep_recv(sqe, 0, buf.data(), buf.size(), MSG_TRUNC);
        sqe->flags |= IOSQE_FIXED_FILE;
        io_uring_sqe_set_data64(sqe, kRecvTag);
        long got = -1;
        // One enter for the whole round trip: wait for every SEND queued before this RECV (they
        // complete inline) and the RECV itself.
        while (got < 0 || sends_pending_ > 0) {
            ring_.submit_and_wait(sends_pending_ + (got < 0 ? 1 : 0));
            reap([&](long res) { got = res; });
        }
        if (std::size_t(got) > buf.size())
            throw Error("uds: received a " + std::to_string(got) + "-byte record into a " + std::to_string(buf.size()) +
                        "-byte buffer");
        return std::size_t(got);
    }

    void finish() override {
        flush_sends();
        ::shutdown(fd_, SHUT_WR);  // the peer's RECV returns 0
    }

    std::string describe() const override {
        return "AF_UNIX SOCK_SEQPACKET; io_uring " + ring_.setup() +
               ", registered fd, SEND linked to RECV; SO_SNDBUF " + std::to_string(sndbuf_) + " B";
    }

private:
    template <class OnRecv>
    void reap(OnRecv on_recv) {
        ring_.reap([&](std::uint64_t tag, int res) {
            if (tag == kSendTag) {
                --sends_pending_;
                if (res < 0) fail("SEND", res);
            } else {
                if (res < 0) fail("RECV", res);
                on_recv(res);
            }
        });
    }

    [[noreturn]] void fail(const char *op, long res) {
        if (res == -EPIPE || res == -ECONNRESET) throw Error(std::string("uds: peer closed the socket (") + op + ")");
        throw_errno(std::string("uds: io_uring ") + op, int(-res));
    }

    void flush_sends() {
        while (sends_pending_ > 0) {
            ring_.submit_and_wait(sends_pending_);
            reap([](long) { throw Error("uds: unexpected RECV completion"); });
        }
    }

    int fd_;
    Uring ring_;
    int sndbuf_;
    unsigned sends_pending_ = 0;
};

std::unique_ptr<Endpoint> open_uds(Role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<UdsEndpoint>(channel, config);
}

}  // namespace

extern const Mode uds_mode = {
    .name = "uds",
    .summary = "Unix domain SOCK_SEQPACKET socket, io_uring SEND/RECV on both sides",
    .unsupported_reason = runs_everywhere,
    .open = open_uds,
    .baseline = "uds-sync",
    .kernel_needs = "io_uring",
};

}  // namespace ipcb
