#include "topology/placement.hpp"

#include <algorithm>

namespace ipcb {

namespace {

struct Named {
    Placement placement;
    const char *name;
};
constexpr Named kNames[] = {
    {Placement::separate, "separate"}, {Placement::same_cpu, "same-cpu"},       {Placement::smt, "smt"},
    {Placement::cache, "cache"},       {Placement::cross_cache, "cross-cache"}, {Placement::cross_node, "cross-node"}};

bool siblings(const CpuInfo &a, const CpuInfo &b) {
    return std::find(a.siblings.begin(), a.siblings.end(), b.cpu) != a.siblings.end() || a.core == b.core;
}

// Why the machine has no pair of the class (the CPUs this process may use).
std::string why_no_pair(const CpuTopology &t, Placement p) {
    const std::string cpus = std::to_string(t.cpus.size()) + " CPU" + (t.cpus.size() == 1 ? "" : "s") + " (" +
                             cpu_list_text(t.cpu_numbers()) + ")";
    switch (p) {
    case Placement::smt:
        return "no core has two threads among the " + cpus +
               " this process may use (SMT is off, or no sibling is allowed)";
    case Placement::cache:
        if (t.llc_level == 0) return "the kernel shows no last-level cache (cpu*/cache/index*/shared_cpu_list)";
        return "no two cores share a last-level cache among the " + cpus + " this process may use";
    case Placement::cross_cache:
        if (t.llc_level == 0) return "the kernel shows no last-level cache (cpu*/cache/index*/shared_cpu_list)";
        return "every CPU of a package shares one last-level cache (L" + std::to_string(t.llc_level) + ") among the " +
               cpus + " this process may use";
    case Placement::cross_node: return "every CPU is on one NUMA node among the " + cpus + " this process may use";
    case Placement::separate:
        if (t.cpus.size() == 1)
            return "this process may use one CPU (" + std::to_string(t.cpus[0].cpu) +
                   "): there is no pair of separate CPUs (--placement same-cpu runs both ends on it)";
        return "the " + cpus +
               " this process may use are threads of one core: there is no pair of separate cores (ask "
               "--placement smt to measure two threads of one core)";
    case Placement::same_cpu: return "this process may use no CPU";
    }
    return "no such pair";
}

// Nearest first, for separate's choice and the fan-in clients' order.
int rank_of(CpuRelation r) { return int(r); }

}  // namespace

const char *placement_name(Placement p) {
    for (const Named &n : kNames)
        if (n.placement == p) return n.name;
    return "separate";
}

std::optional<Placement> placement_named(std::string_view name) {
    for (const Named &n : kNames)
        if (name == n.name) return n.placement;
    return std::nullopt;
}

const char *relation_name(CpuRelation r) {
    switch (r) {
    case CpuRelation::same_cpu: return "same-cpu";
    case CpuRelation::smt: return "smt";
    case CpuRelation::cache: return "cache";
    case CpuRelation::cross_cache: return "cross-cache";
    case CpuRelation::same_package: return "same-package";
    case CpuRelation::cross_package: return "cross-package";
    case CpuRelation::cross_node: return "cross-node";
    case CpuRelation::unknown: return "unknown";
    }
    return "unknown";
}

CpuRelation relation_of(const CpuTopology &t, int a, int b) {
    const CpuInfo *x = t.find(a), *y = t.find(b);
    if (!x || !y) return CpuRelation::unknown;
    if (a == b) return CpuRelation::same_cpu;
    if (siblings(*x, *y)) return CpuRelation::smt;
    if (x->node != y->node) return CpuRelation::cross_node;
    if (x->package != y->package) return CpuRelation::cross_package;
    if (x->llc < 0 || y->llc < 0) return CpuRelation::same_package;
    return x->llc == y->llc ? CpuRelation::cache : CpuRelation::cross_cache;
}

bool placement_accepts(Placement p, CpuRelation r) {
    switch (p) {
    case Placement::same_cpu: return r == CpuRelation::same_cpu;
    case Placement::smt: return r == CpuRelation::smt;
    case Placement::cache: return r == CpuRelation::cache;
    case Placement::cross_cache: return r == CpuRelation::cross_cache;
    case Placement::cross_node: return r == CpuRelation::cross_node;
    case Placement::separate: return r != CpuRelation::same_cpu && r != CpuRelation::smt && r != CpuRelation::unknown;
    }
    return false;
}

std::vector<int> clients_for(const CpuTopology &t, Placement p, int server) {
    if (p == Placement::same_cpu) return t.find(server) ? std::vector<int>{server} : std::vector<int>{};
    std::vector<std::pair<int, int>> ranked;  // (rank, cpu)
    for (const CpuInfo &c : t.cpus)
        if (const CpuRelation r = relation_of(t, server, c.cpu); placement_accepts(p, r))
            ranked.emplace_back(rank_of(r), c.cpu);
    std::sort(ranked.begin(), ranked.end());
    std::vector<int> cpus;
    for (const auto &[rank, cpu] : ranked) cpus.push_back(cpu);
    return cpus;
}

CpuPair pair_for(const CpuTopology &t, Placement p, int server) {
    CpuPair best;
    for (const CpuInfo &s : t.cpus) {
        if (server >= 0 && s.cpu != server) continue;
        const std::vector<int> partners = clients_for(t, p, s.cpu);
        if (partners.empty()) continue;
        const CpuRelation r = relation_of(t, s.cpu, partners[0]);
        // separate: the nearest class any server CPU has, then the lowest server CPU with it
        if (!best.found() || rank_of(r) < rank_of(best.relation)) best = {s.cpu, partners[0], r, ""};
        if (p != Placement::separate) break;
    }
    if (!best.found()) {
        if (server < 0) best.why_none = why_no_pair(t, p);
        else if (!t.find(server)) best.why_none = "CPU " + std::to_string(server) + " is not one this process may use";
        else
            best.why_none =
                "CPU " + std::to_string(server) + " has no " + placement_name(p) + " partner: " + why_no_pair(t, p);
    }
    return best;
}

int sq_thread_cpu_for(const CpuTopology &t, int side_cpu, const std::vector<int> &taken) {
    const CpuInfo *side = t.find(side_cpu);
    int best = -1, best_rank = 1 << 30;
    for (const CpuInfo &c : t.cpus) {
        const bool clashes = std::any_of(taken.begin(), taken.end(), [&](int cpu) {
            const CpuInfo *o = t.find(cpu);
            return cpu == c.cpu || (o && siblings(*o, c));
        });
        if (clashes) continue;
        const int rank = !side ? 2 : (c.llc >= 0 && c.llc == side->llc) ? 0 : c.package == side->package ? 1 : 2;
        if (rank < best_rank) best = c.cpu, best_rank = rank;
    }
    return best;
}

}  // namespace ipcb
