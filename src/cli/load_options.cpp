#include "cli/load_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "cli/numbers.hpp"
#include "cli/split.hpp"

namespace ipcb {

std::vector<RateSpec> parse_rates(const std::string &text) {
    const std::string want = "--rate wants requests per second (5000, 2.5e4) or a percent of capacity (50%)";
    std::vector<RateSpec> rates;
    for (const std::string &item : split_items(text)) {
        RateSpec r;
        r.percent = !item.empty() && item.back() == '%';
        r.value = parse_real(r.percent ? item.substr(0, item.size() - 1) : item, want);
        if (r.value <= 0) throw UsageError("--rate must be more than zero, got '" + item + "'");
        if (r.percent && r.value > 1000) throw UsageError("--rate above 1000% of capacity: '" + item + "'");
        if (!r.percent && r.value > 1e9) throw UsageError("--rate above 1e9 requests per second: '" + item + "'");
        rates.push_back(r);
    }
    return rates;
}

std::vector<int> parse_cpu_list(const std::string &text, const std::string &option, const std::vector<int> &allowed) {
    std::vector<int> cpus;
    for (const std::string &item : split_items(text)) {
        const auto dash = item.find('-');
        const std::string want = option + " wants CPUs such as 1, 0,1 or 1-3";
        const int lo = int(parse_real(item.substr(0, dash), want));
        const int hi = dash == std::string::npos ? lo : int(parse_real(item.substr(dash + 1), want));
        if (lo < 0 || hi < lo) throw UsageError(want + ", got '" + item + "'");
        for (int c = lo; c <= hi; ++c) {
            if (std::find(allowed.begin(), allowed.end(), c) == allowed.end())
                throw UsageError(option + " " + std::to_string(c) + " is not a CPU this process may run on");
            if (cpus.size() == 64) throw UsageError(option + " lists more than 64 CPUs");
            cpus.push_back(c);
        }
    }
    return cpus;
}

std::vector<Placement> parse_placements(const std::string &text) {
    std::vector<Placement> placements;
    for (const std::string &name : split_items(text)) {
        const std::optional<Placement> p = placement_named(name);
        if (!p) throw UsageError("--placement: unknown placement '" + name + "' (want " + kPlacementNames + ")");
        if (std::find(placements.begin(), placements.end(), *p) == placements.end()) placements.push_back(*p);
    }
    if (placements.empty()) throw UsageError(std::string("--placement wants ") + kPlacementNames + ", or a list");
    return placements;
}

std::vector<int> default_client_cpus(const std::vector<int> &allowed, int server_cpu) {
    std::vector<int> cpus;
    for (int c : allowed)
        if (c != server_cpu) cpus.push_back(c);
    if (cpus.empty()) cpus.push_back(server_cpu);
    return cpus;
}

void prepare_output_folder(const std::string &dir, const std::string &option) {
    std::error_code ec;
    if (dir.empty()) throw UsageError(option + " wants a folder");
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir) || ::access(dir.c_str(), W_OK) != 0)
        throw UsageError(option + " " + dir + " is not a writable folder" + (ec ? " (" + ec.message() + ")" : ""));
}

}  // namespace ipcb
