// `pipe-sync`: the `pipe` exchange (same pipes, same frames) with blocking writev(2)/readv(2) and
// no io_uring: what the io_uring loop adds to a pipe.
#include "ipc/pipe_link.hpp"
#include "modes/mode.hpp"

namespace ipcb {
namespace {

std::unique_ptr<Endpoint> open_pipe_sync(Role role, Channel &channel, const ModeConfig &config) {
    return open_blocking_stream(open_pipe_link(role, channel, config), config);
}

}  // namespace

extern const Mode pipe_sync_mode = {
    .name = "pipe-sync",
    .summary = "baseline: the pipe pair with blocking writev/readv, no io_uring",
    .unsupported_reason = runs_everywhere,
    .open = open_pipe_sync,
    .kernel_needs = "without CAP_SYS_RESOURCE, a window within fs.pipe-max-size",
    .fan_in_design = "a blocking baseline: one thread in read(2) serves one pipe; fan-in is measured with pipe",
    .unsupported_for = pipes_unsupported,
    .loop_join = LoopJoin::cannot,
    .loop_note = "blocks in read(2): a loop with other work would stall while it waits",
};

}  // namespace ipcb
