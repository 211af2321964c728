#pragma once
// Plain data describing one run: what was asked (RunConfig), what each role measured
// (RoleReport), and what the run produced (RunResult). Reporters only read these.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/environment.hpp"
#include "core/histogram.hpp"
#include "core/rank_test.hpp"
#include "core/size_spec.hpp"
#include "core/stats.hpp"
#include "floor/handoff_floor.hpp"
#include "ipc/endpoint.hpp"
#include "loop/neighbour_spec.hpp"
#include "run/results/timeline.hpp"
#include "run/wire/fault_plan.hpp"
#include "topology/placement.hpp"

namespace ipcb {

// Which part of a sweep a run belongs to (RunConfig::section); its name is report.json's.
enum class Section {
    run,        // a run the command line asked for
    matrix,     // a sweep's closed-loop repetitions on two CPUs
    placement,  // the matrix's sleeping modes with both ends on one CPU
    capacity,   // a mode's closed-loop maximum, before its load points
    load,       // open loop at a ladder of rates and percents of capacity
    fan_in,     // several clients into one server loop
    spin,       // spin budgets at one offered rate
    harness,    // the harness against a bare ping-pong on the same CPUs
    loop,       // the server's event loop with other work: TCP neighbours beside the IPC
    decision,   // a decision row's leading designs held and run interleaved (paired rounds)
};
const char *section_name(Section s);  // "run", "matrix", "fan_in", ...

// How a run ended (RunResult::status); its name is report.json's.
enum class RunStatus { ok, failed, unsupported };
const char *status_name(RunStatus s);  // "ok" | "failed" | "unsupported"

// The cap on one run's window_bytes: 4 MiB messages with 64 outstanding take 520 MiB each client.
inline constexpr std::size_t kMaxWindowBytes = std::size_t(1) << 30;

struct RunConfig {
    std::string mode;
    SizeSpec size;
    double duration_s = 2.0;       // timed phase length, unless iterations > 0
    std::uint64_t iterations = 0;  // timed phase operation count; 0 = use duration_s
    double warmup_s = 0.25;        // run and discarded before the timed phase
    int server_cpu = -1;           // -1: do not pin
    int client_cpu = -1;
    unsigned inflight = 1;  // closed loop: requests outstanding per client (1 = ping-pong)
    // Open loop (rate > 0): requests are sent on a fixed schedule, rate/clients per second from each
    // client, whatever the replies do; latency counts from each request's intended send time.
    double rate = 0;                            // offered requests per second over all clients; 0: closed loop
    double rate_percent = 0;                    // > 0: rate is this percent of capacity_ops_per_sec (--rate 50%)
    double capacity_ops_per_sec = 0;            // the closed-loop maximum measured for a percent rate
    unsigned max_inflight = 64;                 // open loop: requests one client keeps outstanding at most
    unsigned clients = 1;                       // client processes served by one server loop (fan-in)
    std::vector<int> client_cpus;               // CPU of each client (fan-in); empty: every client on client_cpu
    Placement placement = Placement::separate;  // same_cpu: client_cpu(s) == server_cpu
    std::string placement_missing;              // why this machine has no pair of the class (unsupported)
    std::uint64_t spin_ns = 0;                  // busy-poll budget before sleeping (spinning modes)
    std::optional<unsigned> uring_knobs;        // --uring variant (modes that take knobs); unset: default
    // --uring sqpoll: each side's SQ polling thread's CPU, chosen from the topology (orchestrator)
    int server_sq_cpu = -1, client_sq_cpu = -1;
    // --memory-node: the NUMA node shared-memory rings are bound to; -1: the server's first touch
    int memory_node = -1;
    std::optional<SocketType> socket;  // --socket variant (modes that take it); unset: seqpacket
    std::uint64_t seed = 1;            // size generator seed
    double interval_s = 0;             // the timeline's step (--interval); 0: 1 s, or 0.1 s for runs under 10 s
    double timeout_s = 0;              // 0 = derived from duration and warmup
    std::optional<FaultPlan> fault;    // test-only fault injection for this run
    std::vector<double> percentiles;   // --percentiles: also computed, shown instead of p50/p99 (empty: those)
    // Other work in the server's event loop (--neighbours; none: the server does only its IPC),
    // the neighbours' CPU (-1: the client's), and how an lfshm ring's server joins that loop.
    NeighbourSpec neighbours;
    int neighbours_cpu = -1;
    LoopIntegration integration = LoopIntegration::poll;
    // The neighbours-alone pass of a run with neighbours: the IPC client connects and stays
    // silent, so the neighbours' figures show the loop without IPC traffic (back to back).
    bool ipc_idle = false;
    int repetition = 0;  // index within a sweep's repetitions
    // A second run of the same design held at the same time (an interleaved group: a design named
    // twice, "2", or the A/A twin, "twin"): label() ends in "#instance"; "" for the first.
    std::string instance;
    Section section = Section::run;  // aggregates never mix sections
    bool open_loop() const { return rate > 0 || rate_percent > 0; }
    std::uint64_t interval_ns() const {
        const double s = interval_s > 0 ? interval_s : (iterations == 0 && duration_s >= 10 ? 1.0 : 0.1);
        return std::uint64_t(s * 1e9);
    }
    // An open loop at `percent` of a measured closed-loop maximum (`capacity` requests/s).
    void set_percent_rate(double percent, double capacity) {
        rate_percent = percent;
        capacity_ops_per_sec = capacity;
        rate = capacity * percent / 100.0;
    }
    // Requests one client may have outstanding: what rings and socket buffers are sized for.
    unsigned outstanding() const { return open_loop() ? max_inflight : inflight; }
    // What rings and socket buffers hold at the most: a window (and one more) of the largest
    // message each way, for every client; held against kMaxWindowBytes.
    std::size_t window_bytes() const { return std::size_t(clients) * 2 * (outstanding() + 1) * size.max; }
    // Placement::same_cpu: the client (and each fan-in client) on the server's CPU.
    void put_on_one_cpu() {
        placement = Placement::same_cpu;
        client_cpu = server_cpu;
        if (!client_cpus.empty()) client_cpus.assign(1, server_cpu);
    }
    int cpu_of_client(unsigned i) const {
        return client_cpus.empty() ? client_cpu : client_cpus[i % client_cpus.size()];
    }
    // e.g. "spin=0us" for a spinning mode, "" otherwise
    std::string variant() const;
    // The variant without its offered load (rate, max-inflight) when !with_rate.
    std::string variant_text(bool with_rate) const;
    std::string label() const;  // mode[variant], for console lines
    // The design without its offered load: mode[spin, io_uring knobs, in flight, clients], how the
    // decision table names a candidate at a rate ("lfshm[spin=50us]").
    std::string design_label() const;
    std::size_t floor_bytes() const;  // the size the run's floor hands: the size, or a mix's mean
};

// What one role measured over the timed phase (deltas), sent through the result pipe.
struct RoleReport {
    std::string role;  // "server" | "client"
    int pid = 0;
    std::vector<int> affinity;     // CPUs sched_getaffinity reported after pinning
    std::string mode_setup;        // Endpoint::describe()
    double user_s = 0, sys_s = 0;  // getrusage(RUSAGE_SELF) delta: every thread of the process
    long voluntary_switches = 0, involuntary_switches = 0;
    double wall_s = 0;             // this role's timed phase, CLOCK_MONOTONIC
    std::uint64_t operations = 0;  // round trips (client) / requests answered (server), timed phase
    std::uint64_t warmup_operations = 0;
    std::uint64_t verified_messages = 0;  // messages that passed the per-message checks, timed phase
    std::uint64_t full_checks = 0;        // of which every byte was compared
    std::uint64_t payload_bytes = 0;      // request + response bytes, timed phase
    std::uint64_t size_min = 0, size_max = 0;
    double size_mean = 0;
    double clock_cost_ns = 0;      // measured cost of one CLOCK_MONOTONIC read
    double verify_client_ns = 0;   // per message, outside the latency sample
    double verify_server_ns = 0;   // per message, inside the round trip (stamp check + restamp)
    double outside_sample_ns = 0;  // per op: timed wall time not inside any sample
    // System calls of every thread of the process over its counting phase, a phase of its own
    // before the timed one (core/syscall_counter.hpp): "total" and each named one, over
    // syscall_operations round trips (client) / requests (server); empty, with the reason, where
    // the kernel would not count.
    std::map<std::string, std::uint64_t> syscalls;
    std::uint64_t syscall_operations = 0;
    // Pages of the shared memory this role created, by the NUMA node that holds them (move_pages;
    // the server's, for the modes with rings in shared memory); empty for the others.
    std::map<std::string, std::uint64_t> memory_pages_by_node;
    double syscalls_per_op(const std::string &name) const;  // -1 when not counted
    std::string syscalls_unavailable;
    std::uint64_t slow_waits = 0;          // timed phase: waits over kSlowWaitNs (Endpoint::slow_waits)
    std::uint64_t max_inflight_waits = 0;  // open loop: replies awaited while a request was due and max_inflight out
    double pacing_s = 0;                   // open loop: CPU spent waiting for due times (in user_s + sys_s too)
    int client_index = 0;                  // fan-in: which client this is (0..clients-1)
    std::vector<TimelineEntry> timeline;   // client: per interval of the timed phase
    bool exact_samples_complete = true;    // client: its exact samples hold every round trip
    long peak_rss_kib = 0;                 // the process's peak resident memory by the end of the timed phase
    // Server with neighbours, timed phase: its event loop's iterations, io_uring_enter calls and
    // completions (every source's), the neighbours' requests it answered, and how it joined.
    std::uint64_t loop_iterations = 0, loop_enters = 0, loop_cqes = 0, neighbour_requests = 0;
    std::string loop_integration;
};

// The neighbours of a run (RunConfig::neighbours), as their process measured them over its timed
// window, and the same load with the IPC client idle (the alone pass).
struct NeighboursReport {
    NeighbourSpec spec;
    int cpu = -1;                    // where the neighbours' process ran
    double offered_rate = 0;         // requests/s over all connections
    double achieved_rate = 0;        // answered per second, timed window
    std::uint64_t answered = 0;      // responses verified in the timed window
    std::uint64_t window_waits = 0;  // requests due while a connection had kNeighbourWindow outstanding
    LatencyStats latency;            // microseconds, from each request's due time
    LatencyStats send_lag;           // microseconds, actual send - due
    double user_s = 0, sys_s = 0, wall_s = 0;
    double cpu_percent = 0;  // of one CPU, over its timed window
    struct Alone {
        bool ran = false;
        std::string error;  // why the pass failed, when it did
        double achieved_rate = 0;
        LatencyStats latency;
        double server_cpu_percent = 0;  // the server's process, IPC idle, over its session
    } alone;
};

// The server's event loop over the timed phase (runs with neighbours).
struct EventLoopReport {
    std::string integration;  // "completion", "poll", "helper", "spin"
    double tick_us = 0;       // poll: the bound on a wait
    double iterations_per_sec = 0, cqes_per_enter = 0, enters_per_round_trip = 0;
    std::uint64_t neighbour_requests = 0;
};

// How the run's load was offered, and what the mechanism carried.
struct LoadReport {
    bool open = false;                     // open loop (offered rate) or closed loop (next after the reply)
    double offered_rate = 0;               // requests/s over all clients (open loop)
    double achieved_rate = 0;              // responses/s over all clients, timed phase
    unsigned max_inflight = 0;             // per client: open loop's limit, closed loop's --inflight
    bool saturated = false;                // open loop: it could not carry the rate (finalize.hpp, the rule)
    std::string saturated_because;         // which part of the rule held ("" when not saturated)
    std::uint64_t max_inflight_waits = 0;  // how often (RoleReport::max_inflight_waits, all clients)
    // Open loop: how late requests left after their due time (actual send - due), and whether
    // that lag grew over the run (a backlog), per client: the last quarter's median against the
    // first quarter's.
    std::optional<LatencyStats> send_lag;
    bool backlog_grew = false;
    double pacing_us_per_op = 0;      // the clients' CPU spent waiting for due times, per request
    double rate_percent = 0;          // the rate as a percent of capacity (0: given absolute)
    double capacity_ops_per_sec = 0;  // the closed-loop maximum a percent rate was taken from
};

// One client of a fan-in run, as the report lists it.
struct ClientFigures {
    int cpu = -1;
    std::uint64_t operations = 0;
    double ops_per_sec = 0;
    LatencyStats latency;  // microseconds, from the intended send time
};

struct NoiseReport {
    bool noisy = false;
    std::vector<std::string> reasons;  // in words, for the console and the report
    double steal_ms = 0;               // hypervisor steal time on the run's CPUs during the run
    double cpu_pressure = -1;          // share of the run with a task waiting for a CPU (-1: no PSI)
};

// A run held beside others and run in slices (run/parent/sliced_run.hpp): its figures are the sum
// of its kept slices' recorded parts; floor_ratio is its p50 over the floor's, paired per round.
struct InterleavedReport {
    double slice_ms = 0;
    std::uint64_t slices = 0, slices_dropped = 0;  // recorded, and of those dropped (stalls)
    std::optional<MedianInterval> floor_ratio;     // p50 / the same round's floor p50
    std::size_t floor_pairs = 0;                   // rounds in floor_ratio
};

struct RunResult {
    RunConfig config;
    RunStatus status = RunStatus::failed;
    std::string error;  // cause, when not ok
    // How the run's two CPUs relate in the machine's topology (relation_name: same-cpu, smt, cache,
    // cross-cache, ...; of the server and its first client), "unpinned" when not pinned.
    std::string pair_class = "unpinned";
    std::optional<RoleReport> server, client;
    std::optional<LatencyStats> latency;    // microseconds
    std::vector<std::uint32_t> samples_ns;  // raw samples until finalize_result() consumes them
    // Open loop: from the actual send (service time); empty in closed loop, where it is samples_ns.
    std::vector<std::uint32_t> service_ns;
    // Fan-in: every client's report and samples (clients[0] is also `client`, merged: see
    // merge_clients); one entry for a single client.
    std::vector<RoleReport> clients;
    std::vector<std::vector<std::uint32_t>> client_samples_ns;
    // Every client's histograms (run/child/recording.hpp), until finalize_result() merges them;
    // when absent, finalize builds them from the exact samples (two-terminal, tests).
    std::vector<LatencyHistogram> client_latency, client_service, client_lag;
    std::vector<TimelineEntry> timeline;  // per interval, the clients' merged (finalize.cpp)
    bool exact_complete = true;           // every sample of every client was kept exactly
    int histogram_digits = 3;
    std::optional<LatencyStats> service_time;  // microseconds
    LoadReport load;
    std::vector<ClientFigures> per_client;
    double fairness_jain = 1, fairness_min_over_max = 1;  // over per-client operations
    double server_cpu_us_per_op = 0;
    std::optional<NeighboursReport> neighbours;  // runs with neighbours
    std::optional<EventLoopReport> event_loop;
    std::string hgrm;  // the latency distribution in HdrHistogram's .hgrm text (core/hgrm.hpp)
    double started_unix_s = 0;
    MachineBusy busy_before, busy_after;
    NoiseReport noise;
    // --retry-noisy: this run's attempt at its configuration (1 first, 2 its first repeat, ...);
    // a superseded attempt was run again and is kept in the report, out of every aggregate.
    int attempt = 1;
    bool superseded = false;
    // The run's own floor, right before and right after its timed phase (floor/handoff_floor.hpp);
    // unset with the reason in floor_skipped when the roles had no two CPUs of their own.
    std::optional<FloorReading> floor_before, floor_after;
    std::string floor_skipped;
    std::optional<InterleavedReport> interleaved;
    // Derived figures (valid when status == RunStatus::ok).
    double ops_per_sec = 0, throughput_mib_s = 0;
    double server_cpu_percent = 0, client_cpu_percent = 0, cpu_us_per_op = 0;
    bool ok() const { return status == RunStatus::ok; }
    bool has_floor() const { return floor_before && floor_after; }
    double floor_us() const;  // mean of the two floors (0 without a floor)
    // "" unless the worst interval's p99 exceeds kSpikeFactor x the median interval's p99 (three
    // intervals or more): then what, when and how much.
    std::string timeline_spike() const;
    static constexpr double kSpikeFactor = 3;
    double p50_over_floor() const;  // 0 unless ok with a floor
    std::string placement() const;  // placement_of(before, after), or "unmeasured"
    // Both processes' system calls per round trip, counted over their counting phase (a phase of
    // its own before the timed one: RoleReport::syscalls); -1 when not counted.
    double syscalls_per_op() const;
    // CPU per round trip of both sides without the open-loop clients' pacing: what the mechanism
    // costs (= cpu_us_per_op in a closed loop).
    double mechanism_cpu_us_per_op() const { return cpu_us_per_op - load.pacing_us_per_op; }
};

}  // namespace ipcb
