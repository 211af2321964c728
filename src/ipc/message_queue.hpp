#pragma once
// The POSIX message queues of the mq modes: one per direction, made by the server, unlinked at once
// (the descriptors keep them alive; nothing is left in /dev/mqueue whatever happens later) and
// passed to the client over the rendezvous socket (a Linux mqd_t is a file descriptor).
#include <span>
#include <string>

#include "core/sys.hpp"
#include "ipc/endpoint.hpp"
#include "ipc/rendezvous.hpp"

namespace ipcb {

struct QueuePair {
    Fd in;   // receive from here
    Fd out;  // send here
    long max_messages = 0;
    std::size_t message_bytes = 0;
};

// Empty when queues for this run can be made, else why not, naming the limit and the value
// needed: fs.mqueue.msgsize_max (the size), fs.mqueue.msg_max (the window), RLIMIT_MSGQUEUE (their
// product). A process with CAP_SYS_RESOURCE is held to the kernel's hard limits only, as the kernel does.
std::string message_queues_unsupported(const ModeConfig &config, unsigned clients = 1);

// The largest in-flight window queues hold here (fs.mqueue.msg_max less the end-of-session
// message), 0 when no limit binds (CAP_SYS_RESOURCE).
unsigned message_queue_max_window();

// A message's bytes for mq_send: never null (glibc declares the pointer non-null, even for the
// zero-length message that ends a session).
inline const char *message_bytes(std::span<const std::byte> msg) {
    static const char nothing = 0;
    return msg.empty() ? &nothing : reinterpret_cast<const char *>(msg.data());
}

// nonblocking: the io_uring side polls, then receives without blocking.
QueuePair open_queue_pair(Role role, Channel &channel, const ModeConfig &config, bool nonblocking);

}  // namespace ipcb
