#pragma once
// The command line's load options: offered rates (--rate, absolute or a percent of the mode's
// closed-loop maximum), fan-in clients (--clients, --client-cpus) and where .hgrm files go.
#include <string>
#include <vector>

#include "cli/usage_error.hpp"
#include "topology/placement.hpp"

namespace ipcb {

struct RateSpec {
    double value = 0;      // requests per second, or a percent when `percent`
    bool percent = false;  // "50%": of the closed-loop maximum measured just before the run
};

// "5000", "2.5e4", "50%", or a comma list of them; every rate > 0, percents up to 1000%.
std::vector<RateSpec> parse_rates(const std::string &text);
// "1", "0,1", "1-3": CPUs this process may run on (`allowed`), at most 64 entries.
std::vector<int> parse_cpu_list(const std::string &text, const std::string &option, const std::vector<int> &allowed);
// "separate,smt,cache": --placement's classes (topology/placement.hpp), each once.
std::vector<Placement> parse_placements(const std::string &text);
// Fan-in clients' CPUs when --client-cpus is not given: every allowed CPU but the server's (the
// server's own when it is the only one).
std::vector<int> default_client_cpus(const std::vector<int> &allowed, int server_cpu);
// Checks that `dir` is, or can be made, a writable folder; creates it.
void prepare_output_folder(const std::string &dir, const std::string &option);

}  // namespace ipcb
