#include "bench/roles.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "bench/role_json.hpp"
#include "core/payload.hpp"
#include "core/sys.hpp"
#include "ipc/framing.hpp"

namespace ipcb {
namespace {

using payload::Dir;
using json = nlohmann::json;

constexpr int kHandshakeTimeoutMs = 10'000;

// Shared between the two roles (server creates it, passes the memfd in the handshake). The
// client announces its phase; the server reads it after each message (a relaxed load of a line
// that changes twice per run) to time its own rusage to the client's timed phase.
struct SessionPage {
    enum Phase : std::uint32_t { warmup = 0, timed = 1, done = 2 };
    std::atomic<std::uint32_t> phase{warmup};
};

class MappedSession {
public:
    explicit MappedSession(int fd) {
        void *p = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) throw_errno("mmap(session page)");
        page_ = static_cast<SessionPage *>(p);
    }
    ~MappedSession() { ::munmap(page_, 4096); }
    MappedSession(const MappedSession &) = delete;
    MappedSession &operator=(const MappedSession &) = delete;
    SessionPage *operator->() { return page_; }

private:
    SessionPage *page_;
};

Fd create_session_memfd() {
    Fd fd(int(check_sys(::memfd_create("ipc_benchmark-session", MFD_CLOEXEC), "memfd_create")));
    check_sys(::ftruncate(fd.get(), 4096), "ftruncate(session page)");
    return fd;
}

struct Snapshot {
    std::uint64_t wall_ns;
    rusage usage;
    static Snapshot take() {
        Snapshot s;
        getrusage(RUSAGE_SELF, &s.usage);  // every thread of the process, helpers included
        s.wall_ns = now_ns();
        return s;
    }
};

double seconds(const timeval &tv) { return double(tv.tv_sec) + double(tv.tv_usec) * 1e-6; }

void fill_usage(RoleReport &r, const Snapshot &a, const Snapshot &b) {
    r.user_s = seconds(b.usage.ru_utime) - seconds(a.usage.ru_utime);
    r.sys_s = seconds(b.usage.ru_stime) - seconds(a.usage.ru_stime);
    r.voluntary_switches = b.usage.ru_nvcsw - a.usage.ru_nvcsw;
    r.involuntary_switches = b.usage.ru_nivcsw - a.usage.ru_nivcsw;
    r.wall_s = double(b.wall_ns - a.wall_ns) * 1e-9;
}

ModeConfig mode_config_of(const RunConfig &run) {
    return {.max_message = run.size.max, .inflight = run.inflight, .spin_ns = run.spin_ns};
}

const Mode &mode_of(const RunConfig &run) {
    const Mode *m = find_mode(run.mode);
    if (!m) throw Error("unknown mode '" + run.mode + "'");
    return *m;
}

void send_ready(const RoleParams &p, const RoleReport &r) {
    if (p.result_fd >= 0) write_frame(p.result_fd, FrameType::ready, json(r).dump());
}

void wait_for_go(const RoleParams &p) {
    if (p.go_fd < 0) return;
    char c;
    if (read_full(p.go_fd, &c, 1) != 0) throw Error("orchestrator sent data on the start pipe");
}

// Fault injection: the misbehaviours that do not depend on the message.
void inject_process_fault(const FaultPlan &f) {
    switch (f.kind) {
    case FaultKind::exit: _exit(3);
    case FaultKind::abort: std::abort();
    case FaultKind::kill: ::raise(SIGKILL); break;
    case FaultKind::hang:
        for (;;) ::pause();
    default: break;
    }
}

// Sends `msg`, applying a message fault when one is due: returns after the fault's effect.
void send_with_faults(Endpoint &ep, std::span<std::byte> msg, std::uint64_t seq, const FaultPlan *fault) {
    if (!fault || fault->at_op != seq) return ep.send(msg);
    inject_process_fault(*fault);
    switch (fault->kind) {
    case FaultKind::corrupt: msg[payload::stamped_offset(msg.size(), seq)] ^= std::byte{0x40}; break;
    case FaultKind::drop: return;
    case FaultKind::duplicate: ep.send(msg); break;
    default: break;
    }
    ep.send(msg);
}

const FaultPlan *fault_for(const RunConfig &run, const char *role) {
    return run.fault && run.fault->applies_to(run.mode, role) ? &*run.fault : nullptr;
}

// Per-message verification cost, measured on this run's size mix with a clock read around each
// message (its measured cost subtracted): what the client spends outside each sample (check a
// response, the sampled full check, stamp the next request) and what the server spends inside
// the round trip (check a request's stamps, restamp it as the response).
void calibrate_verification(const RunConfig &run, RoleReport &r) {
    std::vector<std::byte> buf(run.size.max);
    payload::fill_pattern(buf);
    constexpr std::uint64_t kMessages = 512;
    const double clock = r.clock_cost_ns;
    std::vector<double> client, server;
    SizeGenerator gen(run.size, run.seed + 7);
    std::size_t last = 0;
    for (std::uint64_t i = 0; i < kMessages; ++i) {
        payload::restore_pattern(std::span(buf).first(last));
        auto msg = std::span(buf).first(last = gen.next());
        payload::stamp(msg, i, Dir::request);
        std::uint64_t t0 = now_ns();
        bool ok = payload::check_stamps(msg, i, Dir::request).empty();
        payload::stamp(msg, i, Dir::response);
        std::uint64_t t1 = now_ns();
        ok = ok && payload::check_stamps(msg, i, Dir::response).empty();
        if (payload::full_check_due(i)) ok = ok && payload::check_full(msg, i, Dir::response).empty();
        payload::restore_pattern(msg);
        payload::stamp(msg, i + 1, Dir::request);
        std::uint64_t t2 = now_ns();
        if (!ok) throw Error("verification calibration: a correct message failed its check");
        server.push_back(double(t1 - t0) - clock);
        client.push_back(double(t2 - t1) - clock);
    }
    auto mean = [](const std::vector<double> &v) {
        double s = 0;
        for (double x : v) s += x;
        return std::max(0.0, s / double(v.size()));
    };
    r.verify_client_ns = mean(client);
    r.verify_server_ns = mean(server);
}

// ---------------------------------------------------------------------------------------------
// Client

class ClientLoop {
public:
    ClientLoop(Endpoint &ep, const RunConfig &run)
        : ep_(ep), gen_(run.size, run.seed), k_(run.inflight), fault_(fault_for(run, "client")),
          slots_(k_), sent_at_(k_), sent_size_(k_, 0), rbuf_(run.size.max) {
        for (auto &s : slots_) {
            s.resize(run.size.max);
            payload::fill_pattern(s);
        }
        payload::fill_pattern(rbuf_);
    }

