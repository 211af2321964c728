// The topology reader and the placement classes on shipped sysfs trees (tests/data/sysfs, one
// per machine layout; its README says which): the pair each class takes, classes a machine
// lacks, the fan-in clients' order and the SQ polling threads' CPUs.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "topology/cpu_topology.hpp"
#include "topology/placement.hpp"

using namespace ipcb;

namespace {

CpuTopology tree(const std::string &name, const std::vector<int> &allowed = {}) {
    return read_topology(std::string(IPCB_TEST_DATA) + "/sysfs/" + name, allowed);
}

std::pair<int, int> pair_of(const CpuTopology &t, Placement p) {
    const CpuPair pair = pair_for(t, p);
    return {pair.server, pair.client};
}

constexpr std::pair<int, int> kNone{-1, -1};

}  // namespace

TEST_CASE("cpu lists read and written as sysfs writes them") {
    CHECK(parse_cpu_list_text("0-3,8,10-11\n") == std::vector<int>{0, 1, 2, 3, 8, 10, 11});
    CHECK(parse_cpu_list_text("") == std::vector<int>{});
    CHECK(parse_cpu_list_text("5,x,3-1,2") == std::vector<int>{2, 5});  // malformed items skipped
    CHECK(cpu_list_text({0, 1, 2, 3, 8, 10, 11}) == "0-3,8,10-11");
    CHECK(cpu_list_text({}) == "");
}

TEST_CASE("two-socket SMT server: siblings k and k+16, one L3 and one node per socket") {
    const CpuTopology t = tree("two-socket-smt");
    REQUIRE(t.cpus.size() == 32);
    CHECK(t.packages() == 2);
    CHECK(t.nodes() == 2);
    CHECK(t.llcs() == 2);
    CHECK(t.cores() == 16);
    CHECK(t.llc_level == 3);
    CHECK(t.find(16)->core == t.find(0)->core);
    CHECK(t.find(8)->core_id == t.find(0)->core_id);  // the kernel's core_id repeats across packages...
    CHECK(t.find(8)->core != t.find(0)->core);        // ...the machine-wide core index does not
    CHECK(pair_of(t, Placement::same_cpu) == std::pair(0, 0));
    CHECK(pair_of(t, Placement::smt) == std::pair(0, 16));
    CHECK(pair_of(t, Placement::cache) == std::pair(0, 1));
    CHECK(pair_of(t, Placement::cross_cache) == kNone);
    CHECK(pair_for(t, Placement::cross_cache).why_none.find("shares one last-level cache") != std::string::npos);
    CHECK(pair_of(t, Placement::cross_node) == std::pair(0, 8));
    CHECK(pair_of(t, Placement::separate) == std::pair(0, 1));  // the lowest two CPUs are not siblings here
    CHECK(relation_of(t, 0, 16) == CpuRelation::smt);
    CHECK(relation_of(t, 0, 24) == CpuRelation::cross_node);
    // fan-in: the server's cache first (CPUs 1-7, 17-23, never its sibling 16), then the other node
    const std::vector<int> clients = clients_for(t, Placement::separate, 0);
    REQUIRE(clients.size() == 30);
    CHECK(clients.front() == 1);
    CHECK(std::find(clients.begin(), clients.end(), 16) == clients.end());
    CHECK(relation_of(t, 0, clients[13]) == CpuRelation::cache);
    CHECK(relation_of(t, 0, clients[14]) == CpuRelation::cross_node);
    // SQ threads: in the side's cache, never an end or an end's sibling
    CHECK(sq_thread_cpu_for(t, 0, {0, 1}) == 2);
    CHECK(sq_thread_cpu_for(t, 1, {0, 1, 2}) == 3);
    CHECK(sq_thread_cpu_for(t, 8, {0, 8}) == 9);
}

