#include "cli/options.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "cli/load_options.hpp"
#include "cli/option_table.hpp"
#include "cli/split.hpp"
#include "core/output_file.hpp"
#include "core/sys.hpp"
#include "modes/mode.hpp"
#include "topology/placement.hpp"

namespace ipcb {
namespace {

// The CPUs this process may run on; empty when the kernel would not say.
std::vector<int> allowed_cpus() {
    try {
        return current_affinity();
    } catch (const Error &) {
        return {};
    }
}

// The default pair: the topology's separate pair (never two threads of one core), where both its
// CPUs are allowed (IPCB_SYSFS_ROOT may describe another machine); else the two lowest allowed.
void set_default_cpus(Options &o, const std::vector<int> &allowed) {
    const CpuPair pair = pair_for(machine_topology(), Placement::separate);
    auto allowed_cpu = [&](int c) { return std::find(allowed.begin(), allowed.end(), c) != allowed.end(); };
    if (pair.found() && allowed_cpu(pair.server) && allowed_cpu(pair.client)) {
        o.server_cpu = pair.server, o.client_cpu = pair.client;
        return;
    }
    o.server_cpu = allowed[0];
    o.client_cpu = allowed.size() > 1 ? allowed[1] : allowed[0];
}

// Each --placement class against CPUs the user pinned both ends to: the pair must be of the class.
void check_given_pair(const Options &o) {
    if (!o.client_cpu_given || o.clients > 1) return;
    const int client = o.client_cpus.empty() ? o.client_cpu : o.client_cpus[0];
    const CpuRelation r = relation_of(machine_topology(), o.server_cpu, client);
    for (Placement p : o.placements)
        if (p != Placement::same_cpu && !placement_accepts(p, r))
            throw UsageError("--placement " + std::string(placement_name(p)) + ": CPUs " +
                             std::to_string(o.server_cpu) + " and " + std::to_string(client) + " are " +
                             relation_name(r) + " (see --list-cpus), not " + placement_name(p));
}

// One pass over argv, each option looked up in the option table (option_table.cpp).
void read_arguments(int argc, const char *const *argv, ParseState &state) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i], value;
        bool has_inline = false;
        if (arg.rfind("--", 0) == 0)
            if (auto eq = arg.find('='); eq != std::string::npos)
                value = arg.substr(eq + 1), arg = arg.substr(0, eq), has_inline = true;
        const OptionSpec *spec = find_option(arg);
        if (!spec) throw UsageError("unknown option '" + std::string(argv[i]) + "' (see --help)");
        if (spec->kind == ArgKind::flag) {
            if (has_inline) throw UsageError(arg + " takes no value");
        } else if (!has_inline) {
            if (i + 1 >= argc) throw UsageError(arg + " needs a value");
            value = argv[++i];
        }
        spec->apply(state, read_value(*spec, value, state));
        state.given.push_back(spec);
    }
}

// The option table's bit for a command (Takes).
unsigned command_bit(Options::Command c) {
    switch (c) {
    case Options::Command::run: return kByRun;
    case Options::Command::sweep: return kBySweep;
    case Options::Command::server: return kByServer;
    case Options::Command::client: return kByClient;
    case Options::Command::advise: return kByAdvise;
    case Options::Command::list_cpus: return kByListCpus;
    default: return kByAll;
    }
}

// An option the command does not use is bad input, not something to ignore: the first one given
// is refused, before any check that creates a file or folder.
void refuse_unused(const Options &o, const ParseState &f) {
    for (const OptionSpec *spec : f.given)
        if (spec->takes != kStandalone)
            if (const std::string why = refusal(*spec, command_bit(o.command)); !why.empty()) throw UsageError(why);
}

std::vector<std::string> without_repeats(const std::vector<std::string> &modes) {
    std::set<std::string> seen;
    std::vector<std::string> unique;
    for (auto &m : modes)
        if (seen.insert(m).second) unique.push_back(m);
    return unique;
}

// --floor-paired: what an interleaved run cannot take.
void check_floor_paired(const Options &o) {
    if (!o.floor_paired) {
        if (o.slice_given) throw UsageError("--slice is for --advise and --floor-paired runs");
        return;
    }
    if (o.iterations) throw UsageError("--floor-paired runs slices for --duration, not --iterations");
    if (o.slice_s > o.duration_s) throw UsageError("--slice is longer than --duration (each design's recorded time)");
    for (const auto &r : o.rates)
        if (r.percent) throw UsageError("--floor-paired takes an absolute --rate");
    for (const NeighbourSpec &n : o.neighbours)
        if (!n.none()) throw UsageError("--floor-paired takes no --neighbours (their open loop cannot pause)");
}

