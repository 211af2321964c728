#include "cli/option_table.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "advise/advise.hpp"
#include "cli/load_options.hpp"
#include "cli/numbers.hpp"
#include "cli/split.hpp"
#include "modes/mode.hpp"
#include "sweep/matrix.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

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
    return modes;  // a name given twice stays twice: --advise takes it as an A/A pair (options.cpp)
}

std::vector<SocketType> parse_socket_variants(const std::string &text) {
    std::vector<SocketType> types;
    for (const std::string &name : split_items(text)) {
        const std::optional<SocketType> t = parse_socket_type(name);
        if (!t) throw UsageError("--socket: unknown socket type '" + name + "' (want seqpacket, stream or dgram)");
        if (std::find(types.begin(), types.end(), *t) == types.end()) types.push_back(*t);
    }
    if (types.empty()) throw UsageError("--socket wants socket types: seqpacket, stream or dgram");
    return types;
}

std::vector<LoopIntegration> parse_integrations(const std::string &text) {
    std::vector<LoopIntegration> out;
    for (const std::string &name : split_items(text)) {
        LoopIntegration i;
        if (name == "poll") i = LoopIntegration::poll;
        else if (name == "helper") i = LoopIntegration::helper;
        else throw UsageError("--integration: unknown integration '" + name + "' (want poll or helper)");
        if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
    }
    if (out.empty()) throw UsageError("--integration wants poll or helper");
    return out;
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

std::vector<unsigned> parse_inflights(const std::string &text) {
    std::vector<unsigned> levels;
    for (auto &k : split(text, ',')) levels.push_back(unsigned(parse_whole(k, "--inflights", 1, kMaxInflight)));
    if (levels.empty()) throw UsageError("--inflights wants in-flight levels such as 4,16");
    return levels;
}

int parse_cpu(const std::string &text, const std::string &option, const std::vector<int> &allowed) {
    const int cpu = int(parse_whole(text, option, 0, CPU_SETSIZE - 1));
    if (std::find(allowed.begin(), allowed.end(), cpu) != allowed.end()) return cpu;
    std::string list;
    for (int c : allowed) list += (list.empty() ? "" : ",") + std::to_string(c);
    throw UsageError(option + " " + text + " is not a CPU this process may run on (allowed: " + list + ")");
}

using C = Options::Command;

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

std::string sizes_text(const std::vector<SizeSpec> &sizes) {
    std::string text;
    for (const SizeSpec &s : sizes) text += (text.empty() ? "" : ",") + s.text;
    return text;
}

// "50,90,99.9": percentiles in (0, 100], distinct, in the order given.
std::vector<double> parse_percentiles(const std::string &text) {
    std::vector<double> out;
    for (const std::string &item : split(text, ',')) {
        char *end = nullptr;
        const double p = item.empty() ? -1 : std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0' || !(p > 0 && p <= 100))
            throw UsageError("--percentiles wants percentiles in (0, 100] such as 50,90,99.9, got '" + item + "'");
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
    if (out.size() > kMaxPercentiles)
        throw UsageError("--percentiles takes at most " + std::to_string(kMaxPercentiles) + " percentiles");
    return out;
}

// clang-format off
const OptionSpec kOptions[] = {
    {"--mode", nullptr, "LIST", ArgKind::text, 0, 0, kByAll,
     "modes to run: one, a comma list, or all (default for --sweep: the matrix's)",
     [](ParseState &s, const ArgValue &v) { s.o.modes = parse_modes(v.text), s.modes_given = true; }},
    {"--size", "--sizes", "LIST", ArgKind::text, 0, 0, kByRun | kBySweep | kByClient | kByAdvise,
     "sizes, comma separated: 4096 | 4K | 128K | 2K-4K (uniform per message,\n"
     "seeded) | typical (=2K-4K); 1 byte to 4 MiB, whole 4 KiB pages past 128K;\n"
     "--sweep also takes large (the matrix's sizes and 512K, 1M, 4M)\n"
     "(default: {default})",
     [](ParseState &s, const ArgValue &v) { s.size_text = v.text, s.o.sizes_given = true; },
     [] { return std::string(kDefaultSize) + "; --sweep: " + sizes_text(default_matrix(false).sizes) +
                 ", --quick " + sizes_text(default_matrix(true).sizes); }},
    {"--duration", nullptr, "SEC", ArgKind::seconds, 0, 0, kByRun | kBySweep | kByClient | kByAdvise,
     "timed phase per run (default {default})",
     [](ParseState &s, const ArgValue &v) { s.o.duration_s = v.seconds, s.o.duration_given = true; },
     [] { return number(RunConfig{}.duration_s) + "; --sweep " + number(default_matrix(false).duration_s) +
                 ", --quick " + number(default_matrix(true).duration_s) + ", --advise " + number(kAdviseDurationS); }},
    {"--iterations", nullptr, "N", ArgKind::whole, 1, 1'000'000'000, kByRun | kByClient,
     "timed phase of exactly N round trips instead of --duration",
     [](ParseState &s, const ArgValue &v) { s.o.iterations = v.whole; }},
    {"--interval", nullptr, "SEC", ArgKind::seconds, 0, 0, kByRun | kBySweep | kByClient,
     "the timeline's step: round trips, latency and CPU per interval (default 1;\n"
     "0.1 for runs under 10 s)",
     [](ParseState &s, const ArgValue &v) { s.o.interval_s = v.seconds; }},
    {"--warmup", nullptr, "SEC", ArgKind::seconds_or_zero, 0, 0, kByRun | kBySweep | kByClient | kByAdvise,
     "round trips run and discarded before timing (default {default})",
     [](ParseState &s, const ArgValue &v) { s.o.warmup_s = v.seconds, s.o.warmup_given = true; },
     [] { return number(RunConfig{}.warmup_s) + "; --sweep " + number(default_matrix(false).warmup_s) +
                 ", --quick " + number(default_matrix(true).warmup_s) + ", --advise " + number(kAdviseWarmupS); }},
    {"--server-cpu", nullptr, "N", ArgKind::cpu, 0, 0, kByRun | kBySweep | kByServer | kByAdvise,
     "pin the server to CPU N (default: the server CPU of the placement's pair,\n"
     "see --list-cpus)",
     [](ParseState &s, const ArgValue &v) {
         s.o.server_cpu = int(v.whole), s.o.cpus_given = true, s.o.server_cpu_given = true;
     }},
    {"--client-cpu", nullptr, "N", ArgKind::cpu, 0, 0, kByRun | kBySweep | kByClient | kByAdvise,
     "pin the client to CPU N (default: the placement's partner of the server CPU,\n"
     "never its SMT sibling unless --placement smt)",
     [](ParseState &s, const ArgValue &v) {
         s.o.client_cpu = int(v.whole), s.o.cpus_given = true, s.client_cpu_given = s.o.client_cpu_given = true;
     }},
    {"--placement", nullptr, "LIST", ArgKind::text, 0, 0, kByRun | kByAdvise,
     "where the two ends run, each a run, by the machine's topology (--list-cpus):\n"
     "separate (the nearest two CPUs that are not one core's threads; the default),\n"
     "same-cpu (every end on the server's CPU), smt (two threads of one core), cache\n"
     "(two cores sharing the last-level cache), cross-cache (one package, different\n"
     "last-level caches), cross-node (two NUMA nodes); e.g. smt,cache,cross-cache;\n"
     "a class this machine lacks runs as unsupported, saying why",
     [](ParseState &s, const ArgValue &v) { s.o.placements = parse_placements(v.text); }},
    {"--inflight", nullptr, "K", ArgKind::whole, 1, kMaxInflight, kByRun | kByClient | kByAdvise,
     "requests kept outstanding by the client (default {default} = ping-pong)",
     [](ParseState &s, const ArgValue &v) { s.o.inflight = unsigned(v.whole); },
     [] { return std::to_string(RunConfig{}.inflight); }},
    {"--rate", nullptr, "LIST", ArgKind::text, 0, 0, kByRun | kByClient | kByAdvise,
     "open loop: offered requests per second over all clients, or a percent of the\n"
     "mode's closed-loop maximum measured just before (e.g. 5000, 50%,90%); latency\n"
     "counts from each request's intended send time (default: closed loop)",
     [](ParseState &s, const ArgValue &v) { s.o.rates = parse_rates(v.text); }},
    {"--max-inflight", nullptr, "N", ArgKind::whole, 1, kMaxInflight, kByRun | kByClient | kByAdvise,
     "open loop: requests one client keeps outstanding at most (default {default})",
     [](ParseState &s, const ArgValue &v) { s.o.max_inflight = unsigned(v.whole), s.o.max_inflight_given = true; },
     [] { return std::to_string(RunConfig{}.max_inflight); }},
    {"--clients", nullptr, "N", ArgKind::whole, 1, kMaxClients, kByRun | kByAdvise,
     "N client processes into one server loop (fan-in; default {default})",
     [](ParseState &s, const ArgValue &v) { s.o.clients = unsigned(v.whole); },
     [] { return std::to_string(RunConfig{}.clients); }},
    {"--client-cpus", nullptr, "LIST", ArgKind::text, 0, 0, kByRun | kBySweep | kByAdvise,
     "CPUs for the clients, shared round-robin (default: every CPU of the placement\n"
     "class from the server's, nearest first; --sweep: its fan-in section's)",
     [](ParseState &s, const ArgValue &v) {
         s.o.client_cpus = parse_cpu_list(v.text, "--client-cpus", s.allowed_cpus);
         s.client_cpu_given = s.o.client_cpu_given = true;
     }},
    {"--neighbours", nullptr, "LIST", ArgKind::text, 0, 0, kByRun | kByAdvise,
     "other work in the server's io_uring loop, each a run: none (the default) or\n"
     "CONNS@RATE[,size=BYTES][,work=TIME]: a third process sends RATE requests/s in\n"
     "all over CONNS TCP connections to the loop (open loop; size default 512 B,\n"
     "work: CPU the server spends on each), e.g. none,8@5000,64@20000,work=20us",
     [](ParseState &s, const ArgValue &v) {
         s.o.neighbours = as_usage([&] { return parse_neighbour_list(v.text); });
     }},
    {"--neighbours-cpu", nullptr, "N", ArgKind::cpu, 0, 0, kByRun | kByAdvise,
     "pin the neighbours' process to CPU N (default: the client's CPU)",
     [](ParseState &s, const ArgValue &v) { s.o.neighbours_cpu = int(v.whole); }},
    {"--memory-node", nullptr, "N", ArgKind::whole, 0, 1023, kByRun | kByServer | kByAdvise,
     "bind the shared-memory rings' pages to NUMA node N (default: where the\n"
     "server's first touch puts them, its own node); each run reports the node\n"
     "that holds them",
     [](ParseState &s, const ArgValue &v) { s.o.memory_node = int(v.whole); }},
    {"--integration", nullptr, "LIST", ArgKind::text, 0, 0, kByRun,
     "with --neighbours, how lfshm and lfshm-zc join the loop, each a run: poll (the\n"
     "rings polled per iteration, waits bounded by a 50 us tick; the default) or\n"
     "helper (a thread asleep on the futex writes an eventfd the loop READs)",
     [](ParseState &s, const ArgValue &v) { s.o.integrations = parse_integrations(v.text); }},
    {"--hgrm", nullptr, "DIR", ArgKind::text, 0, 0, kByRun,
     "write each run's latency distribution as an HdrHistogram .hgrm file in DIR\n"
     "(a sweep writes them into its folder's hgrm/)",
     [](ParseState &s, const ArgValue &v) { s.o.hgrm_dir = v.text, s.hgrm_given = true; }},
    {"--spin", nullptr, "LIST", ArgKind::times, 0, 0, kByRun | kBySweep | kByClient,
     "busy-poll budgets before sleeping, spinning modes, each a run (e.g. 0, 50us or\n"
     "0,20us,1ms; default: the mode's, {default})",
     [](ParseState &s, const ArgValue &v) { s.o.spins_ns = v.ns; },
     [] { return std::to_string(kDefaultSpinNs / 1000) + "us; --sweep: the mode's and 0"; }},
    {"--uring", nullptr, "LIST", ArgKind::text, 0, 0, kByRun | kBySweep | kByClient,
     "io_uring knob sets for uds, comma separated, each none or knobs joined by +:\n"
     "poll-first, multishot, ring-fd, sqpoll (e.g. multishot+ring-fd,none); --sweep:\n"
     "the knob sets of its io_uring cells",
     [](ParseState &s, const ArgValue &v) { s.o.uring_variants = parse_uring_variants(v.text); }},
    {"--socket", nullptr, "LIST", ArgKind::text, 0, 0, kByRun | kByClient,
     "AF_UNIX socket types for uds and uds-sync, each a run: seqpacket (the\n"
     "default), stream (length-framed), dgram (e.g. stream,dgram); a sweep's are its\n"
     "--matrix file's \"socket\" key",
     [](ParseState &s, const ArgValue &v) { s.o.socket_variants = parse_socket_variants(v.text); }},
    {"--seed", nullptr, "N", ArgKind::whole, 0, kNoMax, kByRun | kBySweep | kByClient | kByAdvise,
     "seed of the size generator and the sweep order (default {default})",
     [](ParseState &s, const ArgValue &v) { s.o.seed = v.whole; },
     [] { return std::to_string(RunConfig{}.seed); }},
    {"--timeout", nullptr, "SEC", ArgKind::seconds, 0, 0, kByAll,
     "kill a run's processes after SEC (default: warmup + 2 x duration + 10); two-\n"
     "terminal roles: connect within SEC, drop a session making no progress for SEC\n"
     "(default {default})",
     [](ParseState &s, const ArgValue &v) { s.o.timeout_s = v.seconds; },
     [] { return number(kTwoTerminalTimeoutS); }},
    {"--json", nullptr, "PATH", ArgKind::text, 0, 0, kByRun | kByClient | kByAdvise | kByListCpus,
     "write the JSON report to PATH (atomically; a sweep writes report.json in --out;\n"
     "--list-cpus: the topology and its pairs)",
     [](ParseState &s, const ArgValue &v) { s.o.json_path = v.text, s.json_given = true; }},
    {"--csv", nullptr, "PATH", ArgKind::text, 0, 0, kByRun | kByClient,
     "write one CSV row per run to PATH: its settings and every figure of the console\n"
     "line (a sweep writes runs.csv in --out)",
     [](ParseState &s, const ArgValue &v) { s.o.csv_path = v.text, s.o.csv_given = true; }},
    {"--percentiles", nullptr, "LIST", ArgKind::text, 0, 0, kByRun | kByClient,
     "latency percentiles the console shows and the report adds, e.g. 50,90,99.9\n"
     "(default {default}; the report always has p50 to p99.99)",
     [](ParseState &s, const ArgValue &v) { s.o.percentiles = parse_percentiles(v.text); },
     [] { return percentiles_text(kDefaultPercentiles); }},
    {"--server", nullptr, nullptr, ArgKind::flag, 0, 0, kStandalone,
     "two-terminal: serve --mode at --endpoint until interrupted",
     [](ParseState &s, const ArgValue &) { s.server = true; }},
    {"--client", nullptr, nullptr, ArgKind::flag, 0, 0, kStandalone,
     "two-terminal: run against the server at --endpoint",
     [](ParseState &s, const ArgValue &) { s.client = true; }},
    {"--endpoint", nullptr, "NAME", ArgKind::text, 0, 0, kByServer | kByClient,
     "two-terminal rendezvous name, abstract socket namespace (default: {default})",
     [](ParseState &s, const ArgValue &v) { s.o.endpoint = v.text; },
     [] { return Options{}.endpoint; }},
    {"--allow-uid", nullptr, "UID", ArgKind::whole, 0, UINT32_MAX - 1, kByServer | kByClient,
     "two-terminal, as root: also admit a peer of this uid (default: only our own)",
     [](ParseState &s, const ArgValue &v) { s.o.allow_uid = long(v.whole); }},
    {"--sweep", nullptr, nullptr, ArgKind::flag, 0, 0, kStandalone,
     "run the matrix (modes x sizes x repetitions), then the load, fan-in and spin\n"
     "sections; writes a folder with report.html, report.json and plots",
     [](ParseState &s, const ArgValue &) { s.sweep = true; }},
    {"--advise", nullptr, nullptr, ArgKind::flag, 0, 0, kStandalone,
     "the answer for one workload: runs every design that can serve it (set by\n"
     "--size, --rate, --inflight, --clients, --placement, --neighbours; --mode\n"
     "narrows the candidates) in rounds until the best is certain or --budget ends",
     [](ParseState &s, const ArgValue &) { s.advise = true; }},
    {"--objective", nullptr, "WHAT", ArgKind::text, 0, 0, kByAdvise,
     "--advise: what to minimise: p99 (the default), p50 or cpu (CPU per request,\n"
     "both sides)",
     [](ParseState &s, const ArgValue &v) {
         const std::optional<Objective> o = parse_objective(v.text);
         if (!o) throw UsageError("--objective wants p99, p50 or cpu, got '" + v.text + "'");
         s.o.objective = *o;
     }},
    {"--budget", nullptr, "SEC", ArgKind::seconds, 0, 0, kByAdvise,
     "--advise: seconds it may take in all, the host's probe included (default\n"
     "{default})",
     [](ParseState &s, const ArgValue &v) { s.o.budget_s = v.seconds; },
     [] { return number(Options{}.budget_s); }},
    {"--method", nullptr, "HOW", ArgKind::text, 0, 0, kByAdvise,
     "--advise: interleaved (default: candidates held at once, run in short slices\n"
     "beside an A/A twin and the floor, compared paired) or sequential (whole runs)",
     [](ParseState &s, const ArgValue &v) {
         if (v.text != "interleaved" && v.text != "sequential")
             throw UsageError("--method wants interleaved or sequential, got '" + v.text + "'");
         s.o.interleaved = v.text == "interleaved";
     }},
    {"--slice", nullptr, "SEC", ArgKind::seconds, 0, 0, kByRun | kByAdvise,
     "interleaved: one slice's recorded part (default {default}; after a lead-in of a\n"
     "tenth, at most 10 ms); under the --budget, at most --duration",
     [](ParseState &s, const ArgValue &v) { s.o.slice_s = v.seconds, s.o.slice_given = true; },
     [] { return number(kDefaultSliceS); }},
    {"--floor-paired", nullptr, nullptr, ArgKind::flag, 0, 0, kByRun,
     "run the modes in slices interleaved with their floor, --duration of slices each:\n"
     "runs[].floor_paired_ratio = p50 / the floor of the same round",
     [](ParseState &s, const ArgValue &) { s.o.floor_paired = true; }},
    {"--retry-noisy", nullptr, "N", ArgKind::whole, 0, 10, kByRun | kBySweep | kByAdvise,
     "run a run flagged noisy (steal, CPU pressure, preemption, a floor that\n"
     "changed placement) again, up to N times; every attempt is kept, figures use\n"
     "the last (default {default})",
     [](ParseState &s, const ArgValue &v) { s.o.retry_noisy = int(v.whole); },
     [] { return std::string("0 for runs, 2 for --sweep and --advise"); }},
    {"--quick", nullptr, nullptr, ArgKind::flag, 0, 0, kBySweep,
     "--sweep: a sub-minute version",
     [](ParseState &s, const ArgValue &) { s.o.quick = true; }},
    {"--repetitions", nullptr, "N", ArgKind::whole, 1, 1000, kBySweep,
     "--sweep: repetitions of each matrix configuration (default {default})",
     [](ParseState &s, const ArgValue &v) { s.o.repetitions = int(v.whole), s.o.repetitions_given = true; },
     [] { return std::to_string(default_matrix(false).repetitions) + "; --quick " +
                 std::to_string(default_matrix(true).repetitions); }},
    {"--out", nullptr, "DIR", ArgKind::text, 0, 0, kBySweep,
     "--sweep: output folder (default results/<UTC time>-<host>)",
     [](ParseState &s, const ArgValue &v) { s.o.out_dir = v.text; }},
    {"--matrix", nullptr, "FILE", ArgKind::text, 0, 0, kBySweep,
     "--sweep: JSON matrix overriding the built-in one",
     [](ParseState &s, const ArgValue &v) { s.o.matrix_path = v.text; }},
    {"--inflights", nullptr, "LIST", ArgKind::text, 0, 0, kBySweep,
     "--sweep: in-flight levels beside ping-pong (e.g. 4,16)",
     [](ParseState &s, const ArgValue &v) { s.o.inflights = parse_inflights(v.text); }},
    {"--inject", nullptr, "SPEC", ArgKind::text, 0, 0, kByAll,
     "TEST ONLY: [MODE/]ROLE:FAULT@OP, FAULT = exit|abort|kill|hang|corrupt|drop|\n"
     "duplicate|truncate|stall=MS; makes ROLE misbehave at operation OP\n"
     "(stall=MS pauses it MS ms and goes on: the run stays ok)",
     [](ParseState &s, const ArgValue &v) { s.o.fault = as_usage([&] { return parse_fault(v.text); }); }},
    {"--list-cpus", nullptr, nullptr, ArgKind::flag, 0, 0, kStandalone,
     "print the CPUs' topology (NUMA node, package, last-level cache, core, threads)\n"
     "and the CPU pair each --placement class takes here; --json PATH writes it",
     [](ParseState &s, const ArgValue &) { s.list_cpus = true; }},
    {"--list-modes", nullptr, nullptr, ArgKind::flag, 0, 0, kStandalone,
     "print the modes and whether this kernel supports them",
     [](ParseState &s, const ArgValue &) { s.o.command = C::list_modes; }},
    {"--version", nullptr, nullptr, ArgKind::flag, 0, 0, kStandalone,
     "print the version, build, liburing, kernel and the io_uring features it has",
     [](ParseState &s, const ArgValue &) { s.o.command = C::version; }},
    {"--help", "-h", nullptr, ArgKind::flag, 0, 0, kStandalone,
     "this text",
     [](ParseState &s, const ArgValue &) { s.o.command = C::help; }},
};
// clang-format on

}  // namespace

std::span<const OptionSpec> option_table() { return kOptions; }

std::string help_text(const OptionSpec &spec) {
    std::string text = spec.help;
    if (const auto at = text.find("{default}"); at != std::string::npos && spec.default_text)
        text.replace(at, 9, spec.default_text());
    return text;
}

std::string refusal(const OptionSpec &spec, unsigned command) {
    if (spec.takes & command) return {};
    static const std::pair<unsigned, const char *> names[] = {
        {kByRun, "runs (--mode LIST)"}, {kBySweep, "--sweep"},   {kByServer, "--server"},
        {kByClient, "--client"},        {kByAdvise, "--advise"}, {kByListCpus, "--list-cpus"}};
    std::string by, used_by;
    for (auto [bit, name] : names) {
        if (bit == command) by = name;
        if (spec.takes & bit) used_by += (used_by.empty() ? "" : ", ") + std::string(name);
    }
    return std::string(spec.name) + " is not used by " + by + " (it is for " + used_by + "; see --help)";
}

const OptionSpec *find_option(const std::string &name) {
    for (const OptionSpec &spec : option_table())
        if (name == spec.name || (spec.alias && name == spec.alias)) return &spec;
    return nullptr;
}

ArgValue read_value(const OptionSpec &spec, const std::string &text, const ParseState &state) {
    ArgValue v;
    v.text = text;
    switch (spec.kind) {
    case ArgKind::flag:
    case ArgKind::text: break;
    case ArgKind::whole: v.whole = parse_whole(text, spec.name, spec.min, spec.max); break;
    case ArgKind::seconds: v.seconds = parse_seconds(text, spec.name, false); break;
    case ArgKind::seconds_or_zero: v.seconds = parse_seconds(text, spec.name, true); break;
    case ArgKind::times:
        for (const std::string &item : split_items(text)) {
            const std::uint64_t ns = parse_duration_ns(item, spec.name);
            if (std::find(v.ns.begin(), v.ns.end(), ns) == v.ns.end()) v.ns.push_back(ns);
        }
        break;
    case ArgKind::cpu: v.whole = std::uint64_t(parse_cpu(text, spec.name, state.allowed_cpus)); break;
    }
    return v;
}

}  // namespace ipcb
