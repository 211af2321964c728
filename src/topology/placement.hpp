#pragma once
// Placement classes (--placement): how far apart the two ends of a run are, in the machine's
// topology, and the CPUs the harness takes for each. One cache line's round trip costs 4-10 ns
// between SMT siblings, ~20 ns within a last-level cache, ~85-110 ns across caches and ~110-140
// ns across sockets (published core-to-core figures), so a class names what a run measured.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/cpu_topology.hpp"

namespace ipcb {

// Where the two ends run, as asked.
enum class Placement {
    separate,     // the nearest pair that is neither one CPU nor one core's two threads (cache, else
                  // cross-cache, else across packages or nodes): a plain run's default
    same_cpu,     // both ends (every client, in fan-in) on the server's CPU: each hand-off a context switch
    smt,          // two threads of one core
    cache,        // two cores that share the last-level cache
    cross_cache,  // two cores of one package on different last-level caches (AMD's CCXs)
    cross_node,   // two NUMA nodes
};
const char *placement_name(Placement p);  // "separate" | "same-cpu" | "smt" | "cache" | "cross-cache" | "cross-node"
std::optional<Placement> placement_named(std::string_view name);
inline constexpr const char *kPlacementNames = "separate, same-cpu, smt, cache, cross-cache or cross-node";

// How two CPUs relate, nearest first.
enum class CpuRelation {
    same_cpu,
    smt,            // siblings of one core
    cache,          // different cores, one last-level cache
    cross_cache,    // one package, different last-level caches
    same_package,   // one package, the kernel shows no last-level cache for them
    cross_package,  // different packages, one NUMA node
    cross_node,     // different NUMA nodes
    unknown,        // a CPU the topology does not list
};
const char *relation_name(CpuRelation r);  // "same-cpu", "smt", "cache", "cross-cache", ...
CpuRelation relation_of(const CpuTopology &t, int a, int b);
// Whether a pair that relates so is of the placement class (separate: any but same-cpu and smt).
bool placement_accepts(Placement p, CpuRelation r);

struct CpuPair {
    int server = -1, client = -1;
    CpuRelation relation = CpuRelation::unknown;
    std::string why_none;  // set when the machine has no such pair (then server and client are -1)
    bool found() const { return server >= 0; }
};

// The pair the harness takes for a class: the lowest-numbered server CPU that has a partner in
// the class, and its lowest partner (for separate, its nearest); with `server` >= 0 that CPU's
// partner. The pair is never two threads of one core unless the class is smt.
CpuPair pair_for(const CpuTopology &t, Placement p, int server = -1);

// Fan-in clients' CPUs for a class: every CPU in the class from `server`, nearest first, then
// by number (same-cpu: the server's own CPU). Empty where there is none.
std::vector<int> clients_for(const CpuTopology &t, Placement p, int server);

// A CPU for an io_uring SQ polling thread that serves the side on `side_cpu`: none of `taken`
// nor a sibling of one, in the side's last-level cache where one is free, else its package, else
// anywhere; -1 where every allowed CPU is taken.
int sq_thread_cpu_for(const CpuTopology &t, int side_cpu, const std::vector<int> &taken);

}  // namespace ipcb