    struct Phase {
        std::uint64_t deadline_ns = 0;  // stop sending at this time, or
        std::uint64_t count = 0;        // after this many requests (when > 0)
        std::vector<std::uint32_t> *samples = nullptr;  // timed phase only
        std::uint64_t verified = 0, full_checks = 0, bytes = 0, ops = 0;
        std::uint64_t size_min = UINT64_MAX, size_max = 0, size_sum = 0;
        std::uint64_t sampled_ns = 0;
    };

    // Runs one phase: keeps `inflight` requests outstanding until the phase says stop, then
    // drains, so no request crosses from one phase into the next.
    void run(Phase &ph) {
        std::uint64_t sent = 0;
        auto more = [&] { return ph.count ? sent < ph.count : last_now_ < ph.deadline_ns; };
        last_now_ = now_ns();
        while (in_flight() < k_ && more()) send_next(), ++sent;
        while (in_flight() > 0) {
            receive_one(ph);
            if (more()) send_next(), ++sent;
        }
    }

private:
    std::uint64_t in_flight() const { return next_send_ - next_recv_; }

    void send_next() {
        const std::uint64_t seq = next_send_++;
        const std::size_t slot = seq % k_;
        payload::restore_pattern(std::span(slots_[slot]).first(sent_size_[slot]));
        auto msg = std::span(slots_[slot]).first(gen_.next());
        payload::stamp(msg, seq, Dir::request);
        sent_size_[slot] = msg.size();
        sent_at_[slot] = now_ns();
        send_with_faults(ep_, msg, seq, fault_);
    }

    void receive_one(Phase &ph) {
        const std::size_t n = ep_.recv(rbuf_);
        last_now_ = now_ns();
        const std::uint64_t seq = next_recv_++;
        const std::size_t slot = seq % k_;
        const std::uint64_t latency = last_now_ - sent_at_[slot];
        if (n == 0) throw Error("server ended the session before answering request " + std::to_string(seq));
        if (n != sent_size_[slot])
            throw Error("response seq " + std::to_string(seq) + " is " + std::to_string(n) + " bytes, request was " +
                        std::to_string(sent_size_[slot]));
        auto msg = std::span<const std::byte>(rbuf_).first(n);
        std::string err = payload::check_stamps(msg, seq, Dir::response);
        const bool full = payload::full_check_due(seq);
        if (err.empty() && full) err = payload::check_full(msg, seq, Dir::response);
        if (!err.empty()) throw Error("verification failed: " + err);
        if (ph.samples) ph.samples->push_back(std::uint32_t(std::min<std::uint64_t>(latency, UINT32_MAX)));
        ph.sampled_ns += latency;
        ++ph.ops;
        ++ph.verified;
        ph.full_checks += full;
        ph.bytes += 2 * n;
        ph.size_min = std::min<std::uint64_t>(ph.size_min, n);
        ph.size_max = std::max<std::uint64_t>(ph.size_max, n);
        ph.size_sum += n;
    }

