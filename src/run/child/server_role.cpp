// The server role: accept its clients (one, or --clients N for fan-in), handshake, pass the
// session page, open the mode's server, then answer every request (verified, restamped in place
// as the response) until every client finishes, timing its own rusage to the clients' timed phase.
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/payload.hpp"
#include "core/sys.hpp"
#include "loop/event_loop.hpp"
#include "loop/neighbour_server.hpp"
#include "rings/shared_region.hpp"
#include "run/child/fault.hpp"
#include "run/child/handshake.hpp"
#include "run/child/roles.hpp"
#include "run/child/session.hpp"
#include "run/child/usage.hpp"
#include "run/child/watchdog.hpp"
#include "run/results/role_json.hpp"

namespace ipcb {
namespace {

// One request answered in place (zero-copy): checked where it lies (every byte of the sampled ones:
// the response is built fresh, so the client's full check no longer covers the request), then
// the response written whole into a slot of the response ring.
void answer_in_place(ZeroCopy &zc, std::span<const std::byte> req, std::uint64_t seq, std::uint64_t answered,
                     const FaultPlan *fault) {
    const std::size_t n = req.size();
    std::string err = payload::check_stamps(req, seq, payload::Dir::request);
    if (err.empty() && payload::full_check_due(seq)) err = payload::check_full(req, seq, payload::Dir::request);
    if (!err.empty()) throw Error("verification failed: " + err);
    zc.release();
    const std::span<std::byte> resp = zc.loan(n);
    payload::fill_pattern(resp);
    payload::stamp(resp, seq, payload::Dir::response);
    bool committed = false;
    send_with_faults(
        [&](std::span<const std::byte> m) {
            if (committed) std::memcpy(zc.loan(m.size()).data(), m.data(), m.size());
            zc.commit(m.size());
            committed = true;
        },
        resp, answered, fault);
}

// The server's event loop when it has other work (--neighbours): the loop and its neighbours.
struct OtherWork {
    std::optional<EventLoop> loop;
    std::optional<NeighbourServer> neighbours;
    LoopCounts at_start;
    std::uint64_t answered_at_start = 0;

