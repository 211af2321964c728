#pragma once
// How a server and a client find each other: an abstract-namespace AF_UNIX SOCK_SEQPACKET socket
// named after the endpoint (nothing on the filesystem, nothing left after a crash), over which
// they exchange a small handshake, pass fds and watch each other's liveness.
#include <cstdint>
#include <string>

#include "core/sys.hpp"

namespace ipcb {

// How long a mode waits for the fds its peer passes over the channel (pipes, queues, sockets).
inline constexpr int kPassFdTimeoutMs = 10'000;

class Channel {
public:
    Channel() = default;
    explicit Channel(Fd sock) : sock_(std::move(sock)) {}
    int fd() const { return sock_.get(); }

    // Small control messages (the handshake); each one SEQPACKET record.
    void send_text(const std::string &text);
    std::string recv_text(int timeout_ms);
    void send_fd(int fd);
    Fd recv_fd(int timeout_ms);
    // True once the peer closed its end or died (POLLHUP/POLLRDHUP, without blocking).
    bool peer_gone() const;
    // Who the peer is, by the kernel's word (SO_PEERCRED): its pid and uid when it connected.
    struct Peer {
        int pid;
        unsigned uid;
    };
    Peer peer() const;
    // Throws Error unless the peer runs as this process's effective uid or as `also_allowed`
    // (-1: no other uid): the abstract socket has no file permissions, so any local user can
    // connect.
    void require_peer_uid(long also_allowed) const;

private:
    void wait_readable(int timeout_ms, const char *what);
    Fd sock_;
};

class Listener {
public:
    explicit Listener(const std::string &endpoint);
    Channel accept(int timeout_ms);  // timeout_ms < 0: wait forever (EINTR is an Error)
    const std::string &endpoint() const { return endpoint_; }

private:
    std::string endpoint_;
    Fd sock_;
};

// Retries while nobody listens yet, until timeout_ms has passed.
Channel connect_to(const std::string &endpoint, int timeout_ms);

}  // namespace ipcb
