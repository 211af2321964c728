#pragma once
#include "ipc/endpoint.hpp"

namespace ipcb {
// Sizes SO_SNDBUF/SO_RCVBUF of an AF_UNIX socket for every message in flight plus one. AF_UNIX
// charges in-flight data to the sender's SO_SNDBUF, and a SOCK_SEQPACKET record larger than
// sndbuf - 32 fails with EMSGSIZE. Uses SO_*BUFFORCE when allowed (root may exceed wmem_max).
// Returns the SO_SNDBUF the kernel granted; throws, naming net.core.wmem_max and the size needed,
// when it grants less than the in-flight window needs.
int size_socket_buffers(int fd, const ModeConfig &config);
}  // namespace ipcb
