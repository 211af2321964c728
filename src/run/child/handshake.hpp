#pragma once
// The session handshake over the rendezvous channel: the client says what it wants (mode, sizes,
// the window of requests it keeps outstanding, spin budget, seed, io_uring knobs); the server
// checks it against what it serves and answers.
#include "ipc/rendezvous.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {

inline constexpr int kHandshakeTimeoutMs = 10'000;

// Client: sends its request and throws when the server refuses it.
void client_handshake(Channel &ch, const RunConfig &run);
// Server: reads the request, answers it, and returns `own` with the client's run parameters;
// throws (after telling the client why) when the request is malformed or names another mode.
RunConfig server_handshake(Channel &ch, const RunConfig &own);

}  // namespace ipcb