// What only one command takes, or takes differently.
void check_for_command(Options &o, const ParseState &f) {
    if (o.command != Options::Command::advise) o.modes = without_repeats(o.modes);
    switch (o.command) {
    case Options::Command::run:
        if (!f.modes_given) throw UsageError("--mode is required (e.g. --mode uds, --mode all; see --help)");
        check_floor_paired(o);
        break;
    case Options::Command::server:
    case Options::Command::client:
        if (o.modes.size() != 1) throw UsageError("--server/--client take exactly one --mode");
        if (o.rates.size() > 1 || (o.rates.size() == 1 && o.rates[0].percent))
            throw UsageError("--client takes one absolute --rate (a percent needs an orchestrated run)");
        if (o.sizes.size() != 1) throw UsageError("--client takes exactly one --size");
        if (o.uring_variants.size() > 1) throw UsageError("--client takes one --uring knob set");
        if (o.spins_ns.size() > 1) throw UsageError("--client takes one --spin budget");
        if (o.allow_uid >= 0 && ::geteuid() != 0)
            throw UsageError("--allow-uid is for root (other users serve only themselves)");
        if (o.command == Options::Command::server && !o.cpus_given) o.server_cpu = -1;
        if (o.command == Options::Command::client && !o.cpus_given) o.client_cpu = -1;
        break;
    case Options::Command::advise:
        if (!f.modes_given) o.modes.clear();  // every mode that can serve the workload
        if (o.sizes.size() != 1) throw UsageError("--advise takes one --size (a range such as 2K-4K is one)");
        if (o.rates.size() > 1) throw UsageError("--advise takes one --rate (or none: closed loop)");
        if (o.rates.size() == 1 && o.rates[0].percent)
            throw UsageError(
                "--advise takes an absolute --rate: a percent of each design's own maximum would "
                "offer each a different load");
        if (o.placements.size() > 1) throw UsageError("--advise takes one --placement");
        if (o.neighbours.size() > 1) throw UsageError("--advise takes one --neighbours load");
        if (o.slice_s >= o.budget_s) {
            char text[160];
            std::snprintf(text, sizeof text, "--slice %g s does not fit in the --budget of %g s", o.slice_s,
                          o.budget_s);
            throw UsageError(text);
        }
        break;
    case Options::Command::sweep:
        if (!f.modes_given) o.modes.clear();  // the matrix decides
        if (!o.out_dir.empty() && std::filesystem::exists(o.out_dir) &&
            (!std::filesystem::is_directory(o.out_dir) || ::access(o.out_dir.c_str(), W_OK) != 0))
            throw UsageError("--out " + o.out_dir + " is not a writable folder");
        break;
    default: break;
    }
}

}  // namespace

void check_writable_path(const std::string &path, const std::string &option) {
    try {
        check_output_path(path);
    } catch (const std::invalid_argument &e) {
        throw UsageError(option + " " + e.what());
    }
}

