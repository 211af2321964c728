#pragma once
// The connections of the tcp modes: TCP over loopback (127.0.0.1, TCP_NODELAY), one per client.
//
// The server listens on one loopback port for the life of its process (a two-terminal server
// keeps it across sessions and prints it). Any local user can connect to a TCP port, and TCP has
// no peer credentials, so each client proves it is the peer the rendezvous accepted: the server
// hands it a random session token over the rendezvous socket (whose peer's uid the server has
// checked, SO_PEERCRED), and the first bytes on the TCP connection must be that token. A
// connection without it is closed and reported on stderr; the server goes on waiting.
#include <vector>

#include "ipc/endpoint.hpp"
#include "ipc/rendezvous.hpp"
#include "ipc/stream_link.hpp"

namespace ipcb {

// A listening TCP socket on 127.0.0.1 at a port the kernel chose.
struct TcpListener {
    Fd sock;
    int port = 0;
};
TcpListener listen_on_loopback(int backlog);
// A connected TCP socket to 127.0.0.1:port, TCP_NODELAY.
Fd connect_to_loopback(int port);
// The session token a connection must show first (32 hex digits of getrandom), and reading it:
// the token a new connection shows, or "" when it shows none within 2 s.
inline constexpr std::size_t kTcpTokenBytes = 32;
std::string random_token();
std::string read_token(int fd);

// The server's side: one connection per channel, each matched to its channel by its token.
std::vector<StreamLink> accept_tcp_links(std::span<Channel *const> channels, const ModeConfig &config);
// The client's side: reads the address and token from the channel, connects, shows the token.
StreamLink connect_tcp_link(Channel &channel, const ModeConfig &config);
// Either side, one client.
StreamLink open_tcp_link(Role role, Channel &channel, const ModeConfig &config);

}  // namespace ipcb
