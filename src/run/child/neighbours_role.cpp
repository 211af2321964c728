// The neighbours' process: CONNS TCP connections to the server's event loop (loop/neighbour_spec.hpp),
// each sending requests on a schedule (open loop: request k of a connection is due at
// t0 + offset + k x CONNS/RATE, whatever the answers do; at most kNeighbourWindow outstanding),
// each answer verified (stamps always, every byte of a sampled few: payload.hpp). Latency counts
// from the due time, send lag is the actual send less the due time. Its timed window is the IPC's
// timed phase as the server publishes it (run/wire/timed_window.hpp says why not the clock): a
// request counts when it fell due inside it; sending stops when it ends, then what is outstanding
// is drained. In the alone pass, with no IPC to follow, the window is the warmup's end plus the
// run's duration, and sending goes on for a tenth of the duration past it.
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include "core/histogram.hpp"
#include "core/payload.hpp"
#include "core/sys.hpp"
#include "ipc/tcp_link.hpp"
#include "run/child/fault.hpp"
#include "run/child/roles.hpp"
#include "run/child/usage.hpp"
#include "run/results/role_json.hpp"
#include "run/wire/result_pipe.hpp"

namespace ipcb {
namespace {

constexpr std::uint64_t kDrainNs = 2'000'000'000;      // answers still awaited after the last send
constexpr std::uint64_t kUnknown = ~std::uint64_t(0);  // a window edge the server has not published yet
// The longest wait between looks at the published window: its edges are seen this late at worst
// (the CPU-time snapshots taken then), while requests are counted by their due times exactly.
constexpr std::uint64_t kWindowLookNs = 5'000'000;

struct Connection {
    Fd fd;
    std::uint64_t next_due = 0, sent = 0, received = 0;
    std::deque<std::uint64_t> due_of_outstanding;
    bool counted_wait = false;  // the due request waiting for room has been counted
    std::vector<std::byte> in;
    std::size_t in_used = 0;
};

class Neighbours {
public:
    explicit Neighbours(const RoleParams &p)
        : spec_(p.run.neighbours),
          request_(spec_.size),
          fault_(fault_for(p.run, "neighbours")),
          published_(p.run.ipc_idle ? nullptr : p.timed_window) {
        payload::fill_pattern(request_);
        for (unsigned i = 0; i < spec_.connections; ++i) {
            Connection c;
            c.fd = connect_to_loopback(p.neighbours_port);
            write_full(c.fd.get(), p.neighbours_token.data(), p.neighbours_token.size());
            c.in.resize(spec_.size * (kNeighbourWindow + 1));
            conns_.push_back(std::move(c));
        }
    }

