#include "cli/options.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "cli/split.hpp"
#include "core/output_file.hpp"
#include "core/sys.hpp"
#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

std::uint64_t parse_count(const std::string &text, const std::string &option, std::uint64_t min, std::uint64_t max) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        throw UsageError(option + " wants a whole number, got '" + text + "'");
    if (v < min || v > max)
        throw UsageError(option + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                         text);
    return v;
}

// The CPUs this process may run on; empty when the kernel would not say.
std::vector<int> allowed_cpus() {
    try {
        return current_affinity();
    } catch (const Error &) {
        return {};
    }
}

int parse_cpu(const std::string &text, const std::string &option, const std::vector<int> &allowed) {
    int cpu = int(parse_count(text, option, 0, CPU_SETSIZE - 1));
    for (int c : allowed)
        if (c == cpu) return cpu;
    std::string list;
    for (int c : allowed) {
        if (!list.empty()) list += ',';
        list += std::to_string(c);
    }
    throw UsageError(option + " " + text + " is not a CPU this process may run on (allowed: " + list + ")");
}

std::vector<std::string> parse_modes(const std::string &text) {
    std::vector<std::string> modes;
    for (const std::string &name : split_items(text)) {
        if (name.empty()) throw UsageError("--mode wants mode names (e.g. uds, uds,lfshm or all), got '" + text + "'");
        if (name == "all") {
            for (const Mode *m : all_modes()) modes.push_back(m->name);
            continue;
        }
        if (!find_mode(name)) {
            std::string known;
            for (const Mode *m : all_modes()) known += (known.empty() ? "" : ", ") + std::string(m->name);
            throw UsageError("unknown mode '" + name + "' (known: " + known + ", all)");
        }
        modes.push_back(name);
    }
    std::set<std::string> seen;
    std::vector<std::string> unique;
    for (auto &m : modes)
        if (seen.insert(m).second) unique.push_back(m);
    return unique;
}

std::vector<unsigned> parse_uring_variants(const std::string &text) {
    std::vector<unsigned> variants;
    for (const std::string &v : split(text, ',')) {
        const unsigned knobs = as_usage([&] { return parse_uring_knobs(v); });
        if (std::find(variants.begin(), variants.end(), knobs) == variants.end()) variants.push_back(knobs);
    }
    if (variants.empty()) throw UsageError("--uring wants knob sets such as none, multishot or poll-first+ring-fd");
    return variants;
}

}  // namespace

double parse_seconds(const std::string &text, const std::string &option, bool allow_zero) {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(v))
        throw UsageError(option + " wants a number of seconds, got '" + text + "'");
    if (v < 0 || (!allow_zero && v == 0))
        throw UsageError(option + " must be " + (allow_zero ? "zero or more" : "more than zero") + " seconds, got " +
                         text);
    if (v > 86400) throw UsageError(option + " is longer than a day: " + text);
    if (v > 0 && v < 1e-3) throw UsageError(option + " is shorter than a millisecond: " + text);
    return v;
}

std::uint64_t parse_duration_ns(const std::string &text, const std::string &option) {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || text.empty() || !std::isfinite(v) || v < 0)
        throw UsageError(option + " wants a time such as 0, 20us, 1500ns or 2ms, got '" + text + "'");
    std::string unit(end, text.data() + text.size());
    double scale = unit.empty() || unit == "us" ? 1e3 : unit == "ns" ? 1 : unit == "ms" ? 1e6 : -1;
    if (scale < 0) throw UsageError(option + " has an unknown unit in '" + text + "' (use ns, us or ms)");
    if (v * scale > 1e9) throw UsageError(option + " above one second makes no sense: " + text);
    return std::uint64_t(v * scale);
}

void check_writable_path(const std::string &path, const std::string &option) {
    try {
        check_output_path(path);
    } catch (const std::invalid_argument &e) {
        throw UsageError(option + " " + e.what());
    }
}

