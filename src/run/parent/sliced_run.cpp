#include "run/parent/sliced_run.hpp"

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/environment.hpp"
#include "core/stats.hpp"
#include "floor/handoff_floor.hpp"
#include "run/parent/interrupt.hpp"
#include "run/parent/orchestrator.hpp"
#include "run/results/finalize.hpp"
#include "run/results/noise.hpp"
#include "topology/cpu_topology.hpp"

namespace ipcb {
namespace {

constexpr double kSliceGraceS = 5;  // a slice's records may come this long after its end

// A role's main thread's involuntary context switches so far (/proc/PID/status); -1 unreadable.
long involuntary_switches_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) return std::stol(line.substr(27));
    return -1;
}

// Waits (up to 50 ms, in 50 us steps) until /proc says `pid` is stopped: SIGSTOP lands when the
// target next runs kernel code, within microseconds for a spinning process on another CPU.
void wait_stopped(pid_t pid) {
    const std::uint64_t give_up = now_ns() + 50'000'000;
    for (;;) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), {});
        const std::size_t close = stat.rfind(')');
        if (close == std::string::npos || close + 2 >= stat.size()) return;  // gone
        const char state = stat[close + 2];
        if (state == 'T' || state == 't' || state == 'Z' || state == 'X' || now_ns() > give_up) return;
        sleep_until_ns(now_ns() + 50'000);
    }
}

std::uint64_t process_cpu_ns(pid_t pid) {
    clockid_t clock{};
    timespec t{};
    if (::clock_getcpuclockid(pid, &clock) != 0 || ::clock_gettime(clock, &t) != 0) return 0;
    return std::uint64_t(t.tv_sec) * 1'000'000'000ull + std::uint64_t(t.tv_nsec);
}

// Roles that share a CPU (one-CPU placement, fan-in clients on fewer CPUs) preempt each other by
// design: their involuntary switches say nothing about the host.
bool roles_share_a_cpu(const RunConfig &c) {
    std::set<int> cpus{c.server_cpu};
    for (unsigned i = 0; i < c.clients; ++i) cpus.insert(c.cpu_of_client(i));
    return cpus.size() < 1 + c.clients;
}

}  // namespace

SlicedRun::SlicedRun(const RunConfig &config, SliceTiming timing) : config_(config), timing_(timing) {
    ::signal(SIGPIPE, SIG_IGN);  // a slice pipe whose client died: EPIPE, noted as its failure
    busy_before_ = sample_machine_busy();
    start();
}

void SlicedRun::start() {
    const RunConfig &config = config_;
    if (!find_mode(config.mode)) return (void)fail("unknown mode '" + config.mode + "'");
    if (const std::string why = run_unsupported(config); !why.empty()) return (void)fail(why);
    if (!config.neighbours.none()) return (void)fail("an interleaved run takes no neighbours");
    try {
        start_roles(config, p_, &timing_);
    } catch (const std::exception &e) {
        fail(std::string("starting the roles: ") + e.what());
        return;
    }
    for (const Fd &fd : p_.slice) keep_from_children(fd.get());
    slices_seen_.assign(config.clients, 0);
    if (!wait_until_ready(p_, events_)) return (void)fail("");
    p_.go.write.reset();
    // Warmup and syscall counting, as in any run; then each client says it waits for slices.
    const bool ok = pump(p_.kids, events_, deadline_in(kSetupTimeoutS + config.warmup_s), [&] {
        if (p_.any_failed()) return true;
        for (std::size_t k = 1; k <= config_.clients; ++k)
            if (!p_.kids[k].records.has(FrameType::warmed)) return false;
        return true;
    });
    if (!ok || p_.any_failed()) return (void)fail(ok ? "" : "timeout: the warmup did not end");
    set_stopped(true);
}

void SlicedRun::close_slice_pipes() {
    for (const Fd &fd : p_.slice) release_to_close(fd.get());
    p_.slice.clear();
}

SlicedRun::~SlicedRun() {
    close_slice_pipes();
    for (Child &c : p_.kids) kill_group(c);
    for (Child &c : p_.kids) reap(c);
}

void SlicedRun::fail(const std::string &cause) {
    if (!cause.empty()) events_.push_back(cause);
    for (Child &c : p_.kids) note_problems(c, events_);
    error_.clear();  // every cause so far, in the order seen
    for (const std::string &e : events_) error_ += (error_.empty() ? "" : "; ") + e;
    if (error_.empty()) error_ = "the run failed without a reported cause";
}

