#pragma once
// Why a configuration cannot run here, before anything is forked (an unsupported run, with the
// reason), and the CPUs of --uring sqpoll's SQ polling threads, chosen from the topology.
#include <string>

#include "run/results/run_types.hpp"

namespace ipcb {

// Why `config` cannot run here ("" when it can): the mode, its knobs, the window's memory,
// fan-in, placement, the SQ threads' CPUs, neighbours. run_orchestrated reports it as unsupported.
std::string run_unsupported(const RunConfig &config);

// `c` with server_sq_cpu and client_sq_cpu set where it asks for sqpoll: each side's SQ thread
// on a CPU that is neither end nor an end's SMT sibling, in the side's last-level cache where one
// is free (the server's chosen first); -1 where none is left.
RunConfig with_sq_threads(RunConfig c);

}  // namespace ipcb