std::string usage_text() {
    std::string modes;
    for (const Mode *m : all_modes())
        modes += "  " + std::string(m->name) + std::string(14 - std::string(m->name).size(), ' ') + m->summary + "\n";
    return R"(ipc_benchmark: what an IPC mechanism costs when driven from an io_uring event loop.

Usage:
  ipc_benchmark --mode LIST [options]            orchestrated runs (forks server + client)
  ipc_benchmark --sweep [--quick] [options]      the full matrix: modes x sizes x repetitions
  ipc_benchmark --server --mode M [--endpoint NAME] [--server-cpu N]
  ipc_benchmark --client --mode M [--endpoint NAME] [options]   two-terminal use

Modes (--mode takes one, a comma list, or all):
)" + modes +
           R"(
Options:
  --mode LIST          modes to run (default for --sweep: all)
  --size LIST          sizes, comma separated: 4096 | 4K | 128K | 2K-4K (uniform per message,
                       seeded) | typical (=2K-4K); 1 byte to 128 KiB (default: typical)
  --duration SEC       timed phase per run (default 2; --sweep 1, --quick 0.25)
  --iterations N       timed phase of exactly N round trips instead of --duration
  --warmup SEC         round trips run and discarded before timing (default 0.25)
  --server-cpu N       pin the server to CPU N (default: lowest allowed CPU)
  --client-cpu N       pin the client to CPU N (default: second lowest allowed CPU)
  --inflight K         requests kept outstanding by the client (default 1 = ping-pong, max 64)
  --rate LIST          open loop: offered requests per second over all clients, or a percent of the
                       mode's closed-loop maximum measured just before (e.g. 5000, 50%,90%); latency
                       counts from each request's intended send time (default: closed loop)
  --max-inflight N     open loop: requests one client keeps outstanding at most (default 64)
  --clients N          N client processes into one server loop (fan-in; default 1, max 16)
  --client-cpus LIST   CPUs for the clients, shared round-robin (default: every allowed CPU but the
                       server's)
  --hgrm DIR           write each run's latency distribution as an HdrHistogram .hgrm file in DIR
  --spin TIME          busy-poll budget before sleeping, spinning modes (e.g. 0, 50us; default 50us)
  --uring LIST         io_uring knob sets for uds, comma separated, each none or knobs joined by +:
                       poll-first, multishot, ring-fd, sqpoll (e.g. multishot+ring-fd,none)
  --seed N             seed of the size generator and the sweep order (default 1)
  --timeout SEC        kill a run's processes after SEC (default: warmup + 2 x duration + 10); two-terminal
                       roles: connect within SEC, drop a session making no progress for SEC (default 10)
  --json PATH          write the JSON report to PATH (atomically)
  --endpoint NAME      two-terminal rendezvous name, abstract socket namespace (default: default)
  --allow-uid UID      two-terminal, as root: also admit a peer of this uid (default: only our own)
  --sweep              run the matrix; --quick: a sub-minute version; --repetitions N (default 3);
                       --out DIR: output folder (default results/<UTC time>-<host>);
                       --matrix FILE: JSON matrix overriding the built-in one; --inflights LIST
  --inject SPEC        TEST ONLY: [MODE/]ROLE:FAULT@OP, FAULT = exit|abort|kill|hang|corrupt|drop|
                       duplicate|truncate|stall=MS; makes ROLE misbehave at operation OP
                       (stall=MS pauses it MS ms and goes on: the run stays ok)
  --list-modes         print the modes and whether this kernel supports them
  --help               this text

Exit status: 0 all runs ok (or unsupported here), 1 a run failed, 2 bad usage.
)";
}

