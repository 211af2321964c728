#include "ipc/socket_buffers.hpp"

#include <sys/socket.h>

#include <string>

#include "core/sys.hpp"

namespace ipcb {

int size_socket_buffers(int fd, const ModeConfig &c) {
    int bytes = int((c.inflight + 1) * (c.max_message + 4096));
    for (int opt : {SO_SNDBUF, SO_RCVBUF}) {
        int force = opt == SO_SNDBUF ? SO_SNDBUFFORCE : SO_RCVBUFFORCE;
        if (::setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) < 0)
            check_sys(::setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes), "setsockopt(SO_SNDBUF/SO_RCVBUF)");
    }
    int got = 0;
    socklen_t len = sizeof got;
    check_sys(::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &len), "getsockopt(SO_SNDBUF)");
    if (std::size_t(got) < c.max_message + 64)
        throw Error("SO_SNDBUF is " + std::to_string(got) + " bytes, too small for " + std::to_string(c.max_message) +
                    "-byte messages (raise net.core.wmem_max)");
    return got;
}

}  // namespace ipcb
