#pragma once
// The client's timed phase in an interleaved run (RoleParams::slice_fd): the orchestrator keeps
// several designs set up at once and runs them one at a time in short slices, so all of them see
// the host in the same minute. Between slices this client blocks in read(2) on its slice pipe (no
// CPU; the orchestrator also stops its processes). Each byte it reads is one slice: an unrecorded
// lead-in (the caches and the peer wake after the other designs ran), then slice_ns of round trips
// recorded in a histogram of their own, sent as a SLICE record (the figures, with both roles'
// CPU read from their CPU clocks around the recorded part) and a SLICE_HISTOGRAM record. EOF on
// the pipe ends the phase; the run's report then holds the sum of the recorded parts.
#include "run/child/client_loop.hpp"
#include "run/child/roles.hpp"

namespace ipcb {

struct SlicedPhase {
    ClientLoop::Phase totals;  // summed over the recorded parts
    RoleReport usage;          // user_s, sys_s, switches and wall_s summed over the recorded parts
    std::uint64_t slices = 0;
};

// Runs slices until EOF on p.slice_fd, recording every recorded part into `all` as well.
SlicedPhase run_slices(const RoleParams &p, ClientLoop &loop, int server_pid, Recording &all);

}  // namespace ipcb
