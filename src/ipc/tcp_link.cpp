#include "ipc/tcp_link.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <sstream>

#include "ipc/socket_buffers.hpp"

namespace ipcb {
namespace {

constexpr std::size_t kTokenBytes = 32;  // hex digits of 16 random bytes
constexpr int kAcceptTimeoutMs = 10'000;
constexpr int kTokenTimeoutMs = 2'000;  // a connection that shows nothing is closed after this

// The process's loopback listener, made on first use.
TcpListener &loopback_listener() {
    static TcpListener l = listen_on_loopback(64);
    return l;
}

}  // namespace

TcpListener listen_on_loopback(int backlog) {
    TcpListener t;
    t.sock = Fd(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket(AF_INET)"));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only: nothing off this host reaches it
    check_sys(::bind(t.sock.get(), reinterpret_cast<sockaddr *>(&a), sizeof a), "bind(127.0.0.1)");
    check_sys(::listen(t.sock.get(), backlog), "listen");
    socklen_t len = sizeof a;
    check_sys(::getsockname(t.sock.get(), reinterpret_cast<sockaddr *>(&a), &len), "getsockname");
    t.port = ntohs(a.sin_port);
    return t;
}

std::string random_token() {
    unsigned char raw[kTokenBytes / 2];
    if (::getrandom(raw, sizeof raw, 0) != ssize_t(sizeof raw)) throw_errno("getrandom");
    std::string hex;
    for (unsigned char b : raw) {
        static const char digits[] = "0123456789abcdef";
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    return hex;
}

namespace {

void tune(int fd, const ModeConfig &config) {
    const int one = 1;
    // Each message leaves at once: Nagle would hold a small reply back for the peer's ACK.
    check_sys(::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), "setsockopt(TCP_NODELAY)");
    size_socket_buffers(fd, config);
}

StreamLink link_of(Fd sock, const ModeConfig &config, int port) {
    tune(sock.get(), config);
    Fd out(check_sys(::fcntl(sock.get(), F_DUPFD_CLOEXEC, 0), "dup"));
    return {std::move(sock), std::move(out), true, "TCP over 127.0.0.1:" + std::to_string(port) + ", TCP_NODELAY"};
}

}  // namespace

std::string read_token(int fd) {
    std::string got(kTokenBytes, '\0');
    std::size_t have = 0;
    const std::uint64_t deadline = now_ns() + std::uint64_t(kTokenTimeoutMs) * 1'000'000;
    while (have < kTokenBytes) {
        const std::uint64_t now = now_ns();
        if (now >= deadline) return {};
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, int((deadline - now) / 1'000'000) + 1) <= 0) continue;
        const ssize_t n = ::recv(fd, got.data() + have, kTokenBytes - have, 0);
        if (n <= 0) return {};
        have += std::size_t(n);
    }
    return got;
}

Fd connect_to_loopback(int port) {
    Fd sock(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket(AF_INET)"));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(std::uint16_t(port));
    if (::connect(sock.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) < 0)
        throw_errno("connect(127.0.0.1:" + std::to_string(port) + ")");
    const int one = 1;
    check_sys(::setsockopt(sock.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), "setsockopt(TCP_NODELAY)");
    return sock;
}

namespace {

std::string peer_text(const sockaddr_in &a) {
    char ip[INET_ADDRSTRLEN] = "?";
    ::inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(a.sin_port));
}

}  // namespace

std::vector<StreamLink> accept_tcp_links(std::span<Channel *const> channels, const ModeConfig &config) {
    TcpListener &l = loopback_listener();
    std::vector<std::string> tokens;
    for (Channel *ch : channels) {
        tokens.push_back(random_token());
        ch->send_text("127.0.0.1 " + std::to_string(l.port) + " " + tokens.back());
    }
    std::vector<StreamLink> links(channels.size());
    std::size_t matched = 0;
    while (matched < channels.size()) {
        pollfd p{l.sock.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, kAcceptTimeoutMs);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) throw Error("tcp: no client connected to 127.0.0.1:" + std::to_string(l.port) + " in time");
        sockaddr_in from{};
        socklen_t len = sizeof from;
        Fd sock(::accept4(l.sock.get(), reinterpret_cast<sockaddr *>(&from), &len, SOCK_CLOEXEC));
        if (!sock) continue;  // the connection went away before accept
        const std::string token = read_token(sock.get());
        std::size_t i = 0;
        while (i < tokens.size() && (token.empty() || tokens[i] != token || links[i].in)) ++i;
        if (i == tokens.size()) {
            std::fprintf(stderr, "tcp: refused a connection from %s: it did not show this session's token\n",
                         peer_text(from).c_str());
            continue;
        }
        links[i] = link_of(std::move(sock), config, l.port);
        links[i].watch = channels[i];
        ++matched;
    }
    return links;
}

StreamLink connect_tcp_link(Channel &channel, const ModeConfig &config) {
    std::istringstream in(channel.recv_text(kAcceptTimeoutMs));
    std::string host, token;
    int port = 0;
    if (!(in >> host >> port >> token) || host != "127.0.0.1" || token.size() != kTokenBytes || port <= 0)
        throw Error("tcp: the server sent no loopback address and token");
    Fd sock(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket(AF_INET)"));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check_sys(::connect(sock.get(), reinterpret_cast<sockaddr *>(&a), sizeof a), "connect(127.0.0.1)");
    write_full(sock.get(), token.data(), token.size());
    StreamLink link = link_of(std::move(sock), config, port);
    link.watch = &channel;
    return link;
}

StreamLink open_tcp_link(Role role, Channel &channel, const ModeConfig &config) {
    if (role == Role::client) return connect_tcp_link(channel, config);
    Channel *one[] = {&channel};
    return std::move(accept_tcp_links(one, config).front());
}

}  // namespace ipcb
