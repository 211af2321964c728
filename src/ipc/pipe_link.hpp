#pragma once
// The pipes of the pipe modes: one per direction, made by the server and passed to the client over
// the rendezvous socket (SCM_RIGHTS): nothing in the file system, nothing left after a crash.
#include <string>

#include "ipc/endpoint.hpp"
#include "ipc/rendezvous.hpp"
#include "ipc/stream_link.hpp"

namespace ipcb {

// The server makes both pipes, sizes them for the in-flight window (F_SETPIPE_SZ; failing that,
// an Error naming fs.pipe-max-size), sends the client its two ends and keeps its own; the client
// receives its ends.
StreamLink open_pipe_link(Role role, Channel &channel, const ModeConfig &config);

// Empty when the pipes of a run can be sized, else why not, naming fs.pipe-max-size (a process
// with CAP_SYS_RESOURCE may exceed it).
std::string pipes_unsupported(const ModeConfig &config, unsigned clients = 1);

// Pipe capacity for a run: every frame of the window plus one, each rounded up to whole pages plus
// one (a frame that starts mid-page spans one more), in bytes.
std::size_t pipe_capacity(const ModeConfig &config);

}  // namespace ipcb
