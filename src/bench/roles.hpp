#pragma once
// The two roles of a run. The client drives request/response round trips (warmup, then the
// timed phase), takes a latency sample per round trip and verifies every response; the server
// verifies each request and answers it. Both measure their own rusage over the timed phase.
#include <cstdint>
#include <string>
#include <vector>

#include "bench/run_types.hpp"
#include "ipc/rendezvous.hpp"
#include "modes/mode.hpp"

namespace ipcb {

struct RoleParams {
    RunConfig run;
    std::string endpoint;
    int cpu = -1;         // pin to this CPU (-1: leave the affinity alone)
    int go_fd = -1;       // orchestrated: start the timed work once this pipe reads EOF
    int result_fd = -1;   // orchestrated: where READY/RESULT/SAMPLES/ERROR records go
};

struct ClientOutcome {
    RoleReport client;
    std::optional<RoleReport> server;   // as the server sent it over the channel at the end
    std::vector<std::uint32_t> samples_ns;
};

// Serves one client on `listener`; returns the server's report.
RoleReport serve_one(Listener &listener, const RoleParams &params, int accept_timeout_ms);
ClientOutcome run_client(const RoleParams &params);

// Entry points of the orchestrator's children: run the role, report through params.result_fd
// and leave with _exit (never return, never run atexit handlers or flush inherited stdio).
[[noreturn]] void server_child_main(const RoleParams &params);
[[noreturn]] void client_child_main(const RoleParams &params);

}  // namespace ipcb
