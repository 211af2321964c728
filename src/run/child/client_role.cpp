// The client role: connect, handshake, open the mode's endpoint, then warmup and the timed phase
// of round trips (ClientLoop), and collect the server's report at the end.
#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/sys.hpp"
#include "run/child/client_loop.hpp"
#include "run/child/client_slices.hpp"
#include "run/child/handshake.hpp"
#include "run/child/roles.hpp"
#include "run/child/session.hpp"
#include "run/child/usage.hpp"
#include "run/child/verification_cost.hpp"
#include "run/child/watchdog.hpp"
#include "run/results/role_json.hpp"
#include "run/wire/result_pipe.hpp"

namespace ipcb {
namespace {

// r's timed-phase figures; its usage (CPU, switches, wall time) is filled already.
void fill_timed_phase(RoleReport &r, const ClientLoop::Phase &timed, bool overlapping) {
    r.operations = timed.ops;
    r.verified_messages = timed.verified;
    r.full_checks = timed.full_checks;
    r.payload_bytes = timed.bytes;
    r.size_min = timed.ops ? timed.size_min : 0;
    r.size_max = timed.size_max;
    r.size_mean = timed.ops ? double(timed.size_sum) / double(timed.ops) : 0;
    r.outside_sample_ns = timed.ops ? (r.wall_s * 1e9 - double(timed.sampled_ns)) / double(timed.ops) : 0;
    if (overlapping) r.outside_sample_ns = 0;  // samples overlap: the gap is not defined
    r.max_inflight_waits = timed.max_inflight_waits;
    r.pacing_s = double(timed.pacing_cpu_ns) * 1e-9;
}

// Waits (sleeping in 50 us steps) until the server says its syscall counters are closed: in fan-in
// the last client's counting phase may still be running on the server's counters.
void wait_for_server_counting_closed(SessionPage &session) {
    const std::uint64_t give_up = now_ns() + 10'000'000'000ull;
    while (session.server_counting_closed.load(std::memory_order_acquire) == 0) {
        if (now_ns() > give_up) throw Error("the server did not end its counting phase within 10 s");
        sleep_until_ns(now_ns() + 50'000);
    }
}

// The counting phase when the run has no warmup to count in: short beside the timed phase.
ClientLoop::Phase counting_phase_without_warmup(const RunConfig &run) {
    if (run.iterations) return {.count = std::clamp<std::uint64_t>(run.iterations / 100, 10, 100000)};
    return {.deadline_ns = now_ns() + 20'000'000};
}

// Warmup, split in two: its first half warms; in its second half both sides count system calls
// (core/syscall_counter.hpp says why not in the timed phase). Without a warmup the counting phase
// is 20 ms, or 1% of --iterations (at least 10 round trips). One round trip after it lets the
// server see the counting end and close its counters.
void warm_and_count(const RunConfig &run, ClientLoop &loop, SessionPage &session, RoleReport &r) {
    const double warm_s = run.warmup_s / 2;
    ClientLoop::Phase warm{.deadline_ns = now_ns() + std::uint64_t(warm_s * 1e9)};
    if (warm_s > 0) loop.run(warm);

    session.counting_clients.fetch_add(1, std::memory_order_relaxed);
    SyscallCounting counting;
    counting.start(r, 0);
    ClientLoop::Phase count = run.warmup_s > 0
                                  ? ClientLoop::Phase{.deadline_ns = now_ns() + std::uint64_t(warm_s * 1e9)}
                                  : counting_phase_without_warmup(run);
    loop.run(count);
    counting.stop(r, count.ops);
    session.counted_clients.fetch_add(1, std::memory_order_relaxed);

    ClientLoop::Phase boundary{.count = 1};
    loop.run(boundary);
    wait_for_server_counting_closed(session);
    r.warmup_operations = warm.ops + count.ops + boundary.ops;
}

// The neighbours-alone pass (RunConfig::ipc_idle): connected, silent for the warmup and the timed
// phase, so the server's loop serves only its neighbours; the session's phases are marked so the
// server's bookkeeping ends with the end-of-session record as it does after a timed phase.
void stay_idle(const RoleParams &p, Endpoint &ep, MappedSession &session, RoleReport &r) {
    const RunConfig &run = p.run;
    send_ready(p, r);
    wait_for_go(p);
    session->counting_clients.fetch_add(1, std::memory_order_relaxed);
    session->counted_clients.fetch_add(1, std::memory_order_relaxed);
    session->timed_clients.fetch_add(1, std::memory_order_relaxed);
    const UsageSnapshot before = UsageSnapshot::take();
    sleep_until_ns(before.wall_ns + std::uint64_t((run.warmup_s + run.duration_s) * 1e9));
    const UsageSnapshot after = UsageSnapshot::take();
    session->done_clients.fetch_add(1, std::memory_order_relaxed);
    ep.finish();
    fill_usage(r, before, after);
}

// Setup that touches timing, warmup and counting, then the timed phase; fills r and out.samples_ns.
void run_phases(const RoleParams &p, Endpoint &ep, ClientLoop &loop, MappedSession &session, RoleReport &r,
                ClientOutcome &out, int server_pid) {
    const RunConfig &run = p.run;
    // Room for 3 M round trips per second, above any mode's rate (Recording keeps kExactCap at most).
    const std::size_t expected = p.slice_fd >= 0  ? 0
                                 : run.iterations ? run.iterations
                                                  : std::size_t(run.duration_s * 3e6) + 4096;
    out.recording = std::make_unique<Recording>(run.open_loop(), server_pid, run.interval_ns(), expected);
    r.clock_cost_ns = measure_clock_cost_ns();
    calibrate_verification(run, r);
    send_ready(p, r);
    wait_for_go(p);

    warm_and_count(run, loop, *session, r);

    session->timed_clients.fetch_add(1, std::memory_order_relaxed);
    if (p.slice_fd >= 0) {
        out.recording->exact_complete = false;  // the slices keep histograms only
        const std::uint64_t slow_before = ep.slow_waits();
        SlicedPhase sliced = run_slices(p, loop, server_pid, *out.recording);
        r.slow_waits = ep.slow_waits() - slow_before;
        r.exact_samples_complete = false;
        session->done_clients.fetch_add(1, std::memory_order_relaxed);
        ep.finish();
        const RoleReport &u = sliced.usage;
        r.user_s = u.user_s, r.sys_s = u.sys_s, r.wall_s = u.wall_s, r.peak_rss_kib = u.peak_rss_kib;
        r.voluntary_switches = u.voluntary_switches, r.involuntary_switches = u.involuntary_switches;
        fill_timed_phase(r, sliced.totals, run.outstanding() > 1);
        return;
    }
    ClientLoop::Phase timed{.rec = out.recording.get()};
    const UsageSnapshot before = UsageSnapshot::take();
    out.recording->start(before.wall_ns);
    const std::uint64_t slow_before = ep.slow_waits();
    if (run.iterations) timed.count = run.iterations;
    else timed.deadline_ns = before.wall_ns + std::uint64_t(run.duration_s * 1e9);
    loop.run(timed);
    const UsageSnapshot after = UsageSnapshot::take();
    out.recording->finish(after.wall_ns);
    r.timeline = out.recording->timeline;
    r.exact_samples_complete = out.recording->exact_complete;
    r.slow_waits = ep.slow_waits() - slow_before;
    session->done_clients.fetch_add(1, std::memory_order_relaxed);
    ep.finish();
    fill_usage(r, before, after);
    fill_timed_phase(r, timed, run.outstanding() > 1);
}

}  // namespace

ClientOutcome run_client_session(const RoleParams &p) {
    ClientOutcome out;
    RoleReport &r = out.client;
    r.role = "client";
    r.client_index = p.client_index;
    r.pid = int(::getpid());
    r.affinity = pin_to_cpu(p.cpu);
    const RunConfig &run = p.run;
    const Mode &mode = mode_of(run);

    const int connect_ms = p.session_timeout_s > 0 ? int(p.session_timeout_s * 1000) : kHandshakeTimeoutMs;
    Channel ch = connect_to(p.endpoint, connect_ms);
    ch.require_peer_uid(p.allow_uid);
    client_handshake(ch, run);
    MappedSession session(ch.recv_fd(kHandshakeTimeoutMs).get());
    auto ep = mode.open(Role::client, ch, mode_config_of(run, Role::client));
    r.mode_setup = ep->describe();

    ClientLoop loop(*ep, run);
    if (run.ipc_idle) {
        out.recording = std::make_unique<Recording>(false, ch.peer().pid, run.interval_ns(), 0);
        stay_idle(p, *ep, session, r);
    } else {
        run_watched(ch.fd(), p.session_timeout_s, loop.progress(), "server",
                    [&] { run_phases(p, *ep, loop, session, r, out, ch.peer().pid); });
    }
    auto server = nlohmann::json::parse(ch.recv_text(kHandshakeTimeoutMs), nullptr, false);
    if (server.is_discarded()) throw Error("server sent a malformed final report");
    out.server = server.get<RoleReport>();
    return out;
}

}  // namespace ipcb