void SlicedRun::set_stopped(bool stopped) {
    for (Child &c : p_.kids)
        if (!c.exited) ::kill(-c.pid, stopped ? SIGSTOP : SIGCONT);
    if (!stopped) return;
    for (Child &c : p_.kids)
        if (!c.exited) wait_stopped(c.pid);
    cpu_at_stop_ns_ = 0;
    for (Child &c : p_.kids) cpu_at_stop_ns_ += process_cpu_ns(c.pid);
}

std::uint64_t SlicedRun::idle_cpu_ns() const {
    std::uint64_t now = 0;
    for (const Child &c : p_.kids) now += process_cpu_ns(c.pid);
    return now > cpu_at_stop_ns_ ? now - cpu_at_stop_ns_ : 0;
}

bool SlicedRun::slice_arrived(std::size_t client) const {
    std::size_t n = 0;
    for (const Frame &f : p_.kids[client + 1].records.frames()) n += f.type == FrameType::slice_histogram;
    return n > slices_seen_[client];
}

SliceSample SlicedRun::run_slice() {
    if (failed()) throw Error(error_);
    const MachineBusy before = sample_machine_busy();
    std::vector<long> switches_before;
    for (Child &c : p_.kids) switches_before.push_back(involuntary_switches_of(c.pid));
    set_stopped(false);
    for (Fd &fd : p_.slice) {
        const char go = 's';
        if (::write(fd.get(), &go, 1) == 1) continue;
        // A client gone (EPIPE): what ended it is the cause, once the children's exits are seen.
        const std::string pipe_error = std::string("slice pipe: ") + std::strerror(errno);
        pump(p_.kids, events_, deadline_in(kGraceAfterFailureS), [] { return false; });
        fail(p_.any_failed() ? "" : pipe_error);
        throw Error(error_);
    }
    const double limit = double(timing_.slice_ns + timing_.lead_ns) * 1e-9 + kSliceGraceS;
    const bool ok = pump(p_.kids, events_, deadline_in(limit), [&] {
        if (p_.any_failed()) return true;
        for (std::size_t k = 0; k < config_.clients; ++k)
            if (!slice_arrived(k)) return false;
        return true;
    });
    if (!ok && !g_interrupt_signal.load() && events_.empty())
        events_.push_back("timeout: a slice did not end within " + std::to_string(int(limit)) + " s (hung; killed)");
    if (!ok || p_.any_failed()) {
        fail("");
        throw Error(error_);
    }
    set_stopped(true);
    const MachineBusy after = sample_machine_busy();

    SliceSample s;
    LatencyHistogram latency;
    std::uint64_t cpu_ns = 0, pacing_ns = 0;
    double server_cpu_ns = 0, wall_ns = 0;
    for (std::size_t k = 0; k < config_.clients; ++k) {
        const std::vector<Frame> &frames = p_.kids[k + 1].records.frames();
        std::size_t seen = 0;
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (frames[i].type != FrameType::slice_histogram || seen++ != slices_seen_[k]) continue;
            if (i == 0 || frames[i - 1].type != FrameType::slice) throw Error("a slice histogram without its figures");
            const auto j = nlohmann::json::parse(frames[i - 1].text());
            latency.merge(LatencyHistogram::deserialize(frames[i].payload));
            s.ops += j.at("ops").get<std::uint64_t>();
            cpu_ns += j.at("client_cpu_ns").get<std::uint64_t>();
            pacing_ns += j.at("pacing_cpu_ns").get<std::uint64_t>();
            wall_ns = std::max(wall_ns, j.at("wall_ns").get<double>());
            if (k == 0) server_cpu_ns = std::max(0.0, j.at("server_cpu_ns").get<double>());
        }
        ++slices_seen_[k];
    }
    ++slices_;
    s.wall_ms = wall_ns * 1e-6;
    s.p50_us = double(latency.value_at_percentile(50)) * 1e-3;
    s.p99_us = double(latency.value_at_percentile(99)) * 1e-3;
    s.cpu_us_per_op =
        s.ops ? (double(cpu_ns + std::uint64_t(server_cpu_ns)) - double(pacing_ns)) * 1e-3 / double(s.ops) : 0;
    double cpu_ms = 0;
    const double steal = steal_ms_between(before, after, config_.client_cpu, config_.server_cpu, &cpu_ms);
    s.steal_fraction = cpu_ms > 0 ? steal / cpu_ms : 0;
    for (std::size_t i = 0; i < p_.kids.size(); ++i) {
        const long now = involuntary_switches_of(p_.kids[i].pid);
        if (now >= 0 && switches_before[i] >= 0) s.involuntary_switches += now - switches_before[i];
    }
    char why[160] = "";
    if (s.ops == 0) std::snprintf(why, sizeof why, "no round trip in the slice");
    else if (s.steal_fraction > kSliceStealFraction)
        std::snprintf(why, sizeof why, "steal %.0f%% of the slice", 100 * s.steal_fraction);
    else if (!roles_share_a_cpu(config_) &&
             s.involuntary_switches > std::max(long(kSliceInvoluntaryPerS * s.wall_ms * 1e-3), long(s.ops / 100)))
        std::snprintf(why, sizeof why, "%ld involuntary context switches", s.involuntary_switches);
    s.dropped = why;
    if (!s.kept()) ++dropped_;
    kept_wall_s_ += wall_ns * 1e-9;
    kept_server_cpu_s_ += server_cpu_ns * 1e-9;
    return s;
}

