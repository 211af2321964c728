// `tcp-sync`: the `tcp` exchange (same connection, same frames) with blocking sendmsg(2)/recvmsg(2)
// and no io_uring: what the io_uring loop adds to TCP.
#include "ipc/tcp_link.hpp"
#include "modes/mode.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_tcp_sync(Role role, Channel &channel, const ModeConfig &config) {
    return open_blocking_stream(open_tcp_link(role, channel, config), config);
}

}  // namespace

extern const Mode tcp_sync_mode = {
    .name = "tcp-sync",
    .summary = "baseline: the loopback TCP connection with blocking sendmsg/recvmsg, no io_uring",
    .unsupported_reason = runs_everywhere,
    .open = open_tcp_sync,
    .kernel_needs = "IPv4 loopback",
    .fan_in_design = "a blocking baseline: one thread in recv(2) serves one connection; fan-in is measured with tcp",
    .loop_join = LoopJoin::cannot,
    .loop_note = "blocks in read(2): a loop with other work would stall while it waits",
};

}  // namespace ipcb
