#pragma once
// The roles of a run, the child side: one server and one client, or N clients (fan-in). A client
// drives request/response round trips (warmup, then the timed phase), takes a latency sample per
// round trip and verifies every response; the server verifies each request of every client and
// answers it. Each measures its own rusage over the timed phase. Orchestrated, each role runs in
// a child process that reports through a result pipe (run/wire/result_pipe.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ipc/rendezvous.hpp"
#include "modes/mode.hpp"
#include "run/child/recording.hpp"
#include "run/results/run_types.hpp"
#include "run/wire/timed_window.hpp"

namespace ipcb {

struct RoleParams {
    RunConfig run;
    std::string endpoint;
    int cpu = -1;          // pin to this CPU (-1: leave the affinity alone)
    int client_index = 0;  // fan-in: which client this is
    int go_fd = -1;        // orchestrated: start the timed work once this pipe reads EOF
    int result_fd = -1;    // orchestrated: where READY/RESULT/SAMPLES/ERROR records go
    long allow_uid = -1;   // a peer uid admitted besides this process's own (--allow-uid; -1: none)
    // Two-terminal: connect within this long, and drop the session when it makes no progress for
    // this long (run/watchdog.hpp). 0: orchestrated, where the orchestrator's deadline rules.
    double session_timeout_s = 0;
    bool announce_setup = false;  // two-terminal server: print what the mode set up (a TCP port) on stderr
    // A run with neighbours: the loopback listener the orchestrator made (the server's, inherited),
    // its port and the token every neighbour connection shows first (the neighbours' process).
    int neighbours_listen_fd = -1;
    int neighbours_port = 0;
    std::string neighbours_token{};
    // A run with neighbours: the page where the server says when its timed phase began and ended,
    // which the neighbours' window follows (run/wire/timed_window.hpp); null otherwise.
    TimedWindow *timed_window = nullptr;
    // An interleaved run: after its warmup the client runs one slice of slice_ns (after an
    // unrecorded lead-in of slice_lead_ns) each time this pipe gives it a byte, and ends its
    // timed phase at EOF (run/child/client_slices.hpp). -1: one timed phase, as --duration says.
    int slice_fd = -1;
    std::uint64_t slice_ns = 0, slice_lead_ns = 0;
};

struct ClientOutcome {
    RoleReport client;
    std::optional<RoleReport> server;      // as the server sent it over the channel at the end
    std::unique_ptr<Recording> recording;  // histograms, exact samples while they fit, timeline
};

// Serves one session on `listener`: accepts params.run.clients clients (one, or N for fan-in),
// answers them until each has finished, and returns the server's report (server_role.cpp).
RoleReport serve_session(Listener &listener, const RoleParams &params, int accept_timeout_ms);
// Runs the client's session against the server at params.endpoint (client_role.cpp).
ClientOutcome run_client_session(const RoleParams &params);

// Entry points of the orchestrator's children: run the role, report through params.result_fd
// and leave with _exit (never return, never run atexit handlers or flush inherited stdio).
[[noreturn]] void server_child_main(const RoleParams &params);
[[noreturn]] void client_child_main(const RoleParams &params);
// The neighbours' process (neighbours_role.cpp): run.neighbours' connections to the server's loop.
[[noreturn]] void neighbours_child_main(const RoleParams &params);

// Shared by both roles.
const Mode &mode_of(const RunConfig &run);  // throws Error for an unknown mode
ModeConfig mode_config_of(const RunConfig &run, Role role = Role::client);
// Orchestrated: tells the orchestrator that setup is done, then waits for the common start.
void send_ready(const RoleParams &p, const RoleReport &r);
void wait_for_go(const RoleParams &p);

}  // namespace ipcb
