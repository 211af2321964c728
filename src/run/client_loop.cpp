#include "run/client_loop.hpp"

#include <algorithm>

#include "core/payload.hpp"
#include "core/sys.hpp"

namespace ipcb {

using payload::Dir;

ClientLoop::ClientLoop(Endpoint &ep, const RunConfig &run)
    : ep_(ep),
      gen_(run.size, run.seed),
      k_(run.inflight),
      fault_(fault_for(run, "client")),
      slots_(k_),
      sent_at_(k_),
      sent_size_(k_, 0),
      rbuf_(run.size.max) {
    for (auto &s : slots_) {
        s.resize(run.size.max);
        payload::fill_pattern(s);
    }
    payload::fill_pattern(rbuf_);
}

void ClientLoop::run(Phase &ph) {
    std::uint64_t sent = 0;
    auto more = [&] { return ph.count ? sent < ph.count : last_now_ < ph.deadline_ns; };
    last_now_ = now_ns();
    while (in_flight() < k_ && more()) send_next(), ++sent;
    while (in_flight() > 0) {
        receive_one(ph);
        if (more()) send_next(), ++sent;
    }
}

void ClientLoop::send_next() {
    const std::uint64_t seq = next_send_++;
    const std::size_t slot = seq % k_;
    payload::restore_pattern(std::span(slots_[slot]).first(sent_size_[slot]));
    auto msg = std::span(slots_[slot]).first(gen_.next());
    payload::stamp(msg, seq, Dir::request);
    sent_size_[slot] = msg.size();
    sent_at_[slot] = now_ns();
    send_with_faults(ep_, msg, seq, fault_);
}

void ClientLoop::receive_one(Phase &ph) {
    const std::size_t n = ep_.recv(rbuf_);
    last_now_ = now_ns();
    const std::uint64_t seq = next_recv_++;
    progress_.store(next_recv_, std::memory_order_relaxed);  // a plain store: one writer
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

std::vector<std::uint32_t> prefaulted_samples(const RunConfig &run) {
    // Room for 3 M round trips per second of the timed phase, above any mode's rate (capped at
    // 32 Mi samples); resize() writes every page now.
    std::size_t cap = run.iterations ? run.iterations : std::size_t(run.duration_s * 3e6) + 4096;
    cap = std::min<std::size_t>(cap, 32u << 20);
    std::vector<std::uint32_t> v(cap);
    v.clear();
    return v;
}

}  // namespace ipcb