TEST_CASE("desktop with two core complexes: siblings k and k+8, L3 per four cores") {
    const CpuTopology t = tree("desktop-2ccx");
    REQUIRE(t.cpus.size() == 16);
    CHECK(t.llcs() == 2);
    CHECK(t.nodes() == 1);
    CHECK(pair_of(t, Placement::smt) == std::pair(0, 8));
    CHECK(pair_of(t, Placement::cache) == std::pair(0, 1));
    CHECK(pair_of(t, Placement::cross_cache) == std::pair(0, 4));
    CHECK(pair_of(t, Placement::cross_node) == kNone);
    CHECK(pair_for(t, Placement::cross_node).why_none.find("one NUMA node") != std::string::npos);
    CHECK(pair_of(t, Placement::separate) == std::pair(0, 1));
    CHECK(pair_for(t, Placement::separate).relation == CpuRelation::cache);
    CHECK(pair_for(t, Placement::cross_cache, 5).client == 0);  // a given server's partner
    const std::vector<int> cross = clients_for(t, Placement::cross_cache, 0);
    CHECK(cross == std::vector<int>{4, 5, 6, 7, 12, 13, 14, 15});
}

TEST_CASE("laptop: one L3, siblings k and k+4; restricted to one core's threads") {
    const CpuTopology t = tree("laptop-1llc");
    CHECK(pair_of(t, Placement::smt) == std::pair(0, 4));
    CHECK(pair_of(t, Placement::cache) == std::pair(0, 1));
    CHECK(pair_of(t, Placement::cross_cache) == kNone);
    CHECK(pair_of(t, Placement::cross_node) == kNone);
    CHECK(pair_of(t, Placement::separate) == std::pair(0, 1));

    // taskset -c 0,4: the only pair is two threads of one core, which separate never takes
    const CpuTopology one_core = tree("laptop-1llc", {0, 4});
    CHECK(pair_of(one_core, Placement::smt) == std::pair(0, 4));
    CHECK(pair_of(one_core, Placement::separate) == kNone);
    CHECK(pair_for(one_core, Placement::separate).why_none.find("--placement smt") != std::string::npos);
    CHECK(sq_thread_cpu_for(one_core, 0, {0, 4}) == -1);
}

TEST_CASE("the 2-vCPU VM: no SMT, one shared L3, one node") {
    const CpuTopology t = tree("vm-2vcpu");
    CHECK(pair_of(t, Placement::smt) == kNone);
    CHECK(pair_of(t, Placement::cache) == std::pair(0, 1));
    CHECK(pair_of(t, Placement::cross_cache) == kNone);
    CHECK(pair_of(t, Placement::cross_node) == kNone);
    CHECK(pair_of(t, Placement::separate) == std::pair(0, 1));
    CHECK(sq_thread_cpu_for(t, 0, {0, 1}) == -1);
    // one CPU allowed: no pair but same-cpu
    const CpuTopology one = tree("vm-2vcpu", {1});
    CHECK(pair_of(one, Placement::same_cpu) == std::pair(1, 1));
    CHECK(pair_for(one, Placement::separate).why_none.find("one CPU") != std::string::npos);
}

TEST_CASE("placement names round-trip and a missing tree reads as CPUs of their own") {
    for (const char *name : {"separate", "same-cpu", "smt", "cache", "cross-cache", "cross-node"})
        CHECK(std::string(placement_name(*placement_named(name))) == name);
    CHECK(!placement_named("numa"));
    const CpuTopology bare = read_topology("/nonexistent-sysfs", {0, 1, 2});
    REQUIRE(bare.cpus.size() == 3);
    CHECK(bare.llc_level == 0);
    CHECK(pair_of(bare, Placement::cache) == kNone);
    CHECK(pair_for(bare, Placement::cache).why_none.find("shows no last-level cache") != std::string::npos);
    CHECK(pair_of(bare, Placement::separate) == std::pair(0, 1));
    CHECK(pair_for(bare, Placement::separate).relation == CpuRelation::same_package);
}
