// The server role: accept one client, handshake, pass the session page, open the mode's endpoint,
// then answer every request (verified, restamped in place as the response) until the client
// finishes, timing its own rusage to the client's timed phase.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/payload.hpp"
#include "core/sys.hpp"
#include "run/handshake.hpp"
#include "run/role_json.hpp"
#include "run/roles.hpp"
#include "run/session.hpp"
#include "run/usage.hpp"
#include "run/watchdog.hpp"

namespace ipcb {
namespace {

// Answers requests until the client's end-of-session record; fills the timed phase's figures.
void answer_requests(Endpoint &ep, SessionPage &session, const RunConfig &run, const RoleParams &p, RoleReport &r,
                     const SyscallCounter *counter, std::atomic<std::uint64_t> &progress) {
    std::vector<std::byte> buf(run.size.max);
    const FaultPlan *fault = fault_for(run, "server");
    send_ready(p, r);
    wait_for_go(p);

    std::optional<UsageSnapshot> start;
    std::uint64_t seq = 0, timed_from = 0, verified = 0, slow_before = 0;
    for (;; ++seq) {
        const std::size_t n = ep.recv(buf);
        if (!start && session.phase.load(std::memory_order_relaxed) != SessionPage::warmup) {
            start = UsageSnapshot::take(counter);
            slow_before = ep.slow_waits();
            timed_from = seq;
        }
        if (n == 0) break;
        progress.store(seq + 1, std::memory_order_relaxed);
        auto msg = std::span(buf).first(n);
        if (auto err = payload::check_stamps(msg, seq, payload::Dir::request); !err.empty())
            throw Error("verification failed: " + err);
        ++verified;
        payload::stamp(msg, seq, payload::Dir::response);
        send_with_faults(ep, msg, seq, fault);
    }
    const UsageSnapshot end = UsageSnapshot::take(counter);
    r.slow_waits = ep.slow_waits() - slow_before;
    if (session.phase.load(std::memory_order_relaxed) != SessionPage::done)
        throw Error("client ended the session before finishing its timed phase");
    fill_usage(r, *start, end);
    r.operations = seq - timed_from;
    r.warmup_operations = timed_from;
    r.verified_messages = verified - timed_from;
}

}  // namespace

RoleReport serve_one(Listener &listener, const RoleParams &p, int accept_timeout_ms) {
    RoleReport r;
    r.role = "server";
    r.pid = int(::getpid());
    r.affinity = pin_to_cpu(p.cpu);

    const std::optional<SyscallCounter> syscalls = open_syscall_counter(r);
    Channel ch = listener.accept(accept_timeout_ms);
    ch.require_peer_uid(p.allow_uid);
    const RunConfig run = server_handshake(ch, p.run);
    const Mode &mode = mode_of(run);
    Fd session_fd = create_session_memfd();
    MappedSession session(session_fd.get());
    ch.send_fd(session_fd.get());
    session_fd.reset();
    {
        auto ep = mode.open(Role::server, ch, mode_config_of(run));
        r.mode_setup = ep->describe();
        std::atomic<std::uint64_t> progress{0};
        run_watched(ch.fd(), p.session_timeout_s, progress, "client",
                    [&] { answer_requests(*ep, *session, run, p, r, syscalls ? &*syscalls : nullptr, progress); });
        ch.send_text(nlohmann::json(r).dump());  // for a two-terminal client, which has no result pipe
    }
    return r;
}

}  // namespace ipcb
