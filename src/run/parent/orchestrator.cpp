#include "run/parent/orchestrator.hpp"

#include <string.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "core/stats.hpp"
#include "core/sys.hpp"
#include "core/syscall_counter.hpp"
#include "ipc/tcp_link.hpp"
#include "modes/mode.hpp"
#include "run/child/roles.hpp"
#include "run/parent/children.hpp"
#include "run/results/finalize.hpp"
#include "run/results/noise.hpp"
#include "run/results/role_json.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

constexpr double kSetupTimeoutS = 15;
constexpr double kGraceAfterFailureS = 1.0;  // the surviving role may still explain the failure

std::uint64_t deadline_in(double seconds) { return now_ns() + std::uint64_t(seconds * 1e9); }

std::vector<std::uint32_t> samples_of(const Frame &f, const char *role) {
    if (f.payload.size() % 4) throw Error(std::string(role) + ": samples record has a partial sample");
    std::vector<std::uint32_t> samples(f.payload.size() / 4);
    if (!samples.empty()) std::memcpy(samples.data(), f.payload.data(), f.payload.size());  // empty: no exact samples
    return samples;
}

// One role's records: its result, and a client's samples.
struct RoleRecords {
    std::optional<RoleReport> report;
    std::optional<std::vector<std::uint32_t>> samples, service;
    std::optional<LatencyHistogram> latency, service_times, lag;
};

LatencyHistogram histogram_of(const Frame &f, const char *role) {
    try {
        return LatencyHistogram::deserialize(f.payload);
    } catch (const Error &e) {
        throw Error(std::string(role) + ": " + e.what());
    }
}

RoleRecords records_of(Child &kid) {
    try {
        if (!kid.corrupt.empty()) throw Error(kid.corrupt);
        kid.records.finish();
    } catch (const Error &e) {
        throw Error(std::string(kid.role) + ": " + e.what());
    }
    RoleRecords out;
    for (auto &f : kid.records.frames()) {
        if (f.type == FrameType::result) {
            out.report = role_report_from_text(f.text(), kid.role);
        } else if (f.type == FrameType::samples) {
            out.samples = samples_of(f, kid.role);
        } else if (f.type == FrameType::service_samples) {
            out.service = samples_of(f, kid.role);
        } else if (f.type == FrameType::latency_histogram) {
            out.latency = histogram_of(f, kid.role);
        } else if (f.type == FrameType::service_histogram) {
            out.service_times = histogram_of(f, kid.role);
        } else if (f.type == FrameType::lag_histogram) {
            out.lag = histogram_of(f, kid.role);
        }
    }
    if (!out.report) throw Error(std::string(kid.role) + " exited without sending its result record");
    return out;
}

// The neighbours' process's records: its report and its latency and send-lag histograms.
NeighboursReport neighbours_of(Child &kid, const RunConfig &config) {
    RoleRecords n = records_of(kid);
    if (!n.latency || !n.lag) throw Error("neighbours sent no latency histograms");
    NeighboursReport out;
    out.spec = config.neighbours;
    out.cpu = n.report->affinity.size() == 1 ? n.report->affinity[0] : -1;
    out.offered_rate = config.neighbours.rate;
    out.answered = n.report->operations;
    out.window_waits = n.report->max_inflight_waits;
    out.wall_s = n.report->wall_s;
    out.achieved_rate = out.wall_s > 0 ? double(out.answered) / out.wall_s : 0;
    out.latency = histogram_stats(*n.latency, config.percentiles);
    out.send_lag = histogram_stats(*n.lag);
    out.user_s = n.report->user_s;
    out.sys_s = n.report->sys_s;
    out.cpu_percent = out.wall_s > 0 ? 100.0 * (out.user_s + out.sys_s) / out.wall_s : 0;
    return out;
}