RunResult SlicedRun::finish() {
    RunResult r;
    r.config = config_;
    r.busy_before = busy_before_;
    r.interleaved =
        InterleavedReport{.slice_ms = double(timing_.slice_ns) * 1e-6, .slices = slices_, .slices_dropped = dropped_};
    if (config_.server_cpu >= 0 && config_.cpu_of_client(0) >= 0)
        r.pair_class = relation_name(relation_of(machine_topology(), config_.server_cpu, config_.cpu_of_client(0)));
    r.floor_skipped = "interleaved: the floor ran in slices of its own (floor_paired_ratio)";
    if (!failed()) {
        set_stopped(false);
        close_slice_pipes();  // EOF: the clients end their timed phase
        supervise(p_, config_, events_, kSetupTimeoutS);
        if (p_.any_failed() || !events_.empty()) fail("");
    }
    for (Child &c : p_.kids) kill_group(c);
    for (Child &c : p_.kids) reap(c);
    if (failed()) {
        r.status =
            find_mode(config_.mode) && run_unsupported(config_).empty() ? RunStatus::failed : RunStatus::unsupported;
        r.error = error_;
        return r;
    }
    try {
        collect_records(r, p_.kids);
        if (slices_ == 0) throw Error("the run had no slice");
        // The server's report spans its whole session; its figures become the recorded parts':
        // their wall time, and the CPU its clock showed over them (user and system in the
        // proportion of its session).
        RoleReport &s = *r.server;
        const double session_cpu = s.user_s + s.sys_s;
        const double user_share = session_cpu > 0 ? s.user_s / session_cpu : 1;
        s.user_s = kept_server_cpu_s_ * user_share;
        s.sys_s = kept_server_cpu_s_ * (1 - user_share);
        s.wall_s = kept_wall_s_;
        s.operations = 0;
        for (const RoleReport &c : r.clients) s.operations += c.operations;
        finalize_result(r);
        r.status = RunStatus::ok;
    } catch (const Error &e) {
        r.status = RunStatus::failed;
        r.error = e.what();
    }
    r.busy_after = sample_machine_busy();
    r.noise = assess_noise(r);
    return r;
}

SliceSample floor_slice(const RunConfig &config, SliceTiming timing) {
    const MachineBusy before = sample_machine_busy();
    const std::uint64_t t0 = now_ns();
    const FloorSliceReading f =
        measure_floor_for(config.floor_bytes(), config.client_cpu, config.server_cpu, timing.slice_ns);
    const MachineBusy after = sample_machine_busy();
    SliceSample s;
    s.ops = f.round_trips;
    s.wall_ms = double(now_ns() - t0) * 1e-6;
    s.p50_us = f.p50_us;
    s.p99_us = f.p99_us;
    double cpu_ms = 0;
    const double steal = steal_ms_between(before, after, config.client_cpu, config.server_cpu, &cpu_ms);
    s.steal_fraction = cpu_ms > 0 ? steal / cpu_ms : 0;
    if (s.steal_fraction > kSliceStealFraction)
        s.dropped = "steal " + std::to_string(int(100 * s.steal_fraction)) + "% of the slice";
    return s;
}

}  // namespace ipcb
