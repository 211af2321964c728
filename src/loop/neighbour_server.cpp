#include "loop/neighbour_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/payload.hpp"
#include "ipc/tcp_link.hpp"

namespace ipcb {

NeighbourServer::NeighbourServer(EventLoop &loop, const NeighbourSpec &spec)
    : loop_(loop), spec_(spec), source_(loop.add_source(this)) {}

void NeighbourServer::accept_all(int listen_fd, const std::string &token, int timeout_ms) {
    const std::uint64_t deadline = now_ns() + std::uint64_t(timeout_ms) * 1'000'000u;
    while (conns_.size() < spec_.connections) {
        const std::uint64_t now = now_ns();
        if (now >= deadline)
            throw Error("neighbours: " + std::to_string(conns_.size()) + " of " + std::to_string(spec_.connections) +
                        " connections came within " + std::to_string(timeout_ms / 1000) + " s");
        pollfd p{listen_fd, POLLIN, 0};
        if (::poll(&p, 1, int((deadline - now) / 1'000'000) + 1) <= 0) continue;
        Fd sock(::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
        if (sock.get() < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            throw_errno("neighbours: accept");
        }
        // Any local user can reach a loopback port: a connection is a neighbour only with the
        // token the orchestrator gave both processes (as the tcp mode's clients show theirs).
        if (read_token(sock.get()) != token) throw Error("neighbours: a connection without the session token");
        const int one = 1;
        check_sys(::setsockopt(sock.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), "setsockopt(TCP_NODELAY)");
        Conn c;
        c.fd = std::move(sock);
        c.in.resize(spec_.size * (kNeighbourWindow + 1));
        conns_.push_back(std::move(c));
    }
    for (unsigned c = 0; c < conns_.size(); ++c) arm_recv(c);
}

void NeighbourServer::arm_recv(unsigned c) {
    Conn &conn = conns_[c];
    io_uring_sqe *sqe = loop_.ring().sqe();
    io_uring_prep_recv(sqe, conn.fd.get(), conn.in.data() + conn.in_used, conn.in.size() - conn.in_used, 0);
    io_uring_sqe_set_data64(sqe, EventLoop::tag(source_, (std::uint64_t(c) << 1) | kRecv));
}

void NeighbourServer::start_send(unsigned c) {
    Conn &conn = conns_[c];
    if (!conn.sending.empty() || conn.out.empty()) return;
    conn.sending.swap(conn.out);
    conn.sent = 0;
    io_uring_sqe *sqe = loop_.ring().sqe();
    io_uring_prep_send(sqe, conn.fd.get(), conn.sending.data(), conn.sending.size(), MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, EventLoop::tag(source_, (std::uint64_t(c) << 1) | kSend));
}

void NeighbourServer::on_completion(std::uint64_t local, int res, unsigned) {
    const unsigned c = unsigned(local >> 1);
    if (c >= conns_.size()) throw Error("neighbours: a completion for no connection");
    if ((local & 1) == kRecv) on_recv(c, res);
    else on_send(c, res);
}

void NeighbourServer::answer(Conn &conn, std::span<std::byte> request, unsigned c) {
    const std::uint64_t seq = conn.next_seq++;
    if (std::string err = payload::check_stamps(request, seq, payload::Dir::request); !err.empty())
        throw Error("neighbours: verification failed (connection " + std::to_string(c) + "): " + err);
    if (spec_.work_ns) {  // the request's own CPU, as a handler's would be
        const std::uint64_t until = now_ns() + spec_.work_ns;
        while (now_ns() < until) cpu_relax();
    }
    payload::stamp(request, seq, payload::Dir::response);
    conn.out.insert(conn.out.end(), request.begin(), request.end());
    ++answered_;
}

void NeighbourServer::on_recv(unsigned c, int res) {
    Conn &conn = conns_[c];
    if (res == 0 || res == -ECONNRESET) {  // the neighbours are done with this connection
        if (!conn.closed) conn.closed = true, ++closed_;
        return;
    }
    if (res < 0) throw_errno("neighbours: io_uring RECV", -res);
    conn.in_used += std::size_t(res);
    std::size_t at = 0;
    for (; conn.in_used - at >= spec_.size; at += spec_.size)
        answer(conn, std::span(conn.in).subspan(at, spec_.size), c);
    if (at > 0) {
        std::memmove(conn.in.data(), conn.in.data() + at, conn.in_used - at);
        conn.in_used -= at;
    }
    if (conn.in_used == conn.in.size()) throw Error("neighbours: more requests outstanding than the window allows");
    start_send(c);
    arm_recv(c);
}

void NeighbourServer::on_send(unsigned c, int res) {
    Conn &conn = conns_[c];
    if (res == -EPIPE || res == -ECONNRESET) {  // the neighbours left before this answer
        conn.sending.clear();
        conn.out.clear();
        return;
    }
    if (res < 0) throw_errno("neighbours: io_uring SEND", -res);
    conn.sent += std::size_t(res);
    if (conn.sent < conn.sending.size()) {  // short: the rest, from where it stopped
        io_uring_sqe *sqe = loop_.ring().sqe();
        io_uring_prep_send(sqe, conn.fd.get(), conn.sending.data() + conn.sent, conn.sending.size() - conn.sent,
                           MSG_NOSIGNAL);
        io_uring_sqe_set_data64(sqe, EventLoop::tag(source_, (std::uint64_t(c) << 1) | kSend));
        return;
    }
    conn.sending.clear();
    start_send(c);
}

}  // namespace ipcb