void evaluate(RunResult &r, std::vector<Child> &kids) {
    r.server = records_of(kids[0]).report;
    const bool neighbours = !r.config.neighbours.none();
    if (neighbours) r.neighbours = neighbours_of(kids.back(), r.config);
    if (r.config.ipc_idle) return;  // the alone pass: only the neighbours' figures are wanted
    for (std::size_t i = 1; i < kids.size() - (neighbours ? 1 : 0); ++i) {
        RoleRecords c = records_of(kids[i]);
        if (!c.samples || !c.latency) throw Error(std::string(kids[i].role) + " sent no latency samples");
        if (r.config.open_loop() && (!c.service || !c.service_times || !c.lag))
            throw Error(std::string(kids[i].role) + " sent no service times");
        r.clients.push_back(*c.report);
        r.client_latency.push_back(std::move(*c.latency));
        if (c.service_times) r.client_service.push_back(std::move(*c.service_times));
        if (c.lag) r.client_lag.push_back(std::move(*c.lag));
        r.client_samples_ns.push_back(std::move(*c.samples));
        if (c.service) r.service_ns.insert(r.service_ns.end(), c.service->begin(), c.service->end());
    }
    finalize_result(r);
}

std::atomic<unsigned> g_run_counter{0};

// The run's role processes, started (kids[0] the server, then its clients) and blocked on `go`.
struct RunProcesses {
    std::vector<Child> kids;  // never resized once started: children are not moved
    Pipe go;
    std::optional<SharedTimedWindow> window;  // a run with neighbours: inherited by every role
    bool any_failed() const {
        return std::any_of(kids.begin(), kids.end(), [](const Child &c) { return c.failed(); });
    }
    bool all_ready() const {
        return std::all_of(kids.begin(), kids.end(), [](const Child &c) { return c.ready(); });
    }
};

const char *client_role_name(unsigned i, unsigned clients) {
    static const char *names[] = {"client 0",  "client 1",  "client 2",  "client 3", "client 4",  "client 5",
                                  "client 6",  "client 7",  "client 8",  "client 9", "client 10", "client 11",
                                  "client 12", "client 13", "client 14", "client 15"};
    return clients == 1 || i >= std::size(names) ? "client" : names[i];
}

void start_roles(const RunConfig &config, RunProcesses &p) {
    const bool neighbours = !config.neighbours.none();
    const unsigned n = 1 + config.clients + (neighbours ? 1 : 0);
    std::vector<Pipe> out(n);
    for (Pipe &o : out) o = Pipe::make();
    p.go = Pipe::make();
    p.kids = std::vector<Child>(n);
    RoleParams base{.run = config,
                    .endpoint = "run-" + std::to_string(::getpid()) + "-" + std::to_string(g_run_counter++)};
    base.go_fd = p.go.read.get();
    // The neighbours' listener, made here so the neighbours know its port before the server runs;
    // only the server keeps it. The token proves a connection is the neighbours' process.
    TcpListener listener;
    if (neighbours) {
        listener = listen_on_loopback(int(config.neighbours.connections) + 8);
        base.neighbours_port = listener.port;
        base.neighbours_token = random_token();
        base.timed_window = p.window.emplace().get();
    }
    try {
        for (unsigned k = 0; k < n; ++k) {
            std::vector<int> close_in_child{p.go.write.get()};  // every pipe end but its own result pipe's write end
            for (unsigned j = 0; j < n; ++j) {
                close_in_child.push_back(out[j].read.get());
                if (j != k) close_in_child.push_back(out[j].write.get());
            }
            RoleParams rp = base;
            rp.result_fd = out[k].write.get();
            if (k != 0 && neighbours) close_in_child.push_back(listener.sock.get());
            if (k == 0) {
                rp.cpu = config.server_cpu;
                rp.neighbours_listen_fd = neighbours ? listener.sock.get() : -1;
                spawn("server", close_in_child, server_child_main, rp, p.kids[0]);
            } else if (neighbours && k == n - 1) {
                rp.cpu = config.neighbours_cpu >= 0 ? config.neighbours_cpu : config.client_cpu;
                spawn("neighbours", close_in_child, neighbours_child_main, rp, p.kids[k]);
            } else {
                rp.cpu = config.cpu_of_client(k - 1);
                rp.run.client_cpu = rp.cpu;
                rp.client_index = int(k - 1);
                spawn(client_role_name(k - 1, config.clients), close_in_child, client_child_main, rp, p.kids[k]);
            }
        }
    } catch (...) {
        for (Child &c : p.kids) kill_group(c);
        for (Child &c : p.kids) reap(c);
        throw;
    }
    p.go.read.reset();
    for (unsigned k = 0; k < n; ++k) p.kids[k].out = std::move(out[k].read);
}