    // From go: the warmup, the timed window, the margin, then the drain of what is outstanding.
    void run(const RunConfig &run, RoleReport &r) {
        const double period = 1e9 * double(spec_.connections) / spec_.rate;  // ns between a connection's requests
        const std::uint64_t t0 = now_ns();
        for (unsigned i = 0; i < conns_.size(); ++i)
            conns_[i].next_due = t0 + std::uint64_t(period * double(i) / double(conns_.size()));
        std::uint64_t stop_sending = kUnknown, give_up = kUnknown;
        if (published_) {
            // The server's window; a generous bound in case it never says (its error ends the run).
            give_up = t0 + std::uint64_t((2 * (run.warmup_s + run.duration_s) + 30) * 1e9);
        } else {
            window_start_ = t0 + std::uint64_t(run.warmup_s * 1e9);
            window_end_ = window_start_ + std::uint64_t(run.duration_s * 1e9);
            stop_sending = window_end_ + std::uint64_t(run.duration_s * 1e8);
        }
        std::vector<pollfd> fds(conns_.size());
        for (std::size_t i = 0; i < conns_.size(); ++i) fds[i] = {conns_[i].fd.get(), POLLIN, 0};
        std::optional<UsageSnapshot> start, end;
        for (;;) {
            std::uint64_t now = now_ns();
            if (published_ && follow_published_window()) stop_sending = std::min(stop_sending, window_end_);
            if (now > give_up) throw Error("neighbours: the server never said its timed phase ended");
            if (!start && now >= window_start_) start = UsageSnapshot::take();
            if (!end && now >= window_end_) end = UsageSnapshot::take();
            const bool sending = now < stop_sending;
            std::uint64_t next = now + (published_ ? kWindowLookNs : 50'000'000);
            if (sending) {
                for (Connection &c : conns_) {
                    send_due(c, now, period);
                    next = std::min(next, c.next_due);
                }
            } else if (outstanding() == 0 || now > stop_sending + kDrainNs) {
                break;
            }
            const std::uint64_t wait_ns = next > now ? next - now : 0;
            const timespec ts{time_t(wait_ns / 1'000'000'000u), long(wait_ns % 1'000'000'000u)};
            const int n = ::ppoll(fds.data(), nfds_t(fds.size()), &ts, nullptr);
            if (n < 0 && errno != EINTR) throw_errno("neighbours: ppoll");
            for (std::size_t i = 0; n > 0 && i < fds.size(); ++i)
                if (fds[i].revents) receive(conns_[i], unsigned(i));
        }
        if (outstanding() > 0)
            throw Error("neighbours: " + std::to_string(outstanding()) + " requests unanswered " +
                        std::to_string(kDrainNs / 1'000'000'000u) + " s after the last was sent");
        if (!start || !end) throw Error("neighbours: the run ended before the timed window did");
        fill_usage(r, *start, *end);
        r.operations = answered_in_window_;
        r.verified_messages = answered_in_window_;
        r.warmup_operations = answered_ - answered_in_window_;
        r.full_checks = full_checks_;
        r.max_inflight_waits = window_waits_;
        r.payload_bytes = 2 * answered_in_window_ * spec_.size;
    }

    LatencyHistogram latency, lag;

private:
    // Takes the window's edges once the server has published them; true once both are known.
    bool follow_published_window() {
        if (window_start_ == kUnknown) {
            const std::uint64_t s = published_->start_ns.load(std::memory_order_acquire);
            if (s != 0) window_start_ = s;
        }
        if (window_start_ != kUnknown && window_end_ == kUnknown) {
            const std::uint64_t e = published_->end_ns.load(std::memory_order_acquire);
            if (e != 0) window_end_ = e;
        }
        return window_end_ != kUnknown;
    }

    std::uint64_t outstanding() const {
        std::uint64_t n = 0;
        for (const Connection &c : conns_) n += c.sent - c.received;
        return n;
    }

    void send_due(Connection &c, std::uint64_t now, double period) {
        while (c.next_due <= now) {
            if (c.sent - c.received >= kNeighbourWindow) {  // the window is full: it goes when an answer comes
                if (c.next_due >= window_start_ && c.next_due < window_end_ && !c.counted_wait) ++window_waits_;
                c.counted_wait = true;
                return;
            }
            c.counted_wait = false;
            payload::stamp(request_, c.sent, payload::Dir::request);
            // A test's fault at this request (its number over every connection): run/child/fault.hpp.
            const int copies =
                fault_ && fault_->at_op == requests_sent_ ? apply_fault_before_send(*fault_, request_, c.sent) : 1;
            for (int i = 0; i < copies; ++i) write_full(c.fd.get(), request_.data(), request_.size());
            ++requests_sent_;
            if (c.next_due >= window_start_ && c.next_due < window_end_) lag.record(now_ns() - c.next_due);
            c.due_of_outstanding.push_back(c.next_due);
            ++c.sent;
            c.next_due += std::uint64_t(period);
            payload::restore_pattern(request_);
        }
    }

    void receive(Connection &c, unsigned index) {
        const ssize_t got = ::recv(c.fd.get(), c.in.data() + c.in_used, c.in.size() - c.in_used, MSG_DONTWAIT);
        if (got == 0) throw Error("neighbours: the server closed connection " + std::to_string(index));
        if (got < 0) {
            if (errno == EAGAIN || errno == EINTR) return;
            throw_errno("neighbours: recv");
        }
        const std::uint64_t now = now_ns();
        c.in_used += std::size_t(got);
        std::size_t at = 0;
        for (; c.in_used - at >= spec_.size; at += spec_.size) {
            const std::span<const std::byte> msg(c.in.data() + at, spec_.size);
            const std::uint64_t seq = c.received;
            std::string err = payload::check_stamps(msg, seq, payload::Dir::response);
            if (err.empty() && payload::full_check_due(seq)) {
                err = payload::check_full(msg, seq, payload::Dir::response);
                ++full_checks_;
            }
            if (!err.empty())
                throw Error("neighbours: verification failed (connection " + std::to_string(index) + "): " + err);
            if (c.due_of_outstanding.empty()) throw Error("neighbours: an answer to no request");
            const std::uint64_t due = c.due_of_outstanding.front();
            c.due_of_outstanding.pop_front();
            ++c.received;
            ++answered_;
            if (due >= window_start_ && due < window_end_) {
                latency.record(now - due);
                ++answered_in_window_;
            }
        }
        std::memmove(c.in.data(), c.in.data() + at, c.in_used - at);
        c.in_used -= at;
    }

    NeighbourSpec spec_;
    std::vector<std::byte> request_;
    std::vector<Connection> conns_;
    const FaultPlan *fault_;
    std::uint64_t requests_sent_ = 0;
    TimedWindow *published_;  // the server's window; null in the alone pass
    std::uint64_t window_start_ = kUnknown, window_end_ = kUnknown;
    std::uint64_t answered_ = 0, answered_in_window_ = 0, window_waits_ = 0, full_checks_ = 0;
};

}  // namespace

void neighbours_child_main(const RoleParams &p) {
    try {
        RoleReport r;
        r.role = "neighbours";
        r.pid = int(::getpid());
        r.affinity = pin_to_cpu(p.cpu);
        // Due times are met by ppoll's timeout: without this it may fire up to 50 us late.
        ::prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
        Neighbours n(p);
        r.mode_setup = std::to_string(p.run.neighbours.connections) +
                       " TCP connections to 127.0.0.1:" + std::to_string(p.neighbours_port) + ", open loop at " +
                       p.run.neighbours.text();
        send_ready(p, r);
        wait_for_go(p);
        n.run(p.run, r);
        write_frame(p.result_fd, FrameType::result, nlohmann::json(r).dump());
        write_frame(p.result_fd, FrameType::latency_histogram, n.latency.serialize());
        write_frame(p.result_fd, FrameType::lag_histogram, n.lag.serialize());
        _exit(0);
    } catch (const std::exception &e) {
        try {
            write_frame(p.result_fd, FrameType::error, std::string("neighbours: ") + e.what());
        } catch (...) {}
        _exit(1);
    }
}

}  // namespace ipcb
