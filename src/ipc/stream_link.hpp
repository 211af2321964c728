#pragma once
// A byte-stream link between the two roles (a pipe pair, a TCP connection, an AF_UNIX stream
// socket), carrying length-framed messages (stream_frames.hpp), and the two endpoints every stream
// mode uses: one driven by io_uring, one by blocking system calls (the baseline).
#include <memory>
#include <span>
#include <string>

#include "core/sys.hpp"
#include "ipc/endpoint.hpp"
#include "ipc/rendezvous.hpp"

namespace ipcb {

struct StreamLink {
    Fd in;                // read from here
    Fd out;               // write here (a socket: the same descriptor as `in`, duplicated)
    bool socket = false;  // sockets: sendmsg/recvmsg (MSG_NOSIGNAL, MSG_WAITALL); pipes: readv/writev
    std::string what;     // "pipe pair, 1 MiB each", for describe()
    // The rendezvous channel: a stream says nothing while its peer is stopped, so the endpoints
    // also watch the channel, which the two-terminal watchdog shuts down (run/child/watchdog.hpp).
    const Channel *watch = nullptr;
    bool ended = false;  // the peer finished (end of stream): its channel may hang up now
};

// io_uring: each message's WRITEV/SENDMSG (length word and message in one gathering write) is linked
// to the READV/RECVMSG that follows, and both go in one io_uring_enter that waits for both: one
// system call per side per round trip while a message arrives in one read.
std::unique_ptr<Endpoint> open_uring_stream(StreamLink link, const ModeConfig &config);
// The same framing with blocking writev(2)/readv(2) (sendmsg/recvmsg on sockets), no io_uring.
std::unique_ptr<Endpoint> open_blocking_stream(StreamLink link, const ModeConfig &config);
// One io_uring loop over every client's link, a read armed on each (fan-in).
std::unique_ptr<FanInServer> open_uring_stream_fan_in(std::vector<StreamLink> links, const ModeConfig &config);

}  // namespace ipcb