// Setup: every role must report READY (or one fails) before anything is timed. Returns whether all did.
bool wait_until_ready(RunProcesses &p, std::vector<std::string> &events) {
    const bool ok = pump(p.kids, events, deadline_in(kSetupTimeoutS), [&] { return p.all_ready() || p.any_failed(); });
    if (!ok && !g_interrupt_signal.load())
        events.push_back("timeout: setup did not finish within " + std::to_string(int(kSetupTimeoutS)) + " s");
    return ok && !p.any_failed();
}

// The run's floor on its own two CPUs, measured while its roles are idle (blocked before the
// start, or gone); unset, with the reason in r.floor_skipped, where it cannot be measured.
std::optional<FloorReading> floor_now(RunResult &r) {
    const RunConfig &c = r.config;
    if (c.server_cpu < 0 || c.client_cpu < 0) r.floor_skipped = "the roles are not pinned";
    else if (g_interrupt_signal.load()) r.floor_skipped = "interrupted";
    if (!r.floor_skipped.empty()) return std::nullopt;
    try {
        return measure_run_floor(c.floor_bytes(), c.client_cpu, c.server_cpu);
    } catch (const std::exception &e) {
        r.floor_skipped = e.what();
        return std::nullopt;
    }
}

// Waits for both roles to finish within the run's deadline; after a failure, gives the survivor
// a moment to end and say what it saw.
void supervise(RunProcesses &p, const RunConfig &config, std::vector<std::string> &events) {
    const double limit = run_deadline_s(config);
    const bool ok = pump(p.kids, events, deadline_in(limit), [&] { return p.any_failed(); });
    if (ok && p.any_failed()) {
        pump(p.kids, events, deadline_in(kGraceAfterFailureS), [] { return false; });
    } else if (!ok && !g_interrupt_signal.load()) {
        std::string who;
        for (Child &c : p.kids)
            if (!c.done()) who += who.empty() ? c.role : std::string(" and ") + c.role;
        char secs_text[32];
        std::snprintf(secs_text, sizeof secs_text, "%.1f", limit);
        events.push_back("timeout: " + who + " did not finish within " + secs_text + " s (hung; killed)");
    }
}

double unix_now_s() {
    using namespace std::chrono;
    return double(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()) * 1e-6;
}

}  // namespace

// A percent rate made absolute: the mode's closed-loop maximum at the run's size, in-flight and
// clients, measured now by a closed-loop run as long as the run (at most 1 s). Unset on success,
// else the run's result: failed (or unsupported) as the capacity run was.
std::optional<RunResult> resolve_percent_rate(RunConfig &c) {
    if (c.rate_percent <= 0 || c.rate > 0) return std::nullopt;  // absolute, or resolved already
    RunConfig closed = c;
    closed.rate = closed.rate_percent = 0;
    closed.fault.reset();
    closed.iterations = 0;
    closed.duration_s = std::min(c.duration_s > 0 ? c.duration_s : 1.0, 1.0);
    RunResult cap = run_orchestrated(closed);
    if (!cap.ok()) {
        cap.config = c;
        if (cap.status != RunStatus::unsupported)
            cap.error = "measuring the closed-loop maximum for a percent rate: " + cap.error;
        return cap;
    }
    c.set_percent_rate(c.rate_percent, cap.ops_per_sec);
    return std::nullopt;
}

