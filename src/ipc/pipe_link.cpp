#include "ipc/pipe_link.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "ipc/stream_frames.hpp"

namespace ipcb {
namespace {

struct Pipe {
    Fd read, write;
};

Pipe make_pipe(std::size_t capacity) {
    int fds[2];
    check_sys(::pipe2(fds, O_CLOEXEC), "pipe2");
    Pipe p{Fd(fds[0]), Fd(fds[1])};
    if (::fcntl(p.write.get(), F_SETPIPE_SZ, int(capacity)) < 0) {
        if (errno == EPERM || errno == EINVAL || errno == EBUSY)
            throw Error("pipe: F_SETPIPE_SZ to " + std::to_string(capacity) +
                        " bytes (the in-flight window) was refused: raise fs.pipe-max-size to at least " +
                        std::to_string(capacity) + " (sysctl -w fs.pipe-max-size=" + std::to_string(capacity) +
                        "), or run as root");
        throw_errno("fcntl(F_SETPIPE_SZ)");
    }
    return p;
}

}  // namespace

std::string pipes_unsupported(const ModeConfig &c, unsigned) {
    const long max = read_sysctl("/proc/sys/fs/pipe-max-size");
    if (max < 0 || pipe_capacity(c) <= std::size_t(max) || has_capability(kCapSysResource)) return {};
    return "pipes of " + std::to_string(pipe_capacity(c)) + " bytes (the in-flight window) exceed fs.pipe-max-size (" +
           std::to_string(max) + "): raise it to at least " + std::to_string(pipe_capacity(c));
}

std::size_t pipe_capacity(const ModeConfig &c) {
    const std::size_t pages_per_frame = (c.max_message + kFrameHeader + 4095) / 4096 + 1;
    std::size_t bytes = std::size_t(c.inflight + 1) * pages_per_frame * 4096;
    std::size_t pow2 = 4096;
    while (pow2 < bytes) pow2 *= 2;  // the kernel rounds to a power of two pages anyway
    return pow2;
}

StreamLink open_pipe_link(Role role, Channel &channel, const ModeConfig &config) {
    const std::size_t cap = pipe_capacity(config);
    const std::string what = "pipe pair, " + std::to_string(cap / 1024) + " KiB each";
    if (role == Role::client) {
        Fd out = channel.recv_fd(kPassFdTimeoutMs);  // the request pipe's write end
        Fd in = channel.recv_fd(kPassFdTimeoutMs);   // the response pipe's read end
        return {std::move(in), std::move(out), false, what, &channel};
    }
    Pipe request = make_pipe(cap), response = make_pipe(cap);
    channel.send_fd(request.write.get());
    channel.send_fd(response.read.get());
    // request.write and response.read close here: the client holds the only copies, so its exit
    // is an end of stream for the server.
    return {std::move(request.read), std::move(response.write), false, what, &channel};
}

}  // namespace ipcb
