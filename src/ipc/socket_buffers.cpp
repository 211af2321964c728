#include "ipc/socket_buffers.hpp"

#include <sys/socket.h>

#include <climits>
#include <string>

#include "core/sys.hpp"

namespace ipcb {

int size_socket_buffers(int fd, const ModeConfig &c) {
    // Every message in flight plus one, each with room for the kernel's per-message overhead.
    const std::size_t want = std::size_t(c.inflight + 1) * (c.max_message + 4096);
    if (want > std::size_t(INT_MAX / 2))
        throw Error("socket buffers of " + std::to_string(want) + " bytes are too large");
    const int bytes = int(want);
    for (int opt : {SO_SNDBUF, SO_RCVBUF}) {
        int force = opt == SO_SNDBUF ? SO_SNDBUFFORCE : SO_RCVBUFFORCE;  // root may exceed the limits
        if (::setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) < 0)
            check_sys(::setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes), "setsockopt(SO_SNDBUF/SO_RCVBUF)");
    }
    int got = 0;
    socklen_t len = sizeof got;
    check_sys(::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &len), "getsockopt(SO_SNDBUF)");
    // The kernel doubles what was asked for (bookkeeping) and caps it at twice net.core.wmem_max.
    // Less than asked means the window does not fit: with every message in flight the peers would
    // wait for each other's buffers (a deadlock, seen as a hang), so fail now, saying what to set.
    if (std::size_t(got) < want)
        throw Error("SO_SNDBUF is " + std::to_string(got) + " bytes, the in-flight window needs " +
                    std::to_string(want) + " (" + std::to_string(c.inflight) + " x " + std::to_string(c.max_message) +
                    "-byte messages + 1): raise net.core.wmem_max and net.core.rmem_max to at least " +
                    std::to_string(want) + " (sysctl -w net.core.wmem_max=" + std::to_string(want) +
                    " net.core.rmem_max=" + std::to_string(want) + "), or run as root");
    return got;
}

}  // namespace ipcb
