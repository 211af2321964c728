#include "topology/cpu_topology.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "core/environment.hpp"
#include "core/sys.hpp"

namespace ipcb {

std::vector<int> parse_cpu_list_text(std::string_view text) {
    std::vector<int> cpus;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find(',', at);
        if (end == std::string_view::npos) end = text.size();
        const std::string item(text.substr(at, end - at));
        at = end + 1;
        char *rest = nullptr;
        const long lo = std::strtol(item.c_str(), &rest, 10);
        if (rest == item.c_str() || lo < 0) continue;
        long hi = lo;
        if (*rest == '-') {
            const char *from = rest + 1;
            hi = std::strtol(from, &rest, 10);
            if (rest == from || hi < lo) continue;
        }
        for (long c = lo; c <= hi && c < 65536; ++c) cpus.push_back(int(c));
    }
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    return cpus;
}

std::string cpu_list_text(const std::vector<int> &cpus) {
    std::string out;
    for (std::size_t i = 0; i < cpus.size();) {
        std::size_t j = i;
        while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
        out += (out.empty() ? "" : ",") + std::to_string(cpus[i]) + (j > i ? "-" + std::to_string(cpus[j]) : "");
        i = j + 1;
    }
    return out;
}

const CpuInfo *CpuTopology::find(int cpu) const {
    for (const CpuInfo &c : cpus)
        if (c.cpu == cpu) return &c;
    return nullptr;
}

namespace {

template <class Key>
int count_distinct(const std::vector<CpuInfo> &cpus, Key key) {
    std::set<int> seen;
    for (const CpuInfo &c : cpus) seen.insert(key(c));
    return int(seen.size());
}

int read_int(const std::string &path, int otherwise) {
    const std::string line = read_first_line(path);
    if (line.empty()) return otherwise;
    char *end = nullptr;
    const long v = std::strtol(line.c_str(), &end, 10);
    return end == line.c_str() ? otherwise : int(v);
}

// The highest-level data or unified cache the CPU lists, and the CPUs that share it.
struct CacheSeen {
    int level = 0;
    std::vector<int> shared;
};
CacheSeen last_level_cache(const std::string &cpu_dir) {
    CacheSeen best;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(cpu_dir + "/cache", ec)) {
        const std::string d = entry.path().string();
        if (entry.path().filename().string().rfind("index", 0) != 0) continue;
        const std::string type = read_first_line(d + "/type");
        if (type == "Instruction") continue;
        const int level = read_int(d + "/level", 0);
        std::vector<int> shared = parse_cpu_list_text(read_first_line(d + "/shared_cpu_list"));
        if (level > best.level && !shared.empty()) best = {level, std::move(shared)};
    }
    return best;
}

}  // namespace

std::vector<int> CpuTopology::cpu_numbers() const {
    std::vector<int> v;
    for (const CpuInfo &c : cpus) v.push_back(c.cpu);
    return v;
}

int CpuTopology::packages() const {
    return count_distinct(cpus, [](const CpuInfo &c) { return c.package; });
}
int CpuTopology::llcs() const {
    return count_distinct(cpus, [](const CpuInfo &c) { return c.llc; });
}
int CpuTopology::nodes() const {
    return count_distinct(cpus, [](const CpuInfo &c) { return c.node; });
}
int CpuTopology::cores() const {
    return count_distinct(cpus, [](const CpuInfo &c) { return c.core; });
}

CpuTopology read_topology(const std::string &sysfs_root, const std::vector<int> &allowed) {
    CpuTopology t;
    t.root = sysfs_root;
    const std::string cpu_root = sysfs_root + "/devices/system/cpu";
    const std::vector<int> online = parse_cpu_list_text(read_first_line(cpu_root + "/online"));
    t.online = int(online.size());
    t.isolated = parse_cpu_list_text(read_first_line(cpu_root + "/isolated"));
    t.nohz_full = parse_cpu_list_text(read_first_line(cpu_root + "/nohz_full"));
    std::vector<int> cpus = allowed.empty() ? online : allowed;
    std::sort(cpus.begin(), cpus.end());

    // NUMA nodes: nodeN/cpulist for each node folder.
    std::map<int, int> node_of;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(sysfs_root + "/devices/system/node", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("node", 0) != 0 || name.size() == 4 || !std::isdigit(static_cast<unsigned char>(name[4])))
            continue;
        const int node = std::atoi(name.c_str() + 4);
        for (int c : parse_cpu_list_text(read_first_line(entry.path().string() + "/cpulist"))) node_of[c] = node;
    }

    // Cores and caches are numbered machine-wide by their lowest CPU: the kernel's core_id repeats
    // across packages, and cache ids are missing from older kernels.
    std::map<std::vector<int>, int> core_index, llc_index;
    std::vector<std::vector<int>> sibling_sets, llc_sets;
    for (int cpu : cpus) {
        const std::string d = cpu_root + "/cpu" + std::to_string(cpu);
        CpuInfo c;
        c.cpu = cpu;
        c.core_id = read_int(d + "/topology/core_id", cpu);
        c.package = read_int(d + "/topology/physical_package_id", 0);
        if (c.package < 0) c.package = 0;  // -1 on some VMs
        c.siblings = parse_cpu_list_text(read_first_line(d + "/topology/thread_siblings_list"));
        if (std::find(c.siblings.begin(), c.siblings.end(), cpu) == c.siblings.end()) c.siblings = {cpu};
        const CacheSeen llc = last_level_cache(d);
        t.llc_level = std::max(t.llc_level, llc.level);
        sibling_sets.push_back(c.siblings);
        llc_sets.push_back(llc.shared);
        c.node = node_of.count(cpu) ? node_of[cpu] : 0;
        t.cpus.push_back(std::move(c));
    }
    auto number = [](std::vector<std::vector<int>> sets, std::map<std::vector<int>, int> &index) {
        std::sort(sets.begin(), sets.end());  // vectors of ascending CPUs sort by their lowest CPU first
        sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
        int next = 0;
        for (const auto &s : sets)
            if (!s.empty()) index[s] = next++;
    };
    number(sibling_sets, core_index);
    number(llc_sets, llc_index);
    for (std::size_t i = 0; i < t.cpus.size(); ++i) {
        t.cpus[i].core = core_index[sibling_sets[i]];
        t.cpus[i].llc = llc_sets[i].empty() ? -1 : llc_index[llc_sets[i]];
    }
    return t;
}

bool numa_node_exists(int node) {
    std::error_code ec;
    const std::string dir = machine_topology().root + "/devices/system/node";
    if (!std::filesystem::exists(dir, ec)) return node == 0;  // no NUMA in this kernel: one node
    return std::filesystem::exists(dir + "/node" + std::to_string(node), ec);
}

const CpuTopology &machine_topology() {
    static const CpuTopology t = [] {
        if (const char *root = std::getenv("IPCB_SYSFS_ROOT"); root && *root) return read_topology(root, {});
        std::vector<int> allowed;
        try {
            allowed = current_affinity();
        } catch (const Error &) {}
        return read_topology("/sys", allowed);
    }();
    return t;
}

}  // namespace ipcb
