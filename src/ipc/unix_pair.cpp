#include "ipc/unix_pair.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include "ipc/socket_buffers.hpp"

namespace ipcb {

Fd open_unix_pair(Role role, Channel &channel, SocketType type, const ModeConfig &config) {
    Fd own;
    if (role == Role::client) {
        own = channel.recv_fd(kPassFdTimeoutMs);
    } else {
        const int kind = type == SocketType::stream  ? SOCK_STREAM
                         : type == SocketType::dgram ? SOCK_DGRAM
                                                     : SOCK_SEQPACKET;
        int fds[2];
        check_sys(::socketpair(AF_UNIX, kind | SOCK_CLOEXEC, 0, fds), "socketpair(AF_UNIX)");
        own = Fd(fds[0]);
        Fd theirs(fds[1]);
        channel.send_fd(theirs.get());  // closed here: the client holds the only copy
    }
    size_socket_buffers(own.get(), config);
    return own;
}

StreamLink open_unix_stream_link(Role role, Channel &channel, const ModeConfig &config) {
    Fd sock = open_unix_pair(role, channel, SocketType::stream, config);
    Fd out(check_sys(::fcntl(sock.get(), F_DUPFD_CLOEXEC, 0), "dup"));
    return {std::move(sock), std::move(out), true, "AF_UNIX SOCK_STREAM socketpair", &channel};
}

}  // namespace ipcb
