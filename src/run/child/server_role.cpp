// The server role: accept its clients (one, or --clients N for fan-in), handshake, pass the
// session page, open the mode's server, then answer every request (verified, restamped in place
// as the response) until every client finishes, timing its own rusage to the clients' timed phase.
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/payload.hpp"
#include "core/sys.hpp"
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

// Answers requests until every client's end-of-session record; fills the timed phase's figures.
// Each client numbers its requests from 0; a fault's operation counts every request answered.
void answer_requests(FanInServer &server, SessionPage &session, const RunConfig &run, const RoleParams &p,
                     RoleReport &r, std::atomic<std::uint64_t> &progress) {
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
        if (session.server_counting_closed.load(std::memory_order_relaxed)) return;
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
    };
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
    if (!start) throw Error("every client ended the session before its timed phase");
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
        auto server = open_server(mode, channels, mode_config_of(run));
        r.mode_setup = server->describe();
        if (p.announce_setup) std::fprintf(stderr, "server: session set up: %s\n", r.mode_setup.c_str());
        std::atomic<std::uint64_t> progress{0};
        run_watched(channels[0].fd(), p.session_timeout_s, progress, "client",
                    [&] { answer_requests(*server, *session, run, p, r, progress); });
        // for a two-terminal client, which has no result pipe
        for (Channel &ch : channels) ch.send_text(nlohmann::json(r).dump());
    }
    return r;
}

}  // namespace ipcb
