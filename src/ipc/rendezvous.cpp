#include "ipc/rendezvous.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <thread>

namespace ipcb {
namespace {

sockaddr_un abstract_address(const std::string &endpoint, socklen_t &len) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string name = "ipc_benchmark/" + endpoint;
    if (name.size() + 1 > sizeof addr.sun_path) throw Error("endpoint name too long: " + endpoint);
    addr.sun_path[0] = '\0';  // abstract namespace: no file, gone when the last fd closes
    std::memcpy(addr.sun_path + 1, name.data(), name.size());
    len = socklen_t(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    return addr;
}

Fd seqpacket_socket() {
    return Fd(int(check_sys(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), "socket(AF_UNIX)")));
}

}  // namespace

void Channel::wait_readable(int timeout_ms, const char *what) {
    pollfd p{sock_.get(), POLLIN, 0};
    int rc;
    do rc = ::poll(&p, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    check_sys(rc, "poll");
    if (rc == 0) throw Error(std::string("peer did not answer in time (") + what + ")");
}

void Channel::send_text(const std::string &text) {
    if (::send(sock_.get(), text.data(), text.size(), MSG_NOSIGNAL) != ssize_t(text.size()))
        throw_errno("handshake send");
}

std::string Channel::recv_text(int timeout_ms) {
    wait_readable(timeout_ms, "handshake");
    char buf[4096];
    ssize_t n = ::recv(sock_.get(), buf, sizeof buf, 0);
    if (n < 0) throw_errno("handshake recv");
    if (n == 0) throw Error("peer closed the connection during the handshake");
    return {buf, std::size_t(n)};
}

void Channel::send_fd(int fd) {
    char byte = 'F';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (::sendmsg(sock_.get(), &msg, MSG_NOSIGNAL) != 1) throw_errno("sendmsg(SCM_RIGHTS)");
}

Fd Channel::recv_fd(int timeout_ms) {
    wait_readable(timeout_ms, "fd passing");
    char byte;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(sock_.get(), &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) throw_errno("recvmsg(SCM_RIGHTS)");
    if (n == 0) throw Error("peer closed the connection before passing its shared memory");
    cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) throw Error("peer sent no file descriptor");
    int fd;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return Fd(fd);
}

Channel::Peer Channel::peer() const {
    ucred cred{};
    socklen_t len = sizeof cred;
    check_sys(::getsockopt(sock_.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len), "getsockopt(SO_PEERCRED)");
    return {int(cred.pid), unsigned(cred.uid)};
}

void Channel::require_peer_uid(long also_allowed) const {
    const Peer p = peer();
    const unsigned own = ::geteuid();
    if (p.uid == own || (also_allowed >= 0 && p.uid == unsigned(also_allowed))) return;
    throw Error("refused a connection from uid " + std::to_string(p.uid) + " (pid " + std::to_string(p.pid) +
                "): not this process's uid " + std::to_string(own) + " (--allow-uid " + std::to_string(p.uid) +
                " admits it)");
}

bool Channel::peer_gone() const {
    pollfd p{sock_.get(), POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

Listener::Listener(const std::string &endpoint) : endpoint_(endpoint), sock_(seqpacket_socket()) {
    socklen_t len;
    sockaddr_un addr = abstract_address(endpoint, len);
    if (::bind(sock_.get(), reinterpret_cast<sockaddr *>(&addr), len) < 0)
        throw_errno("bind(endpoint '" + endpoint + "')");
    check_sys(::listen(sock_.get(), 4), "listen");
}

Channel Listener::accept(int timeout_ms) {
    pollfd p{sock_.get(), POLLIN, 0};
    int rc = ::poll(&p, 1, timeout_ms);
    if (rc < 0) throw_errno("poll(listen)");
    if (rc == 0) throw Error("no client connected to endpoint '" + endpoint_ + "' in time");
    return Channel(Fd(int(check_sys(::accept4(sock_.get(), nullptr, nullptr, SOCK_CLOEXEC), "accept"))));
}

Channel connect_to(const std::string &endpoint, int timeout_ms) {
    socklen_t len;
    sockaddr_un addr = abstract_address(endpoint, len);
    const std::uint64_t deadline = now_ns() + std::uint64_t(timeout_ms) * 1'000'000u;
    for (;;) {
        Fd sock = seqpacket_socket();
        if (::connect(sock.get(), reinterpret_cast<sockaddr *>(&addr), len) == 0) return Channel(std::move(sock));
        if (errno != ECONNREFUSED && errno != ENOENT && errno != EAGAIN)
            throw_errno("connect(endpoint '" + endpoint + "')");
        if (now_ns() > deadline) throw Error("no server listens on endpoint '" + endpoint + "'");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace ipcb
