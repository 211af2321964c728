#include "report/topology_report.hpp"

#include <map>
#include <set>

#include "topology/placement.hpp"

namespace ipcb {

namespace {

using nlohmann::json;

constexpr Placement kClasses[] = {Placement::same_cpu,    Placement::smt,        Placement::cache,
                                  Placement::cross_cache, Placement::cross_node, Placement::separate};

}  // namespace

json topology_json(const CpuTopology &t) {
    json cpus = json::array();
    for (const CpuInfo &c : t.cpus)
        cpus.push_back({{"cpu", c.cpu},
                        {"core", c.core},
                        {"core_id", c.core_id},
                        {"package", c.package},
                        {"llc", c.llc < 0 ? json(nullptr) : json(c.llc)},
                        {"node", c.node},
                        {"siblings", c.siblings},
                        {"isolated", std::count(t.isolated.begin(), t.isolated.end(), c.cpu) > 0}});
    json pairs = json::object(), missing = json::object(), classes = json::object();
    for (Placement p : kClasses) {
        const CpuPair pair = pair_for(t, p);
        const char *name = placement_name(p);
        if (pair.found()) {
            pairs[name] = {pair.server, pair.client};
            classes[name] = relation_name(pair.relation);
        } else {
            pairs[name] = nullptr;
            missing[name] = pair.why_none;
        }
    }
    return {{"sysfs_root", t.root},
            {"allowed", cpu_list_text(t.cpu_numbers())},
            {"online", t.online},
            {"packages", t.packages()},
            {"nodes", t.nodes()},
            {"llcs", t.llcs()},
            {"cores", t.cores()},
            {"llc_level", t.llc_level},
            {"isolated", cpu_list_text(t.isolated)},
            {"nohz_full", cpu_list_text(t.nohz_full)},
            {"cpus", cpus},
            {"pairs", pairs},
            {"pair_classes", classes},
            {"pairs_missing", missing}};
}

std::string topology_text(const CpuTopology &t) {
    // node > package > llc > core > threads
    std::map<int, std::map<int, std::map<int, std::map<int, std::vector<int>>>>> tree;
    for (const CpuInfo &c : t.cpus) tree[c.node][c.package][c.llc][c.core].push_back(c.cpu);
    std::string out = "CPUs this process may use: " + cpu_list_text(t.cpu_numbers()) + " of " +
                      std::to_string(t.online) + " online (read from " + t.root + "/devices/system)\n";
    for (const auto &[node, packages] : tree) {
        out += "node " + std::to_string(node) + "\n";
        for (const auto &[package, llcs] : packages) {
            out += "  package " + std::to_string(package) + "\n";
            for (const auto &[llc, cores] : llcs) {
                out += llc < 0 ? std::string("    last-level cache: not shown by the kernel\n")
                               : "    L" + std::to_string(t.llc_level) + " cache " + std::to_string(llc) + "\n";
                for (const auto &[core, threads] : cores) {
                    std::vector<int> isolated;
                    for (int c : threads)
                        if (std::count(t.isolated.begin(), t.isolated.end(), c)) isolated.push_back(c);
                    out += "      core " + std::to_string(core) + ": CPU" + (threads.size() > 1 ? "s " : " ") +
                           cpu_list_text(threads) +
                           (isolated.empty() ? "" : " (isolated: " + cpu_list_text(isolated) + ")") + "\n";
                }
            }
        }
    }
    if (!t.isolated.empty()) out += "isolated (isolcpus): " + cpu_list_text(t.isolated) + "\n";
    if (!t.nohz_full.empty()) out += "nohz_full: " + cpu_list_text(t.nohz_full) + "\n";
    out += "\nThe pair each --placement class takes (server, client):\n";
    for (Placement p : kClasses) {
        const CpuPair pair = pair_for(t, p);
        char line[64];
        std::snprintf(line, sizeof line, "  %-12s ", placement_name(p));
        out += line;
        if (!pair.found()) out += "none: " + pair.why_none + "\n";
        else
            out += std::to_string(pair.server) + ", " + std::to_string(pair.client) +
                   (p == Placement::separate ? std::string(" (") + relation_name(pair.relation) + ")" : "") + "\n";
    }
    return out;
}

}  // namespace ipcb