Options parse_cli(int argc, const char *const *argv) {
    Options o;
    for (int i = 0; i < argc; ++i) o.argv.push_back(argv[i]);
    const std::vector<int> allowed = allowed_cpus();
    if (allowed.empty()) throw UsageError("this process may run on no CPU (sched_getaffinity failed)");
    set_default_cpus(o, allowed);
    ParseState f{o, allowed};
    read_arguments(argc, argv, f);
    if (o.command == Options::Command::help || o.command == Options::Command::list_modes ||
        o.command == Options::Command::version)
        return o;
    if (int(f.server) + int(f.client) + int(f.sweep) + int(f.advise) + int(f.list_cpus) > 1)
        throw UsageError("--server, --client, --sweep, --advise and --list-cpus exclude each other");
    if (f.server) o.command = Options::Command::server;
    if (f.client) o.command = Options::Command::client;
    if (f.sweep) o.command = Options::Command::sweep;
    if (f.advise) o.command = Options::Command::advise;
    if (f.list_cpus) o.command = Options::Command::list_cpus;
    refuse_unused(o, f);
    if (o.command == Options::Command::advise) {  // short runs: the rounds repeat them
        if (!o.duration_given) o.duration_s = kAdviseDurationS;
        if (!o.warmup_given) o.warmup_s = kAdviseWarmupS;
    }

    if (!f.size_text.empty()) {
        for (auto &s : split(f.size_text, ',')) {
            if (s == "large") {
                if (o.command != Options::Command::sweep)
                    throw UsageError(
                        "--size large is the sweep's (its matrix's sizes and 512K, 1M, 4M); give "
                        "sizes such as 1M,4M");
                o.sizes_large = true;
                continue;
            }
            SizeSpec spec = as_usage([&] { return parse_size_spec(s); });
            if (std::none_of(o.sizes.begin(), o.sizes.end(), [&](const SizeSpec &x) { return x.text == spec.text; }))
                o.sizes.push_back(spec);
        }
    } else if (o.command != Options::Command::sweep) {
        o.sizes.push_back(parse_size_spec(kDefaultSize));
    }
    if (o.iterations && o.duration_given) throw UsageError("--duration and --iterations exclude each other");
    const bool any_neighbours =
        std::any_of(o.neighbours.begin(), o.neighbours.end(), [](const NeighbourSpec &n) { return !n.none(); });
    if (!o.integrations.empty() && !any_neighbours)
        throw UsageError("--integration says how lfshm joins a loop with other work: it needs --neighbours");
    if (o.neighbours_cpu >= 0 && !any_neighbours) throw UsageError("--neighbours-cpu needs --neighbours");
    if (any_neighbours && o.iterations) throw UsageError("--neighbours runs for a --duration, not --iterations");
    if (std::count(o.placements.begin(), o.placements.end(), Placement::same_cpu) && f.client_cpu_given) {
        std::vector<int> clients = o.client_cpus;
        if (clients.empty()) clients.push_back(o.client_cpu);
        if (std::any_of(clients.begin(), clients.end(), [&](int c) { return c != o.server_cpu; }))
            throw UsageError("--placement same-cpu puts every end on the --server-cpu CPU (" +
                             std::to_string(o.server_cpu) + "): a client CPU elsewhere contradicts it");
    }
    check_given_pair(o);
    if (o.memory_node >= 0 && !numa_node_exists(o.memory_node))
        throw UsageError("--memory-node " + std::to_string(o.memory_node) + " is not a NUMA node of this machine (" +
                         std::to_string(machine_topology().nodes()) + " with CPUs; see --list-cpus)");
    if (o.fault && o.fault->mode.size() && !find_mode(o.fault->mode))
        throw UsageError("--inject names unknown mode '" + o.fault->mode + "'");
    if (f.json_given) check_writable_path(o.json_path, "--json");
    if (o.csv_given) check_writable_path(o.csv_path, "--csv");
    if (o.csv_given && f.json_given && o.csv_path == o.json_path)
        throw UsageError("--csv and --json name the same file " + o.csv_path);
    check_for_command(o, f);
    if (f.hgrm_given) prepare_output_folder(o.hgrm_dir, "--hgrm");
    return o;
}

std::vector<Placement> placements_of(const Options &o) {
    if (!o.placements.empty()) return o.placements;
    if (o.server_cpu_given && !o.client_cpu_given) return {Placement::separate};  // its partner, by topology
    const bool one_cpu = o.clients > 1 ? fan_in_client_cpus(o) == std::vector<int>{o.server_cpu}
                                       : (o.client_cpus.empty() ? o.client_cpu : o.client_cpus[0]) == o.server_cpu;
    return {one_cpu && o.server_cpu >= 0 ? Placement::same_cpu : Placement::separate};
}

namespace {

// One axis of the command line's cross product: the values given (each a run), and whether the
// mode takes the axis at all (a mode that does not runs once, at its default).
struct GivenAxis {
    std::size_t count;
    bool taken;
    std::function<void(RunConfig &, std::size_t)> set;  // the value with that index
};

}  // namespace

