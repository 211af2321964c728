#include "run/child/client_loop.hpp"

#include <algorithm>
#include <cstring>

#include "core/payload.hpp"
#include "core/sys.hpp"

namespace ipcb {

using payload::Dir;

ClientLoop::ClientLoop(Endpoint &ep, const RunConfig &run)
    : ep_(ep),
      zc_(ep.zero_copy()),
      gen_(run.size, run.seed),
      k_(run.outstanding()),
      fault_(fault_for(run, "client")),
      slots_(k_),
      period_ns_(run.open_loop() ? 1e9 * run.clients / run.rate : 0),
      due_at_(k_),
      sent_at_(k_),
      sent_size_(k_, 0),
      rbuf_(run.size.max) {
    for (auto &s : slots_) {
        s.resize(run.size.max);
        payload::fill_pattern(s);
    }
    payload::fill_pattern(rbuf_);
}

void ClientLoop::run(Phase &ph) { period_ns_ > 0 ? run_open(ph) : run_closed(ph); }

void ClientLoop::run_closed(Phase &ph) {
    std::uint64_t sent = 0;
    auto more = [&] { return ph.count ? sent < ph.count : last_now_ < ph.deadline_ns; };
    last_now_ = now_ns();
    while (in_flight() < k_ && more()) send_next(last_now_), ++sent;
    while (in_flight() > 0) {
        receive_one(ph);
        if (more()) send_next(last_now_), ++sent;
    }
}

namespace {

// CPU time of the calling thread (a system call: CLOCK_THREAD_CPUTIME_ID has no vDSO path).
std::uint64_t thread_cpu_ns() { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

// Waits until `due_ns`: sleeps while more than kPollNs remain (a sleeping wake-up can take tens
// of microseconds on a VM), then polls the clock, so a request leaves within a few hundred ns of
// its due time when the loop is not busy with a reply. Returns the CPU the wait used, measured:
// the sleep's by the thread's CPU clock (read only around a sleep, which is a system call anyway),
// the poll's by the monotonic clock, as the sum of the steps between two reads (tens of ns each:
// polling is all CPU, and no system call sits before the send). A step over kOffCpuNs is time the
// thread spent off its CPU (preempted, or the vCPU descheduled) and is not counted: clients that
// share a CPU (fan-in on two CPUs) poll in turns, and counting their turns' wall time made the
// pacing exceed the client's whole CPU time (a negative mechanism CPU in an advice's table).
std::uint64_t wait_until_due(std::uint64_t due_ns) {
    constexpr std::uint64_t kPollNs = 200'000, kOffCpuNs = 5'000;
    std::uint64_t cpu = 0;
    if (due_ns > now_ns() + kPollNs) {
        const std::uint64_t before = thread_cpu_ns();
        sleep_until_ns(due_ns - kPollNs);
        cpu += thread_cpu_ns() - before;
    }
    std::uint64_t now = now_ns();
    while (now < due_ns) {
        cpu_relax();
        const std::uint64_t next = now_ns();
        if (next - now < kOffCpuNs) cpu += next - now;
        now = next;
    }
    return cpu;
}

}  // namespace

void ClientLoop::run_open(Phase &ph) {
    const std::uint64_t t0 = now_ns();
    std::uint64_t i = 0;
    auto due = [&] { return t0 + std::uint64_t(double(i) * period_ns_); };
    std::uint64_t now = t0;
    // Requests still unsent at the deadline are not sent: a saturated run ends on time (its
    // achieved rate shows what was carried) instead of draining a backlog that grows with it.
    auto more = [&] { return ph.count ? i < ph.count : due() < ph.deadline_ns && now < ph.deadline_ns; };
    for (;;) {
        now = now_ns();
        while (more() && due() <= now && in_flight() < k_) send_next(due()), ++i;
        if (more() && due() <= now && in_flight() == k_) ++ph.max_inflight_waits;
        if (in_flight() > 0) receive_one(ph);
        else if (more()) ph.pacing_cpu_ns += wait_until_due(due());
        else break;
    }
}

// The request's bytes: restamped in this slot's buffer, which holds the pattern; or, zero-copy,
// written whole (pattern and stamps) into a slot of the ring, as an application builds a message.
std::span<std::byte> ClientLoop::build_request(std::uint64_t seq, std::size_t slot) {
    const std::size_t size = gen_.next();
    std::span<std::byte> msg;
    if (zc_) {
        msg = zc_->loan(size);
        payload::fill_pattern(msg);
    } else {
        payload::restore_pattern(std::span(slots_[slot]).first(sent_size_[slot]));
        msg = std::span(slots_[slot]).first(size);
    }
    payload::stamp(msg, seq, Dir::request);
    return msg;
}

void ClientLoop::send_next(std::uint64_t due_ns) {
    const std::uint64_t seq = next_send_++;
    const std::size_t slot = seq % k_;
    due_at_[slot] = due_ns;
    if (zc_) sent_at_[slot] = now_ns();  // building in place is the send's copy: it is timed
    auto msg = build_request(seq, slot);
    sent_size_[slot] = msg.size();
    if (!zc_) {
        sent_at_[slot] = now_ns();
        return send_with_faults(ep_, msg, seq, fault_);
    }
    bool committed = false;  // a duplicate (fault injection) is a second message: loaned and copied
    send_with_faults(
        [&](std::span<const std::byte> m) {
            if (committed) std::memcpy(zc_->loan(m.size()).data(), m.data(), m.size());
            zc_->commit(m.size());
            committed = true;
        },
        msg, seq, fault_);
}

std::span<const std::byte> ClientLoop::take_response() {
    if (zc_) return zc_->peek();
    return std::span<const std::byte>(rbuf_).first(ep_.recv(rbuf_));
}

void ClientLoop::receive_one(Phase &ph) {
    const std::span<const std::byte> msg = take_response();
    const std::size_t n = msg.size();
    last_now_ = now_ns();
    const std::uint64_t seq = next_recv_++;
    progress_.store(next_recv_, std::memory_order_relaxed);  // a plain store: one writer
    const std::size_t slot = seq % k_;
    const std::uint64_t service = last_now_ - sent_at_[slot];
    const std::uint64_t latency = period_ns_ > 0 ? last_now_ - std::min(due_at_[slot], sent_at_[slot]) : service;
    if (n == 0) throw Error("server ended the session before answering request " + std::to_string(seq));
    if (n != sent_size_[slot])
        throw Error("response seq " + std::to_string(seq) + " is " + std::to_string(n) + " bytes, request was " +
                    std::to_string(sent_size_[slot]));
    std::string err = payload::check_stamps(msg, seq, Dir::response);
    const bool full = payload::full_check_due(seq);
    if (err.empty() && full) err = payload::check_full(msg, seq, Dir::response);
    if (!err.empty()) throw Error("verification failed: " + err);
    if (zc_) zc_->release();
    if (ph.rec) ph.rec->add(last_now_, latency, service);
    ph.sampled_ns += latency;
    ++ph.ops;
    ++ph.verified;
    ph.full_checks += full;
    ph.bytes += 2 * n;
    ph.size_min = std::min<std::uint64_t>(ph.size_min, n);
    ph.size_max = std::max<std::uint64_t>(ph.size_max, n);
    ph.size_sum += n;
}

}  // namespace ipcb