    Endpoint &ep_;
    SizeGenerator gen_;
    const unsigned k_;
    const FaultPlan *fault_;
    std::vector<std::vector<std::byte>> slots_;
    std::vector<std::uint64_t> sent_at_;
    std::vector<std::size_t> sent_size_;
    std::vector<std::byte> rbuf_;
    std::uint64_t next_send_ = 0, next_recv_ = 0, last_now_ = 0;
};

std::vector<std::uint32_t> prefaulted_samples(const RunConfig &run) {
    // Sized for ~3 M round trips/s (above any mode here) so the timed loop never reallocates;
    // resize() writes every page now, so no page fault lands inside a sample.
    std::size_t cap = run.iterations ? run.iterations : std::size_t(run.duration_s * 3e6) + 4096;
    cap = std::min<std::size_t>(cap, 32u << 20);
    std::vector<std::uint32_t> v(cap);
    v.clear();
    return v;
}

void client_handshake(Channel &ch, const RunConfig &run) {
    json hello = {{"mode", run.mode},          {"max_message", run.size.max}, {"inflight", run.inflight},
                  {"spin_ns", run.spin_ns},    {"size", run.size.text},       {"seed", run.seed}};
    ch.send_text(hello.dump());
    json reply = json::parse(ch.recv_text(kHandshakeTimeoutMs), nullptr, false);
    if (reply.is_discarded()) throw Error("server sent a malformed handshake reply");
    if (reply.contains("error")) throw Error("server refused: " + reply["error"].get<std::string>());
}

// ---------------------------------------------------------------------------------------------
// Server

RunConfig server_handshake(Channel &ch, const RunConfig &own) {
    json hello = json::parse(ch.recv_text(kHandshakeTimeoutMs), nullptr, false);
    if (hello.is_discarded() || !hello.contains("mode")) throw Error("client sent a malformed handshake");
    RunConfig run = own;
    try {
        run.mode = hello["mode"].get<std::string>();
        run.size = parse_size_spec(hello["size"].get<std::string>());
        run.inflight = hello["inflight"].get<unsigned>();
        run.spin_ns = hello["spin_ns"].get<std::uint64_t>();
        run.seed = hello["seed"].get<std::uint64_t>();
    } catch (const std::exception &e) {
        ch.send_text(json{{"error", std::string("bad handshake: ") + e.what()}}.dump());
        throw Error(std::string("client sent a bad handshake: ") + e.what());
    }
    if (run.mode != own.mode) {
        std::string err = "client wants mode '" + run.mode + "' but this server runs '" + own.mode + "'";
        ch.send_text(json{{"error", err}}.dump());
        throw Error(err);
    }
    ch.send_text(json{{"ok", true}}.dump());
    return run;
}

}  // namespace

ClientOutcome run_client(const RoleParams &p) {
    ClientOutcome out;
    RoleReport &r = out.client;
    r.role = "client";
    r.pid = int(::getpid());
    r.affinity = pin_to_cpu(p.cpu);
    const RunConfig &run = p.run;
    const Mode &mode = mode_of(run);

    Channel ch = connect_to(p.endpoint, kHandshakeTimeoutMs);
    client_handshake(ch, run);
    MappedSession session(ch.recv_fd(kHandshakeTimeoutMs).get());
    auto ep = mode.open(Role::client, ch, mode_config_of(run));
    r.mode_setup = ep->describe();

    ClientLoop loop(*ep, run);
    out.samples_ns = prefaulted_samples(run);
    r.clock_cost_ns = measure_clock_cost_ns();
    calibrate_verification(run, r);
    send_ready(p, r);
    wait_for_go(p);

    ClientLoop::Phase warm{.deadline_ns = now_ns() + std::uint64_t(run.warmup_s * 1e9)};
    if (run.warmup_s > 0) loop.run(warm);
    r.warmup_operations = warm.ops;

    session->phase.store(SessionPage::timed, std::memory_order_relaxed);
    ClientLoop::Phase timed{.samples = &out.samples_ns};
    const Snapshot before = Snapshot::take();
    if (run.iterations) timed.count = run.iterations;
    else timed.deadline_ns = before.wall_ns + std::uint64_t(run.duration_s * 1e9);
    loop.run(timed);
    const Snapshot after = Snapshot::take();
    session->phase.store(SessionPage::done, std::memory_order_relaxed);
    ep->finish();

    fill_usage(r, before, after);
    r.operations = timed.ops;
    r.verified_messages = timed.verified;
    r.full_checks = timed.full_checks;
    r.payload_bytes = timed.bytes;
    r.size_min = timed.ops ? timed.size_min : 0;
    r.size_max = timed.size_max;
    r.size_mean = timed.ops ? double(timed.size_sum) / double(timed.ops) : 0;
    r.outside_sample_ns = timed.ops ? (double(after.wall_ns - before.wall_ns) - double(timed.sampled_ns)) / double(timed.ops) : 0;
    if (run.inflight > 1) r.outside_sample_ns = 0;  // samples overlap: the gap is not defined

    json server = json::parse(ch.recv_text(kHandshakeTimeoutMs), nullptr, false);
    if (server.is_discarded()) throw Error("server sent a malformed final report");
    out.server = server.get<RoleReport>();
    return out;
}

