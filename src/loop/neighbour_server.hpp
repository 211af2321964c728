#pragma once
// The server's side of the neighbours (loop/neighbour_spec.hpp): their TCP connections as one
// source of the event loop. Each connection has one RECV armed at a time (into a buffer that takes
// several requests: the neighbours pipeline up to kNeighbourWindow) and at most one SEND in
// flight (responses that arrive meanwhile wait behind it: two SENDs on one stream could reorder).
// Every request is checked (its stamps; payload.hpp) before the server spends its work on it and
// answers with the same bytes restamped as the response, as the IPC server does.
#include <cstdint>
#include <string>
#include <vector>

#include "core/sys.hpp"
#include "loop/event_loop.hpp"
#include "loop/neighbour_spec.hpp"

namespace ipcb {

class NeighbourServer final : public LoopSource {
public:
    NeighbourServer(EventLoop &loop, const NeighbourSpec &spec);
    // Accepts spec.connections connections on `listen_fd`, each showing `token` first; throws
    // when they do not come within timeout_ms. Then arms their RECVs in the loop's ring.
    void accept_all(int listen_fd, const std::string &token, int timeout_ms);
    void on_completion(std::uint64_t local, int res, unsigned flags) override;

    std::uint64_t answered() const { return answered_; }
    bool all_closed() const { return closed_ == conns_.size(); }

private:
    struct Conn {
        Fd fd;
        std::vector<std::byte> in;  // received bytes not yet answered
        std::size_t in_used = 0;
        std::vector<std::byte> out, sending;  // responses waiting; the SEND in flight's bytes
        std::size_t sent = 0;                 // of `sending`
        std::uint64_t next_seq = 0;
        bool closed = false;
    };
    enum : std::uint64_t { kRecv = 0, kSend = 1 };

    void arm_recv(unsigned c);
    void start_send(unsigned c);
    void on_recv(unsigned c, int res);
    void on_send(unsigned c, int res);
    void answer(Conn &conn, std::span<std::byte> request, unsigned c);

    EventLoop &loop_;
    NeighbourSpec spec_;
    unsigned source_;
    std::vector<Conn> conns_;
    std::size_t closed_ = 0;
    std::uint64_t answered_ = 0;
};

}  // namespace ipcb
