#pragma once
// The client's request/response loop, stamping each request and verifying each response (stamps
// always, every byte of a sampled few). Closed loop: keeps `inflight` requests outstanding and
// takes one sample per round trip, from just before the send to just after the receive. Open loop
// (`rate`): request i is due at t0 + i/rate whatever the replies do, at most `max_inflight`
// outstanding; its latency counts from that intended time (so a stall delays every request due
// during it, not one: no coordinated omission) and its service time from the actual send.
//
// The loop is one thread over a blocking Endpoint::recv: a request that falls due while the loop
// waits for a reply goes out when the reply arrives (late, and counted from when it was due). Between
// replies it waits for the next due time by sleeping until shortly before it, then polling the clock.
#include <atomic>
#include <cstdint>
#include <vector>

#include "core/size_spec.hpp"
#include "ipc/endpoint.hpp"
#include "run/child/fault.hpp"
#include "run/child/recording.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {

class ClientLoop {
public:
    ClientLoop(Endpoint &ep, const RunConfig &run);

    struct Phase {
        std::uint64_t deadline_ns = 0;         // stop sending at this time, or
        std::uint64_t count = 0;               // after this many requests (when > 0)
        Recording *rec = nullptr;              // timed phase only: latency (and open loop service time)
        std::uint64_t max_inflight_waits = 0;  // open loop: replies awaited with a request due and none free
        std::uint64_t pacing_cpu_ns = 0;       // open loop: CPU spent waiting for due times (wait_until_due)
        std::uint64_t verified = 0, full_checks = 0, bytes = 0, ops = 0;
        std::uint64_t size_min = UINT64_MAX, size_max = 0, size_sum = 0;
        std::uint64_t sampled_ns = 0;
    };

    // Runs one phase: keeps `inflight` requests outstanding until the phase says stop, then
    // drains, so no request crosses from one phase into the next.
    void run(Phase &ph);
    // Responses received so far, for a watchdog in another thread.
    const std::atomic<std::uint64_t> &progress() const { return progress_; }

private:
    std::uint64_t in_flight() const { return next_send_ - next_recv_; }
    void run_closed(Phase &ph);
    void run_open(Phase &ph);
    void send_next(std::uint64_t due_ns);
    void receive_one(Phase &ph);

    std::span<std::byte> build_request(std::uint64_t seq, std::size_t slot);
    std::span<const std::byte> take_response();

    Endpoint &ep_;
    ZeroCopy *zc_;  // the endpoint's zero-copy interface: requests built in place, responses read in place
    SizeGenerator gen_;
    const unsigned k_;
    const FaultPlan *fault_;
    std::vector<std::vector<std::byte>> slots_;
    const double period_ns_;  // open loop: time between this client's requests; 0 closed loop
    std::vector<std::uint64_t> due_at_, sent_at_;
    std::vector<std::size_t> sent_size_;
    std::vector<std::byte> rbuf_;
    std::uint64_t next_send_ = 0, next_recv_ = 0, last_now_ = 0;
    std::atomic<std::uint64_t> progress_{0};
};

}  // namespace ipcb
