#pragma once
// Bare reference ping-pongs: the least code that does what a sleeping mode does, so anyone can
// hold the harness against it. Two processes (fork: a context switch between them changes the
// address space, as between the harness's roles), each pinned, no verification, no counters, no
// io_uring; the client reads the clock around each round trip (one vDSO read each, ~20 ns).
//
//   socketpair  blocking send/recv of the message over an AF_UNIX SOCK_SEQPACKET socketpair:
//               what `uds-sync` does without the harness;
//   futex       the message copied into a shared buffer, a sequence word stored, FUTEX_WAKE; the
//               peer sleeps in FUTEX_WAIT on that word (no spinning): the plain sleeping handoff.
//               On one CPU it is the floor of any sleeping round trip: two context switches and
//               the copies.
//
// Both CPUs may be the same CPU. tools/bare_pingpong runs them alone; the orchestrator uses the
// futex one as the floor of a same-cpu run and the sweep holds uds-sync against the socketpair.
#include <cstddef>
#include <string>

namespace ipcb {

struct BareResult {
    std::string kind;  // "socketpair" | "futex"
    std::size_t bytes = 0;
    unsigned round_trips = 0;
    double p50_us = 0, p99_us = 0, mean_us = 0;
};

// bytes 1..4 MiB, round_trips >= 2. Throws ipcb::Error when a process cannot be made or
// pinned, or the peer stops answering (5 s).
BareResult bare_socketpair_pingpong(std::size_t bytes, unsigned round_trips, int client_cpu, int server_cpu);
BareResult bare_futex_pingpong(std::size_t bytes, unsigned round_trips, int client_cpu, int server_cpu);

}  // namespace ipcb