namespace {

// What parsing the arguments found beyond Options itself.
struct Flags {
    bool server = false, client = false, sweep = false, modes_given = false, json_given = false, hgrm_given = false;
    std::string size_text;
};

// One pass over argv: every option and its value, in a table of if-branches.
void read_arguments(int argc, const char *const *argv, const std::vector<int> &allowed, Options &o, Flags &f) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i], value;
        bool has_inline = false;
        if (arg.rfind("--", 0) == 0)
            if (auto eq = arg.find('='); eq != std::string::npos)
                value = arg.substr(eq + 1), arg = arg.substr(0, eq), has_inline = true;
        auto need = [&]() -> std::string {
            if (has_inline) return value;
            if (i + 1 >= argc) throw UsageError(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") o.command = Options::Command::help;
        else if (arg == "--list-modes") o.command = Options::Command::list_modes;
        else if (arg == "--server") f.server = true;
        else if (arg == "--client") f.client = true;
        else if (arg == "--sweep") f.sweep = true;
        else if (arg == "--quick") o.quick = true;
        else if (arg == "--mode") o.modes = parse_modes(need()), f.modes_given = true;
        else if (arg == "--size" || arg == "--sizes") f.size_text = need(), o.sizes_given = true;
        else if (arg == "--duration") o.duration_s = parse_seconds(need(), arg, false), o.duration_given = true;
        else if (arg == "--iterations") o.iterations = parse_count(need(), arg, 1, 1'000'000'000);
        else if (arg == "--warmup") o.warmup_s = parse_seconds(need(), arg, true), o.warmup_given = true;
        else if (arg == "--server-cpu") o.server_cpu = parse_cpu(need(), arg, allowed), o.cpus_given = true;
        else if (arg == "--client-cpu") o.client_cpu = parse_cpu(need(), arg, allowed), o.cpus_given = true;
        else if (arg == "--json") o.json_path = need(), f.json_given = true;
        else if (arg == "--endpoint") o.endpoint = need();
        else if (arg == "--inflight") o.inflight = unsigned(parse_count(need(), arg, 1, kMaxInflight));
        else if (arg == "--inflights") {
            for (auto &k : split(need(), ',')) o.inflights.push_back(unsigned(parse_count(k, arg, 1, kMaxInflight)));
            if (o.inflights.empty()) throw UsageError("--inflights wants in-flight levels such as 4,16");
        } else if (arg == "--spin") o.spin_ns = parse_duration_ns(need(), arg);
        else if (arg == "--seed") o.seed = parse_count(need(), arg, 0, UINT64_MAX);
        else if (arg == "--timeout") o.timeout_s = parse_seconds(need(), arg, false);
        else if (arg == "--inject") o.fault = as_usage([&] { return parse_fault(need()); });
        else if (arg == "--repetitions")
            o.repetitions = int(parse_count(need(), arg, 1, 1000)), o.repetitions_given = true;
        else if (arg == "--out") o.out_dir = need();
        else if (arg == "--matrix") o.matrix_path = need();
        else if (arg == "--uring") o.uring_variants = parse_uring_variants(need());
        else if (arg == "--rate") o.rates = parse_rates(need());
        else if (arg == "--max-inflight") o.max_inflight = unsigned(parse_count(need(), arg, 1, kMaxInflight));
        else if (arg == "--clients") o.clients = unsigned(parse_count(need(), arg, 1, kMaxClients));
        else if (arg == "--client-cpus") o.client_cpus = parse_cpu_list(need(), arg, allowed);
        else if (arg == "--hgrm") o.hgrm_dir = need(), f.hgrm_given = true;
        else if (arg == "--allow-uid") o.allow_uid = long(parse_count(need(), arg, 0, UINT32_MAX - 1));
        else throw UsageError("unknown option '" + std::string(argv[i]) + "' (see --help)");
    }
}

// What only one command takes, or takes differently.
void check_for_command(Options &o, const Flags &f) {
    switch (o.command) {
    case Options::Command::run:
        if (!f.modes_given) throw UsageError("--mode is required (e.g. --mode uds, --mode all; see --help)");
        break;
    case Options::Command::server:
    case Options::Command::client:
        if (o.modes.size() != 1) throw UsageError("--server/--client take exactly one --mode");
        if (o.clients > 1 || !o.client_cpus.empty())
            throw UsageError(
                "--clients and --client-cpus are for orchestrated runs (a two-terminal server serves one client at a "
                "time)");
        if (o.rates.size() > 1 || (o.rates.size() == 1 && o.rates[0].percent))
            throw UsageError("--client takes one absolute --rate (a percent needs an orchestrated run)");
        if (o.command == Options::Command::server && f.json_given)
            throw UsageError(
                "--server writes no report (its figures go to the client): --json is for runs and --client");
        if (o.sizes.size() != 1) throw UsageError("--client takes exactly one --size");
        if (o.uring_variants.size() > 1) throw UsageError("--client takes one --uring knob set");
        if (o.allow_uid >= 0 && ::geteuid() != 0)
            throw UsageError("--allow-uid is for root (other users serve only themselves)");
        if (o.command == Options::Command::server && !o.cpus_given) o.server_cpu = -1;
        if (o.command == Options::Command::client && !o.cpus_given) o.client_cpu = -1;
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

Options parse_cli(int argc, const char *const *argv) {
    Options o;
    for (int i = 0; i < argc; ++i) o.argv.push_back(argv[i]);
    const std::vector<int> allowed = allowed_cpus();
    if (allowed.empty()) throw UsageError("this process may run on no CPU (sched_getaffinity failed)");
    o.server_cpu = allowed[0];
    o.client_cpu = allowed.size() > 1 ? allowed[1] : allowed[0];
    Flags f;
    read_arguments(argc, argv, allowed, o, f);
    if (o.command == Options::Command::help || o.command == Options::Command::list_modes) return o;
    if (int(f.server) + int(f.client) + int(f.sweep) > 1)
        throw UsageError("--server, --client and --sweep exclude each other");
    if (f.server) o.command = Options::Command::server;
    if (f.client) o.command = Options::Command::client;
    if (f.sweep) o.command = Options::Command::sweep;

    if (!f.size_text.empty()) {
        for (auto &s : split(f.size_text, ',')) {
            SizeSpec spec = as_usage([&] { return parse_size_spec(s); });
            if (std::none_of(o.sizes.begin(), o.sizes.end(), [&](const SizeSpec &x) { return x.text == spec.text; }))
                o.sizes.push_back(spec);
        }
    } else if (o.command != Options::Command::sweep) {
        o.sizes.push_back(parse_size_spec("typical"));
    }
    if (o.iterations && o.duration_given) throw UsageError("--duration and --iterations exclude each other");
    if (o.fault && o.fault->mode.size() && !find_mode(o.fault->mode))
        throw UsageError("--inject names unknown mode '" + o.fault->mode + "'");
    if (f.json_given) check_writable_path(o.json_path, "--json");
    check_for_command(o, f);
    if (f.hgrm_given) prepare_output_folder(o.hgrm_dir, "--hgrm");
    return o;
}

std::vector<RunConfig> run_configs_from(const Options &o, const std::string &mode, const SizeSpec &size) {
    std::vector<RunConfig> runs{run_config_from(o, mode, size)};
    const Mode *m = find_mode(mode);
    if (m && m->uring_knobs && !o.uring_variants.empty()) {
        std::vector<RunConfig> knobbed;
        for (unsigned knobs : o.uring_variants) {
            knobbed.push_back(runs[0]);
            knobbed.back().uring_knobs = knobs;
        }
        runs = std::move(knobbed);
    }
    if (o.rates.empty()) return runs;
    std::vector<RunConfig> rated;
    for (const RunConfig &r : runs)
        for (const RateSpec &rate : o.rates) {
            rated.push_back(r);
            (rate.percent ? rated.back().rate_percent : rated.back().rate) = rate.value;
        }
    return rated;
}

std::vector<int> fan_in_client_cpus(const Options &o) {
    return o.client_cpus.empty() ? default_client_cpus(allowed_cpus(), o.server_cpu) : o.client_cpus;
}

RunConfig run_config_from(const Options &o, const std::string &mode, const SizeSpec &size) {
    RunConfig c;
    c.mode = mode;
    c.size = size;
    c.duration_s = o.duration_s;
    c.iterations = o.iterations;
    c.warmup_s = o.warmup_s;
    c.server_cpu = o.server_cpu;
    c.client_cpu = o.client_cpu;
    c.inflight = o.inflight;
    c.max_inflight = o.max_inflight;
    c.clients = o.clients;
    if (o.clients > 1) c.client_cpus = fan_in_client_cpus(o);
    else if (!o.client_cpus.empty()) c.client_cpu = o.client_cpus[0];
    const Mode *m = find_mode(mode);
    c.spin_ns = m && m->spins ? o.spin_ns.value_or(kDefaultSpinNs) : 0;
    c.seed = o.seed;
    c.timeout_s = o.timeout_s;
    c.fault = o.fault;
    return c;
}

}  // namespace ipcb
