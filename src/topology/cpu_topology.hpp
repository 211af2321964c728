#pragma once
// The machine's CPUs as the kernel lays them out (/sys/devices/system/cpu and .../node): which
// CPUs are two threads of one core, which cores share a last-level cache, which package and NUMA
// node each is on. Where the two ends of a round trip run decides more than the design does on a
// big machine (one cache line: 4-10 ns between SMT siblings, ~20 ns within one last-level cache,
// ~100 ns across caches or sockets), so placements are chosen from this, never from CPU numbers:
// the kernel numbers siblings 0 and 1 on some machines and 0 and N/2 on others.
#include <string>
#include <string_view>
#include <vector>

namespace ipcb {

struct CpuInfo {
    int cpu = -1;
    int core = -1;              // index of the physical core, machine-wide, in the order of its lowest CPU
    int core_id = -1;           // topology/core_id as the kernel gives it (unique within a package only)
    int package = 0;            // topology/physical_package_id
    int llc = -1;               // index of the last-level cache, machine-wide, by its lowest CPU; -1: not shown
    int node = 0;               // NUMA node (devices/system/node/nodeN/cpulist); 0 where the kernel has none
    std::vector<int> siblings;  // topology/thread_siblings_list: this CPU and its SMT siblings
};

struct CpuTopology {
    std::string root;            // the sysfs root read ("/sys", or IPCB_SYSFS_ROOT)
    std::vector<CpuInfo> cpus;   // the CPUs this process may use, ascending
    int llc_level = 0;           // the cache level taken as last-level (3, or 2 where no L3 is shown); 0: none
    int online = 0;              // online CPUs (allowed or not)
    std::vector<int> isolated;   // devices/system/cpu/isolated (isolcpus=)
    std::vector<int> nohz_full;  // devices/system/cpu/nohz_full
    const CpuInfo *find(int cpu) const;
    std::vector<int> cpu_numbers() const;  // the CPUs' numbers, ascending
    int packages() const;
    int llcs() const;
    int nodes() const;
    int cores() const;
};

// Reads the tree under `sysfs_root` for the CPUs in `allowed` (empty: every online CPU); a CPU
// the tree does not describe gets a core, package and cache of its own guessing nothing.
CpuTopology read_topology(const std::string &sysfs_root, const std::vector<int> &allowed);

// This machine's, read once: IPCB_SYSFS_ROOT when set (a stand-in for /sys, for tests; its online
// CPUs count as allowed), else /sys for the CPUs sched_getaffinity allows.
const CpuTopology &machine_topology();

// Whether devices/system/node/nodeN exists under the machine's sysfs root (a node may hold
// memory and no CPU).
bool numa_node_exists(int node);

// "0-3,8,10-11" -> {0,1,2,3,8,10,11}; malformed items are skipped (sysfs writes none).
std::vector<int> parse_cpu_list_text(std::string_view text);
// {0,1,2,3,8} -> "0-3,8"
std::string cpu_list_text(const std::vector<int> &cpus);

}  // namespace ipcb