    void start_timing() {
        if (!loop) return;
        at_start = loop->snapshot();
        answered_at_start = neighbours->answered();
    }
    void end_timing(RoleReport &r) {
        if (!loop) return;
        const LoopCounts d = loop->snapshot() - at_start;
        r.loop_iterations = d.iterations;
        r.loop_enters = d.enters;
        r.loop_cqes = d.cqes;
        r.neighbour_requests = neighbours->answered() - answered_at_start;
        r.loop_integration = loop_integration_name(loop->integration());
    }
};

// Answers requests until every client's end-of-session record; fills the timed phase's figures.
// Each client numbers its requests from 0; a fault's operation counts every request answered.
void answer_requests(FanInServer &server, SessionPage &session, const RunConfig &run, const RoleParams &p,
                     RoleReport &r, std::atomic<std::uint64_t> &progress, OtherWork &other) {
    std::vector<std::byte> buf(run.size.max);
    const FaultPlan *fault = fault_for(run, "server");
    send_ready(p, r);
    wait_for_go(p);

    std::optional<UsageSnapshot> start;
    std::vector<std::uint64_t> next_seq(run.clients, 0);
    std::uint64_t answered = 0, timed_from = 0, slow_before = 0;
    SyscallCounting counting;
    // Counting (session.hpp): from the first request after a client began its counting phase to
    // the first after every client ended it; then the counters close, before any timed request.
    auto follow_counting = [&] {
        // The alone pass counts nothing: closing the counters would stall its neighbours' loop.
        if (run.ipc_idle || session.server_counting_closed.load(std::memory_order_relaxed)) return;
        if (!counting.started() && session.counting_clients.load(std::memory_order_relaxed) > 0)
            counting.start(r, answered);
        if (counting.started() && session.counted_clients.load(std::memory_order_relaxed) == run.clients) {
            counting.stop(r, answered);
            session.server_counting_closed.store(1, std::memory_order_release);
        }
    };
    // The timed phase starts at the first request seen after a client began its own.
    auto start_timing_once = [&] {
        if (start || session.timed_clients.load(std::memory_order_relaxed) == 0) return;
        start = UsageSnapshot::take();
        slow_before = server.slow_waits();
        timed_from = answered;
        other.start_timing();
        if (p.timed_window) p.timed_window->start_ns.store(start->wall_ns, std::memory_order_release);
    };
    // The neighbours-alone pass: the IPC client stays silent, so the server's figures cover the
    // whole session from the start (what the loop costs serving only its neighbours).
    if (run.ipc_idle) {
        start = UsageSnapshot::take();
        slow_before = server.slow_waits();
        other.start_timing();
    }
    ZeroCopy *zc = server.zero_copy();
    for (unsigned finished = 0; finished < run.clients;) {
        if (zc) {  // one client: zero-copy modes have no fan-in server
            const std::span<const std::byte> req = zc->peek();
            follow_counting();
            start_timing_once();
            if (req.empty()) {
                ++finished;
                continue;
            }
            answer_in_place(*zc, req, next_seq[0]++, answered, fault);
            progress.store(++answered, std::memory_order_relaxed);
            continue;
        }
        const FanInServer::Arrival arrival = server.recv_any(buf);
        const unsigned client = arrival.client;  // not a structured binding: clang 14 cannot capture one
        const std::size_t n = arrival.length;
        follow_counting();
        start_timing_once();
        if (n == 0) {
            ++finished;
            continue;
        }
        auto msg = std::span(buf).first(n);
        const std::uint64_t seq = next_seq.at(client)++;
        if (auto err = payload::check_stamps(msg, seq, payload::Dir::request); !err.empty())
            throw Error("verification failed" + (run.clients > 1 ? " (client " + std::to_string(client) + ")" : "") +
                        ": " + err);
        payload::stamp(msg, seq, payload::Dir::response);
        send_with_faults([&](std::span<const std::byte> m) { server.send(client, m); }, msg, answered, fault);
        progress.store(++answered, std::memory_order_relaxed);
    }
    const UsageSnapshot end = UsageSnapshot::take();
    if (p.timed_window) p.timed_window->end_ns.store(end.wall_ns, std::memory_order_release);
    if (!start) throw Error("every client ended the session before its timed phase");
    other.end_timing(r);
    r.slow_waits = server.slow_waits() - slow_before;
    if (session.done_clients.load(std::memory_order_relaxed) != run.clients)
        throw Error("a client ended the session before finishing its timed phase");
    fill_usage(r, *start, end);
    r.operations = answered - timed_from;
    r.warmup_operations = timed_from;
    r.verified_messages = answered - timed_from;
}

// Accepts and handshakes `count` clients; every one must ask for the same run.
std::vector<Channel> accept_clients(Listener &listener, const RoleParams &p, int accept_timeout_ms, RunConfig &run) {
    std::vector<Channel> channels;
    for (unsigned i = 0; i < p.run.clients; ++i) {
        channels.push_back(listener.accept(accept_timeout_ms));
        channels.back().require_peer_uid(p.allow_uid);
        RunConfig asked = server_handshake(channels.back(), p.run);
        if (i == 0) run = asked;
        else if (asked.size.text != run.size.text || asked.outstanding() != run.outstanding())
            throw Error("fan-in clients asked for different runs");
    }
    run.clients = p.run.clients;
    return channels;
}

// How the server's loop is set up for other work: the mode's row says how its wait joins it.
LoopIntegration integration_of(const Mode &mode, const RunConfig &run) {
    switch (mode.loop_join) {
    case LoopJoin::completion: return LoopIntegration::completion;
    case LoopJoin::spin: return LoopIntegration::spin;
    case LoopJoin::integration: return run.integration;
    default: throw Error(std::string(mode.name) + " cannot serve a loop with other work: " + mode.loop_note);
    }
}

// After the IPC session: the neighbours are still sending until their window's margin is over;
// the loop answers them until they close (or a deadline), so their last answers are not lost.
void serve_neighbours_to_the_end(OtherWork &other, const RunConfig &run) {
    if (!other.loop) return;
    const std::uint64_t deadline = now_ns() + std::uint64_t((5 + run.duration_s * 0.2) * 1e9);
    while (!other.neighbours->all_closed() && now_ns() < deadline) other.loop->run_once(10'000'000);
}

std::unique_ptr<FanInServer> open_server(const Mode &mode, std::vector<Channel> &channels, const ModeConfig &config) {
    if (channels.size() == 1) return std::make_unique<SingleClientServer>(mode.open(Role::server, channels[0], config));
    if (!mode.open_fan_in) throw Error(std::string(mode.name) + " has no fan-in server: " + mode.fan_in_design);
    std::vector<Channel *> pointers;
    for (Channel &c : channels) pointers.push_back(&c);
    return mode.open_fan_in(pointers, config);
}

}  // namespace

RoleReport serve_session(Listener &listener, const RoleParams &p, int accept_timeout_ms) {
    RoleReport r;
    r.role = "server";
    r.pid = int(::getpid());
    r.affinity = pin_to_cpu(p.cpu);

    RunConfig run;
    std::vector<Channel> channels = accept_clients(listener, p, accept_timeout_ms, run);
    const Mode &mode = mode_of(run);
    Fd session_fd = create_session_memfd();
    MappedSession session(session_fd.get());
    for (Channel &ch : channels) ch.send_fd(session_fd.get());
    session_fd.reset();
    {
        OtherWork other;
        ModeConfig config = mode_config_of(run, Role::server);
        if (!run.neighbours.none()) {
            // Every ring the mode makes from here has room for the neighbours' RECVs and SENDs.
            Uring::reserve_entries(2 * run.neighbours.connections + 16);
            other.loop.emplace(integration_of(mode, run));
            config.loop = &*other.loop;
        }
        SharedRegion::bind_created_regions_to(run.memory_node);
        auto server = open_server(mode, channels, config);
        r.mode_setup = server->describe();
        r.memory_pages_by_node = SharedRegion::pages_by_node();
        if (other.loop) {
            if (mode.loop_join == LoopJoin::completion) {
                Uring *ring = server->loop_ring();
                if (!ring) throw Error(std::string(mode.name) + ": its server has no ring for the loop to join");
                other.loop->attach(*ring);
            }
            other.neighbours.emplace(*other.loop, run.neighbours);
            other.neighbours->accept_all(p.neighbours_listen_fd, p.neighbours_token, kHandshakeTimeoutMs);
            r.mode_setup += "; event loop with " + std::to_string(run.neighbours.connections) +
                            " TCP neighbours in the same ring (" + loop_integration_name(other.loop->integration()) +
                            ")";
        }
        if (p.announce_setup) std::fprintf(stderr, "server: session set up: %s\n", r.mode_setup.c_str());
        std::atomic<std::uint64_t> progress{0};
        run_watched(channels[0].fd(), p.session_timeout_s, progress, "client",
                    [&] { answer_requests(*server, *session, run, p, r, progress, other); });
        // for a two-terminal client, which has no result pipe
        for (Channel &ch : channels) ch.send_text(nlohmann::json(r).dump());
        serve_neighbours_to_the_end(other, run);
    }
    return r;
}

}  // namespace ipcb
