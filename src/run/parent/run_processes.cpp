#include "run/parent/run_processes.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "core/stats.hpp"
#include "core/sys.hpp"
#include "ipc/tcp_link.hpp"
#include "run/parent/orchestrator.hpp"
#include "run/results/finalize.hpp"
#include "run/results/role_json.hpp"

namespace ipcb {
namespace {

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

std::atomic<unsigned> g_run_counter{0};

const char *client_role_name(unsigned i, unsigned clients) {
    static const char *names[] = {"client 0",  "client 1",  "client 2",  "client 3", "client 4",  "client 5",
                                  "client 6",  "client 7",  "client 8",  "client 9", "client 10", "client 11",
                                  "client 12", "client 13", "client 14", "client 15"};
    return clients == 1 || i >= std::size(names) ? "client" : names[i];
}

}  // namespace

void evaluate(RunResult &r, std::vector<Child> &kids) {
    collect_records(r, kids);
    if (!r.config.ipc_idle) finalize_result(r);
}

void collect_records(RunResult &r, std::vector<Child> &kids) {
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
}

void start_roles(const RunConfig &config, RunProcesses &p, const SliceTiming *slices) {
    const bool neighbours = !config.neighbours.none();
    const unsigned n = 1 + config.clients + (neighbours ? 1 : 0);
    std::vector<Pipe> out(n);
    for (Pipe &o : out) o = Pipe::make();
    p.go = Pipe::make();
    p.kids = std::vector<Child>(n);
    std::vector<Pipe> slice(slices ? config.clients : 0);
    for (Pipe &sp : slice) sp = Pipe::make();
    RoleParams base{.run = config,
                    .endpoint = "run-" + std::to_string(::getpid()) + "-" + std::to_string(g_run_counter++)};
    base.go_fd = p.go.read.get();
    if (slices) base.slice_ns = slices->slice_ns, base.slice_lead_ns = slices->lead_ns;
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
            for (unsigned j = 0; j < slice.size(); ++j) {
                close_in_child.push_back(slice[j].write.get());
                if (j + 1 != k) close_in_child.push_back(slice[j].read.get());
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
                if (!slice.empty()) rp.slice_fd = slice[k - 1].read.get();
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
    for (Pipe &sp : slice) p.slice.push_back(std::move(sp.write));
}

bool wait_until_ready(RunProcesses &p, std::vector<std::string> &events) {
    const bool ok = pump(p.kids, events, deadline_in(kSetupTimeoutS), [&] { return p.all_ready() || p.any_failed(); });
    if (!ok && !g_interrupt_signal.load())
        events.push_back("timeout: setup did not finish within " + std::to_string(int(kSetupTimeoutS)) + " s");
    return ok && !p.any_failed();
}

void supervise(RunProcesses &p, const RunConfig &config, std::vector<std::string> &events, double limit_s) {
    const double limit = limit_s > 0 ? limit_s : run_deadline_s(config);
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

}  // namespace ipcb
