#pragma once
// The data socket of the uds modes when --socket asks for another type than the rendezvous
// socket's SEQPACKET: a socketpair(2) the server makes, one end passed to the client over the
// rendezvous socket (SCM_RIGHTS), buffers sized for the in-flight window.
#include "core/sys.hpp"
#include "ipc/endpoint.hpp"
#include "ipc/rendezvous.hpp"
#include "ipc/stream_link.hpp"

namespace ipcb {

Fd open_unix_pair(Role role, Channel &channel, SocketType type, const ModeConfig &config);
// The same pair as a stream link (SOCK_STREAM, length-framed).
StreamLink open_unix_stream_link(Role role, Channel &channel, const ModeConfig &config);

}  // namespace ipcb
