// `pipe`: one pipe per direction, io_uring WRITEV/READV; messages length-framed on the byte stream
// (ipc/stream_frames.hpp), each WRITEV linked to the READV after it, one io_uring_enter per side
// per round trip while a message arrives in one read (ipc/uring_stream.cpp).
#include "ipc/pipe_link.hpp"
#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_pipe(Role role, Channel &channel, const ModeConfig &config) {
    return open_uring_stream(open_pipe_link(role, channel, config), config);
}

std::unique_ptr<FanInServer> open_pipe_fan_in(std::span<Channel *const> channels, const ModeConfig &config) {
    std::vector<StreamLink> links;
    for (Channel *ch : channels) links.push_back(open_pipe_link(Role::server, *ch, config));
    return open_uring_stream_fan_in(std::move(links), config);
}

}  // namespace

extern const Mode pipe_mode = {
    .name = "pipe",
    .summary = "a pipe per direction, length-framed, io_uring WRITEV/READV on both sides",
    .unsupported_reason = io_uring_unavailable,
    .open = open_pipe,
    .baseline = "pipe-sync",
    .kernel_needs = "io_uring; without CAP_SYS_RESOURCE, a window within fs.pipe-max-size",
    .open_fan_in = open_pipe_fan_in,
    .fan_in_design = "a pipe pair per client, all in one io_uring with a READV armed on each",
    .unsupported_for = pipes_unsupported,
    .loop_join = LoopJoin::completion,
    .loop_note = "the READ of the pipe is a completion in its ring",
};

}  // namespace ipcb
