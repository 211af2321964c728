// `tcp`: TCP over loopback (ipc/tcp_link.hpp: 127.0.0.1, TCP_NODELAY, a session token), io_uring
// SENDMSG/RECVMSG, length-framed like `pipe`: one io_uring_enter per side per round trip while a
// message arrives in one read (ipc/uring_stream.cpp).
#include "ipc/tcp_link.hpp"
#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_tcp(Role role, Channel &channel, const ModeConfig &config) {
    return open_uring_stream(open_tcp_link(role, channel, config), config);
}

std::unique_ptr<FanInServer> open_tcp_fan_in(std::span<Channel *const> channels, const ModeConfig &config) {
    return open_uring_stream_fan_in(accept_tcp_links(channels, config), config);
}

}  // namespace

extern const Mode tcp_mode = {
    .name = "tcp",
    .summary = "TCP over loopback (TCP_NODELAY), length-framed, io_uring SENDMSG/RECVMSG on both sides",
    .unsupported_reason = io_uring_unavailable,
    .open = open_tcp,
    .baseline = "tcp-sync",
    .kernel_needs = "io_uring, IPv4 loopback",
    .open_fan_in = open_tcp_fan_in,
    .fan_in_design =
        "one listening socket on 127.0.0.1, a connection per client, all in one io_uring with a "
        "RECVMSG armed on each",
    .loop_join = LoopJoin::completion,
    .loop_note = "the READ of the socket is a completion in its ring",
};

}  // namespace ipcb
