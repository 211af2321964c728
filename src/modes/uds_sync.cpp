// `uds-sync`: the `uds` exchange (AF_UNIX SOCK_SEQPACKET, same buffers, same messages) with
// blocking send(2)/recv(2) and no io_uring: the baseline that shows what the io_uring loop adds.
#include <sys/socket.h>

#include <cerrno>

#include "ipc/rendezvous.hpp"
#include "ipc/socket_buffers.hpp"
#include "modes/mode.hpp"

namespace ipcb {
namespace {

class UdsSyncEndpoint final : public Endpoint {
public:
    UdsSyncEndpoint(Channel &channel, const ModeConfig &config)
        : fd_(channel.fd()), sndbuf_(size_socket_buffers(fd_, config)) {}

    void send(std::span<const std::byte> msg) override {
        ssize_t n;
        do n = ::send(fd_, msg.data(), msg.size(), MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0) fail("send");
        if (std::size_t(n) != msg.size()) throw Error("uds-sync: short send on a SEQPACKET socket");
    }

    std::size_t recv(std::span<std::byte> buf) override {
        ssize_t n;
        do n = ::recv(fd_, buf.data(), buf.size(), MSG_TRUNC);  // MSG_TRUNC: real length, so oversize shows
        while (n < 0 && errno == EINTR);
        if (n < 0) fail("recv");
        if (std::size_t(n) > buf.size()) throw Error("uds-sync: received a record larger than the buffer");
        return std::size_t(n);
    }

    void finish() override { ::shutdown(fd_, SHUT_WR); }

    std::string describe() const override {
        return "AF_UNIX SOCK_SEQPACKET; blocking send(2)/recv(2), no io_uring; SO_SNDBUF " + std::to_string(sndbuf_) +
               " B";
    }

private:
    [[noreturn]] void fail(const char *op) {
        if (errno == EPIPE || errno == ECONNRESET)
            throw Error(std::string("uds-sync: peer closed the socket (") + op + ")");
        throw_errno(std::string("uds-sync: ") + op);
    }
    int fd_;
    int sndbuf_;
};

std::unique_ptr<Endpoint> open_uds_sync(Role, Channel &channel, const ModeConfig &config) {
    return std::make_unique<UdsSyncEndpoint>(channel, config);
}

}  // namespace

extern const Mode uds_sync_mode = {
    .name = "uds-sync",
    .summary = "baseline: the uds socket with blocking send/recv, no io_uring",
    .unsupported_reason = runs_everywhere,
    .open = open_uds_sync,
    .fan_in_design =
        "a blocking baseline: one thread in recv(2) serves one socket (many would take poll or epoll, another design); "
        "fan-in is measured with uds",
};

}  // namespace ipcb
