// `uds-sync`: the `uds` exchange (AF_UNIX SOCK_SEQPACKET, same buffers, same messages) with
// blocking send(2)/recv(2) and no io_uring: the baseline that shows what the io_uring loop adds.
// --socket stream|dgram: the same socketpair as uds takes (DGRAM here, STREAM through the framed
// blocking stream endpoint of pipe-sync and tcp-sync).
#include <sys/socket.h>

#include <cerrno>

#include "ipc/rendezvous.hpp"
#include "ipc/socket_buffers.hpp"
#include "ipc/stream_link.hpp"
#include "ipc/unix_pair.hpp"
#include "modes/mode.hpp"

namespace ipcb {
namespace {

class UdsSyncEndpoint final : public Endpoint {
public:
    UdsSyncEndpoint(int fd, Fd owned, const ModeConfig &config)
        : owned_(std::move(owned)), fd_(fd), type_(config.socket), sndbuf_(size_socket_buffers(fd_, config)) {}

    void send(std::span<const std::byte> msg) override {
        ssize_t n;
        do n = ::send(fd_, msg.data(), msg.size(), MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0) fail("send");
        if (std::size_t(n) != msg.size()) throw Error("uds-sync: short send on a record socket");
    }

    std::size_t recv(std::span<std::byte> buf) override {
        ssize_t n;
        do n = ::recv(fd_, buf.data(), buf.size(), MSG_TRUNC);  // MSG_TRUNC: real length, so oversize shows
        while (n < 0 && errno == EINTR);
        if (n < 0) fail("recv");
        if (std::size_t(n) > buf.size()) throw Error("uds-sync: received a record larger than the buffer");
        return std::size_t(n);
    }

    void finish() override {
        if (type_ == SocketType::dgram) send({});  // a datagram socket's shutdown is not seen by the peer
        else ::shutdown(fd_, SHUT_WR);
    }

    std::string describe() const override {
        return std::string(type_ == SocketType::dgram ? "AF_UNIX SOCK_DGRAM socketpair" : "AF_UNIX SOCK_SEQPACKET") +
               "; blocking send(2)/recv(2), no io_uring; SO_SNDBUF " + std::to_string(sndbuf_) + " B";
    }

private:
    [[noreturn]] void fail(const char *op) {
        if (errno == EPIPE || errno == ECONNRESET)
            throw Error(std::string("uds-sync: peer closed the socket (") + op + ")");
        throw_errno(std::string("uds-sync: ") + op);
    }
    Fd owned_;
    int fd_;
    SocketType type_;
    int sndbuf_;
};

std::unique_ptr<Endpoint> open_uds_sync(Role role, Channel &channel, const ModeConfig &config) {
    switch (config.socket) {
    case SocketType::stream: return open_blocking_stream(open_unix_stream_link(role, channel, config), config);
    case SocketType::dgram: {
        Fd pair = open_unix_pair(role, channel, SocketType::dgram, config);
        const int fd = pair.get();
        return std::make_unique<UdsSyncEndpoint>(fd, std::move(pair), config);
    }
    default: return std::make_unique<UdsSyncEndpoint>(channel.fd(), Fd(), config);
    }
}

}  // namespace

extern const Mode uds_sync_mode = {
    .name = "uds-sync",
    .summary = "baseline: the uds socket with blocking send/recv, no io_uring",
    .unsupported_reason = runs_everywhere,
    .open = open_uds_sync,
    .socket_types = true,
    .fan_in_design =
        "a blocking baseline: one thread in recv(2) serves one socket (many would take poll or epoll, another design); "
        "fan-in is measured with uds",
    .loop_join = LoopJoin::cannot,
    .loop_note = "blocks in recv(2): a loop with other work would stall while it waits",
};

}  // namespace ipcb