// The neighbours-alone pass, right after a run with neighbours: the same configuration with the
// IPC client connected and silent; its neighbours' figures go into r.neighbours->alone.
static void run_neighbours_alone(RunResult &r) {
    RunConfig idle = r.config;
    idle.ipc_idle = true;
    idle.fault.reset();
    RunResult alone = run_orchestrated(idle);
    NeighboursReport::Alone &a = r.neighbours->alone;
    a.ran = alone.ok() && alone.neighbours;
    if (!a.ran) {
        a.error = alone.error.empty() ? "the pass did not run" : alone.error;
        return;
    }
    a.achieved_rate = alone.neighbours->achieved_rate;
    if (alone.server && alone.server->wall_s > 0)
        a.server_cpu_percent = 100.0 * (alone.server->user_s + alone.server->sys_s) / alone.server->wall_s;
    a.latency = alone.neighbours->latency;
}

RunResult run_measured(const RunConfig &requested) {
    RunConfig config = requested;
    if (std::optional<RunResult> failed = resolve_percent_rate(config)) return std::move(*failed);
    MachineBusy before = sample_machine_busy();
    RunResult r = run_orchestrated(config);
    r.busy_before = std::move(before);
    r.busy_after = sample_machine_busy();
    r.noise = assess_noise(r);
    if (r.ok() && r.neighbours) run_neighbours_alone(r);
    return r;
}

double run_deadline_s(const RunConfig &c) {
    if (c.timeout_s > 0) return c.timeout_s;
    if (c.iterations) return 120 + c.warmup_s;
    return c.warmup_s + 2 * c.duration_s + 10;
}

RunResult run_orchestrated(const RunConfig &asked) {
    const RunConfig config = with_sq_threads(asked);
    RunResult r;
    r.config = config;
    r.started_unix_s = unix_now_s();
    if (config.server_cpu >= 0 && config.cpu_of_client(0) >= 0)
        r.pair_class = relation_name(relation_of(machine_topology(), config.server_cpu, config.cpu_of_client(0)));
    if (!find_mode(config.mode)) {
        r.error = "unknown mode '" + config.mode + "'";
        return r;
    }
    if (const std::string why = run_unsupported(config); !why.empty()) {
        r.status = RunStatus::unsupported;
        r.error = why;
        return r;
    }

    // tracefs for the roles' syscall counters, mounted once if missing (root); where counting
    // cannot work, each role reports why.
    static std::once_flag tracefs;
    std::call_once(tracefs, [] { prepare_syscall_counting(); });
    RunProcesses p;
    start_roles(config, p);
    std::vector<std::string> events;
    const bool started = wait_until_ready(p, events);
    if (started && !config.ipc_idle) r.floor_before = floor_now(r);
    else if (!started) r.floor_skipped = "the run did not start";
    p.go.write.reset();  // EOF on the start pipe releases both roles at once
    if (started) supervise(p, config, events);
    if (int sig = g_interrupt_signal.load()) events.push_back(std::string("interrupted by SIG") + sigabbrev_np(sig));
    for (Child &c : p.kids) kill_group(c);
    for (Child &c : p.kids) reap(c);
    for (Child &c : p.kids) note_problems(c, events);
    if (started && !config.ipc_idle) r.floor_after = floor_now(r);

    try {
        if (!events.empty() || p.any_failed() || !started) {
            std::string cause;
            for (auto &e : events) cause += (cause.empty() ? "" : "; ") + e;
            throw Error(cause);
        }
        evaluate(r, p.kids);
        r.status = RunStatus::ok;
    } catch (const Error &e) {
        r.status = RunStatus::failed;
        r.error = e.what();
        if (r.error.empty()) r.error = "run failed without a reported cause";
    }
    return r;
}

}  // namespace ipcb
