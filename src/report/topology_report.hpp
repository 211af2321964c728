#pragma once
// The machine's topology and the pair each placement class takes, as --list-cpus prints and
// writes it, and as every report carries it (environment.topology). Formatting only: the
// topology and the pairs come from topology/.
#include <string>

#include <nlohmann/json.hpp>

#include "topology/cpu_topology.hpp"

namespace ipcb {

// cpus[] (cpu, core, core_id, package, llc, node, siblings), pairs by class (two CPUs, or null
// with the reason in pairs_missing), llc_level, isolated, nohz_full, the sysfs root read.
nlohmann::json topology_json(const CpuTopology &t);

// A tree: node > package > last-level cache > core > threads; then each class's pair.
std::string topology_text(const CpuTopology &t);

}  // namespace ipcb
