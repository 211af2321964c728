#include "run/orchestrator.hpp"

#include <string.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "core/sys.hpp"
#include "core/syscall_counter.hpp"
#include "modes/mode.hpp"
#include "run/children.hpp"
#include "run/noise.hpp"
#include "run/role_json.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

constexpr double kSetupTimeoutS = 15;
constexpr double kGraceAfterFailureS = 1.0;  // the surviving role may still explain the failure

std::uint64_t deadline_in(double seconds) { return now_ns() + std::uint64_t(seconds * 1e9); }

void evaluate(RunResult &r, Child (&kids)[2]) {
    std::optional<RoleReport> reports[2];
    std::vector<std::uint32_t> samples;
    bool have_samples = false;
    for (int i = 0; i < 2; ++i) {
        try {
            if (!kids[i].corrupt.empty()) throw Error(kids[i].corrupt);
            kids[i].records.finish();
        } catch (const Error &e) {
            throw Error(std::string(kids[i].role) + ": " + e.what());
        }
        for (auto &f : kids[i].records.frames()) {
            if (f.type == FrameType::result) {
                auto j = nlohmann::json::parse(f.text(), nullptr, false);
                if (j.is_discarded()) throw Error(std::string(kids[i].role) + ": malformed result record");
                reports[i] = j.get<RoleReport>();
            } else if (f.type == FrameType::samples) {
                if (f.payload.size() % 4) throw Error("client: samples record has a partial sample");
                samples.resize(f.payload.size() / 4);
                std::memcpy(samples.data(), f.payload.data(), f.payload.size());
                have_samples = true;
            }
        }
        if (!reports[i]) throw Error(std::string(kids[i].role) + " exited without sending its result record");
    }
    if (!have_samples) throw Error("client sent no latency samples");
    r.server = reports[0];
    r.client = reports[1];
    r.samples_ns = std::move(samples);
    finalize_result(r);
}

std::atomic<unsigned> g_run_counter{0};

// The run's two role processes, started (kids[0] server, kids[1] client) and blocked on `go`.
struct RunProcesses {
    Child kids[2];
    Pipe go;
    bool any_failed() const { return kids[0].failed() || kids[1].failed(); }
};

void start_roles(const RunConfig &config, RunProcesses &p) {
    Pipe server_out = Pipe::make(), client_out = Pipe::make();
    p.go = Pipe::make();
    RoleParams base{.run = config,
                    .endpoint = "run-" + std::to_string(::getpid()) + "-" + std::to_string(g_run_counter++)};
    RoleParams sp = base, cp = base;
    sp.cpu = config.server_cpu, sp.go_fd = p.go.read.get(), sp.result_fd = server_out.write.get();
    cp.cpu = config.client_cpu, cp.go_fd = p.go.read.get(), cp.result_fd = client_out.write.get();

    spawn("server", {server_out.read.get(), client_out.read.get(), client_out.write.get(), p.go.write.get()},
          server_child_main, sp, p.kids[0]);
    try {
        spawn("client", {server_out.read.get(), server_out.write.get(), client_out.read.get(), p.go.write.get()},
              client_child_main, cp, p.kids[1]);
    } catch (...) {
        kill_group(p.kids[0]);
        reap(p.kids[0]);
        throw;
    }
    p.go.read.reset();
    p.kids[0].out = std::move(server_out.read);
    p.kids[1].out = std::move(client_out.read);
}

// Setup: both must report READY (or one fails) before anything is timed. Returns whether both did.
bool wait_until_ready(RunProcesses &p, std::vector<std::string> &events) {
    const bool ok = pump(p.kids, events, deadline_in(kSetupTimeoutS),
                         [&] { return (p.kids[0].ready() && p.kids[1].ready()) || p.any_failed(); });
    if (!ok && !g_interrupt_signal.load())
        events.push_back("timeout: setup did not finish within " + std::to_string(int(kSetupTimeoutS)) + " s");
    return ok && !p.any_failed();
}

// The run's floor on its own two CPUs, measured while its roles are idle (blocked before the
// start, or gone); unset, with the reason in r.floor_skipped, where it cannot be measured.
std::optional<FloorReading> floor_now(RunResult &r) {
    const RunConfig &c = r.config;
    if (c.server_cpu < 0 || c.client_cpu < 0) r.floor_skipped = "the roles are not pinned";
    else if (c.server_cpu == c.client_cpu) r.floor_skipped = "client and server share a CPU";
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

RunResult run_measured(const RunConfig &config) {
    LoadSample before = sample_load();
    RunResult r = run_orchestrated(config);
    r.load_before = std::move(before);
    r.load_after = sample_load();
    r.noise = assess_noise(r);
    return r;
}

double run_deadline_s(const RunConfig &c) {
    if (c.timeout_s > 0) return c.timeout_s;
    if (c.iterations) return 120 + c.warmup_s;
    return c.warmup_s + 2 * c.duration_s + 10;
}

RunResult run_orchestrated(const RunConfig &config) {
    RunResult r;
    r.config = config;
    r.started_unix_s = unix_now_s();
    const Mode *mode = find_mode(config.mode);
    if (!mode) {
        r.error = "unknown mode '" + config.mode + "'";
        return r;
    }
    std::string why = mode->unsupported_reason();
    if (why.empty() && mode->uring_knobs && config.uring_knobs) why = uring_knobs_unsupported(*config.uring_knobs);
    if (!why.empty()) {
        r.status = "unsupported";
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
    if (started) r.floor_before = floor_now(r);
    else r.floor_skipped = "the run did not start";
    p.go.write.reset();  // EOF on the start pipe releases both roles at once
    if (started) supervise(p, config, events);
    if (int sig = g_interrupt_signal.load()) events.push_back(std::string("interrupted by SIG") + sigabbrev_np(sig));
    for (Child &c : p.kids) kill_group(c);
    for (Child &c : p.kids) reap(c);
    for (Child &c : p.kids) note_problems(c, events);
    if (started) r.floor_after = floor_now(r);

    try {
        if (!events.empty() || p.any_failed() || !started) {
            std::string cause;
            for (auto &e : events) cause += (cause.empty() ? "" : "; ") + e;
            throw Error(cause);
        }
        evaluate(r, p.kids);
        r.status = "ok";
    } catch (const Error &e) {
        r.status = "failed";
        r.error = e.what();
        if (r.error.empty()) r.error = "run failed without a reported cause";
    }
    return r;
}

}  // namespace ipcb