RoleReport serve_one(Listener &listener, const RoleParams &p, int accept_timeout_ms) {
    RoleReport r;
    r.role = "server";
    r.pid = int(::getpid());
    r.affinity = pin_to_cpu(p.cpu);

    Channel ch = listener.accept(accept_timeout_ms);
    const RunConfig run = server_handshake(ch, p.run);
    const Mode &mode = mode_of(run);
    Fd session_fd = create_session_memfd();
    MappedSession session(session_fd.get());
    ch.send_fd(session_fd.get());
    session_fd.reset();
    {
        auto ep = mode.open(Role::server, ch, mode_config_of(run));
        r.mode_setup = ep->describe();
        std::vector<std::byte> buf(run.size.max);
        const FaultPlan *fault = fault_for(run, "server");
        send_ready(p, r);
        wait_for_go(p);

        std::optional<Snapshot> start;
        std::uint64_t seq = 0, timed_from = 0, verified = 0;
        for (;; ++seq) {
            const std::size_t n = ep->recv(buf);
            if (!start && session->phase.load(std::memory_order_relaxed) != SessionPage::warmup) {
                start = Snapshot::take();
                timed_from = seq;
            }
            if (n == 0) break;
            auto msg = std::span(buf).first(n);
            if (auto err = payload::check_stamps(msg, seq, Dir::request); !err.empty())
                throw Error("verification failed: " + err);
            ++verified;
            payload::stamp(msg, seq, Dir::response);
            send_with_faults(*ep, msg, seq, fault);
        }
        const Snapshot end = Snapshot::take();
        if (session->phase.load(std::memory_order_relaxed) != SessionPage::done)
            throw Error("client ended the session before finishing its timed phase");
        fill_usage(r, *start, end);
        r.operations = seq - timed_from;
        r.warmup_operations = timed_from;
        r.verified_messages = verified - timed_from;
        ch.send_text(json(r).dump());  // for a two-terminal client, which has no result pipe
    }
    return r;
}

namespace {

[[noreturn]] void child_exit_with_error(const RoleParams &p, const char *role, const std::exception &e) {
    try {
        write_frame(p.result_fd, FrameType::error, std::string(role) + ": " + e.what());
    } catch (...) {
    }
    _exit(1);
}

void write_result(const RoleParams &p, const RoleReport &r, const FaultPlan *fault) {
    const std::string text = json(r).dump();
    auto bytes = encode_frame(FrameType::result, std::as_bytes(std::span(text.data(), text.size())));
    if (fault && fault->kind == FaultKind::truncate) {
        write_full(p.result_fd, bytes.data(), bytes.size() / 2);  // a record cut short, then exit "ok"
        _exit(0);
    }
    write_full(p.result_fd, bytes.data(), bytes.size());
}

}  // namespace

void server_child_main(const RoleParams &p) {
    try {
        Listener listener(p.endpoint);
        RoleReport r = serve_one(listener, p, kHandshakeTimeoutMs);
        write_result(p, r, fault_for(p.run, "server"));
        _exit(0);
    } catch (const std::exception &e) {
        child_exit_with_error(p, "server", e);
    }
}

void client_child_main(const RoleParams &p) {
    try {
        ClientOutcome out = run_client(p);
        write_result(p, out.client, fault_for(p.run, "client"));
        write_frame(p.result_fd, FrameType::samples, std::as_bytes(std::span(out.samples_ns)));
        _exit(0);
    } catch (const std::exception &e) {
        child_exit_with_error(p, "client", e);
    }
}

}  // namespace ipcb