std::vector<RunConfig> run_configs_from(const Options &o, const std::string &mode, const SizeSpec &size) {
    const Mode *m = find_mode(mode);
    const std::vector<Placement> placements = placements_of(o);
    const GivenAxis axes[] = {
        {o.uring_variants.size(), m && m->uring_knobs,
         [&](RunConfig &c, std::size_t i) { c.uring_knobs = o.uring_variants[i]; }},
        {o.socket_variants.size(), m && m->socket_types,
         [&](RunConfig &c, std::size_t i) { c.socket = o.socket_variants[i]; }},
        // one budget is already the base's (run_config_from)
        {o.spins_ns.size() > 1 ? o.spins_ns.size() : 0, m && m->spins,
         [&](RunConfig &c, std::size_t i) { c.spin_ns = o.spins_ns[i]; }},
        {o.rates.size(), true,
         [&](RunConfig &c, std::size_t i) { (o.rates[i].percent ? c.rate_percent : c.rate) = o.rates[i].value; }},
        {o.neighbours.size(), true, [&](RunConfig &c, std::size_t i) { c.neighbours = o.neighbours[i]; }},
        // an integration is a variant of the lfshm rings' servers with neighbours only
        {o.integrations.size(), m && m->loop_join == LoopJoin::integration,
         [&](RunConfig &c, std::size_t i) { c.integration = o.integrations[i]; }},
    };
    std::vector<RunConfig> runs;
    for (Placement placement : placements) runs.push_back(run_config_from(o, mode, size, placement));
    for (const GivenAxis &axis : axes) {
        if (!axis.taken || axis.count == 0) continue;
        std::vector<RunConfig> crossed;
        for (const RunConfig &r : runs)
            for (std::size_t i = 0; i < axis.count; ++i) {
                crossed.push_back(r);
                axis.set(crossed.back(), i);
            }
        runs = std::move(crossed);
    }
    return runs;
}

std::vector<int> fan_in_client_cpus(const Options &o) {
    if (!o.client_cpus.empty()) return o.client_cpus;
    std::vector<int> cpus = clients_for(machine_topology(), Placement::separate, o.server_cpu);
    return cpus.empty() ? default_client_cpus(allowed_cpus(), o.server_cpu) : cpus;
}

namespace {

// The CPUs of a run at a placement class: the CPUs given where they were, else the class's pair
// from the topology (the server's partner where only the server was given); a class the machine
// lacks leaves the run unpinned with the reason in placement_missing (an unsupported run).
void place_by_class(RunConfig &c, const Options &o, Placement placement) {
    const CpuTopology &t = machine_topology();
    c.placement = placement;
    if (o.client_cpu_given) return;  // checked against the class at parse time (check_given_pair)
    const CpuPair pair = pair_for(t, placement, o.server_cpu_given ? o.server_cpu : -1);
    if (!pair.found()) {
        c.placement_missing = pair.why_none;
        c.server_cpu = c.client_cpu = -1;
        c.client_cpus.clear();
        return;
    }
    c.server_cpu = pair.server;
    c.client_cpu = pair.client;
    if (o.clients > 1) c.client_cpus = clients_for(t, placement, pair.server);
}

}  // namespace

RunConfig run_config_from(const Options &o, const std::string &mode, const SizeSpec &size, Placement placement) {
    RunConfig c;
    c.mode = mode;
    c.size = size;
    c.duration_s = o.duration_s;
    c.iterations = o.iterations;
    c.warmup_s = o.warmup_s;
    c.interval_s = o.interval_s;
    c.server_cpu = o.server_cpu;
    c.client_cpu = o.client_cpu;
    c.inflight = o.inflight;
    c.max_inflight = o.max_inflight;
    c.clients = o.clients;
    if (o.clients > 1) c.client_cpus = fan_in_client_cpus(o);
    else if (!o.client_cpus.empty()) c.client_cpu = o.client_cpus[0];
    const Mode *m = find_mode(mode);
    if (m && !o.max_inflight_given) c.max_inflight = m->default_max_inflight(c.max_inflight);
    c.spin_ns = m ? m->spin_budget(o.spins_ns.empty() ? std::nullopt : std::optional(o.spins_ns[0])) : 0;
    if (placement != Placement::same_cpu) place_by_class(c, o, placement);
    if (placement == Placement::same_cpu) {
        c.put_on_one_cpu();
        // On one CPU a spin budget only keeps the peer off the CPU: none unless --spin asks.
        if (o.spins_ns.empty()) c.spin_ns = 0;
    }
    c.seed = o.seed;
    c.timeout_s = o.timeout_s;
    c.fault = o.fault;
    c.percentiles = o.percentiles;
    c.neighbours_cpu = o.neighbours_cpu;
    c.memory_node = o.memory_node;
    return c;
}

}  // namespace ipcb
