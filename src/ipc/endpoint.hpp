#pragma once
// The interface every IPC mode implements: an Endpoint for one role, opened over a control
// Channel that the harness has already connected (an abstract-namespace SOCK_SEQPACKET socket).
// A mode may use that socket as its data path (uds) or only to pass an fd and watch the peer
// (shared-memory modes). It sits here, below the rings and modes that implement it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace ipcb {

class Channel;
class EventLoop;
class Uring;

enum class Role { server, client };

inline constexpr unsigned kMaxInflight = 64;  // requests one client may keep outstanding
inline constexpr unsigned kMaxClients = 16;   // clients one fan-in server takes

// The AF_UNIX socket type of the uds modes (--socket): SEQPACKET keeps boundaries on a connection
// (the harness's own rendezvous socket), STREAM is a byte stream (messages length-framed), DGRAM
// keeps boundaries without a connection's ordering guarantees (AF_UNIX keeps them anyway).
enum class SocketType { seqpacket, stream, dgram };
inline const char *socket_type_name(SocketType t) {
    return t == SocketType::stream ? "stream" : t == SocketType::dgram ? "dgram" : "seqpacket";
}
// The type named `text`; nullopt for another name.
inline std::optional<SocketType> parse_socket_type(const std::string &text) {
    for (SocketType t : {SocketType::seqpacket, SocketType::stream, SocketType::dgram})
        if (text == socket_type_name(t)) return t;
    return std::nullopt;
}

// How a server whose event loop has other work (--neighbours, loop/event_loop.hpp) waits for its
// IPC: a completion in the loop's ring (the mode's own design), or, for the lfshm rings whose wait
// is a futex, an integration: poll the rings once per loop iteration with the loop's wait bounded
// by a tick, a helper thread asleep on the futex that writes an eventfd the loop READs, or (the
// spinning baseline) a loop that never sleeps and peeks its completions between polls.
enum class LoopIntegration { completion, poll, helper, spin };
inline const char *loop_integration_name(LoopIntegration i) {
    switch (i) {
    case LoopIntegration::poll: return "poll";
    case LoopIntegration::helper: return "helper";
    case LoopIntegration::spin: return "spin";
    default: return "completion";
    }
}

// What the client asked for; the server learns it from the handshake.
struct ModeConfig {
    std::size_t max_message = 0;                // largest message of the run, bytes
    unsigned inflight = 1;                      // requests the client keeps outstanding
    std::uint64_t spin_ns = 0;                  // busy-poll budget before sleeping (modes that spin)
    std::optional<unsigned> uring_knobs;        // io_uring knobs (uring/uring.hpp); unset: the mode's default
    SocketType socket = SocketType::seqpacket;  // modes with Mode::socket_types
    int sq_thread_cpu = -1;                     // --uring sqpoll: this side's SQ polling thread's CPU; -1: any
    // The server's side only, when its loop has other work: the loop, and how an lfshm ring joins
    // it (LoopIntegration::poll or helper; spin for the spinning baseline). Null: no other work.
    EventLoop *loop = nullptr;
    LoopIntegration integration = LoopIntegration::poll;
};

// Messages built and read where they lie, in memory both processes map (lfshm-zc): no copy in,
// no copy out. The caller writes a message into loan(n) and publishes it with commit(n) (commit
// again after a second loan to send it twice); it reads the next message from peek() (an empty
// span: the peer finished) and gives it back with release().
class ZeroCopy {
public:
    virtual ~ZeroCopy() = default;
    virtual std::span<std::byte> loan(std::size_t n) = 0;
    virtual void commit(std::size_t n) = 0;
    virtual std::span<const std::byte> peek() = 0;
    virtual void release() = 0;
};

class Endpoint {
public:
    virtual ~Endpoint() = default;
    // Sends (or queues) one message. `msg` must stay untouched until the next recv() returns.
    virtual void send(std::span<const std::byte> msg) = 0;
    // Receives the next message into `buf` (at least max_message bytes) and returns its length;
    // 0 means the peer called finish(). Throws Error when the peer died or the data is bad.
    virtual std::size_t recv(std::span<std::byte> buf) = 0;
    // Flushes queued sends and tells the peer that no message follows.
    virtual void finish() = 0;
    // One line describing what the mode set up (ring flags, buffer sizes), for the report.
    virtual std::string describe() const = 0;
    // Waits so far (sleeps, io_uring waits) that took longer than kSlowWaitNs (core/sys.hpp)
    // (others report them for io_uring waits on shared futexes). 0 for modes that never sleep.
    virtual std::uint64_t slow_waits() const { return 0; }
    // The zero-copy interface, for a mode that offers one (then the roles use it instead of
    // send/recv); nullptr otherwise.
    virtual ZeroCopy *zero_copy() { return nullptr; }
    // The io_uring this side waits in, for a mode whose wait is a completion there: an event loop
    // with other work joins it (loop/event_loop.hpp). nullptr for modes that wait otherwise.
    virtual Uring *loop_ring() { return nullptr; }
};

// The server of a fan-in run: one loop serving several clients, each over its own Channel, the
// way the mode's mechanism serves many peers (Mode::open_fan_in). Clients use the mode's Endpoint.
class FanInServer {
public:
    struct Arrival {
        unsigned client;     // index of the channel it came from
        std::size_t length;  // 0: that client called finish()
    };
    virtual ~FanInServer() = default;
    // Waits for the next message from any client, copies it into buf (at least max_message bytes).
    // A client that finished is not heard from again. Throws Error as Endpoint::recv does.
    virtual Arrival recv_any(std::span<std::byte> buf) = 0;
    // Sends (or queues) one message to `client`; `msg` stays untouched until the next recv_any().
    virtual void send(unsigned client, std::span<const std::byte> msg) = 0;
    virtual std::string describe() const = 0;
    virtual std::uint64_t slow_waits() const { return 0; }
    virtual ZeroCopy *zero_copy() { return nullptr; }  // one client's zero-copy endpoint
    virtual Uring *loop_ring() { return nullptr; }     // as Endpoint::loop_ring
};

// One client's server: its Endpoint, as every mode serves a single peer.
class SingleClientServer final : public FanInServer {
public:
    explicit SingleClientServer(std::unique_ptr<Endpoint> ep) : ep_(std::move(ep)) {}
    Arrival recv_any(std::span<std::byte> buf) override { return {0, ep_->recv(buf)}; }
    void send(unsigned, std::span<const std::byte> msg) override { ep_->send(msg); }
    std::string describe() const override { return ep_->describe(); }
    std::uint64_t slow_waits() const override { return ep_->slow_waits(); }
    ZeroCopy *zero_copy() override { return ep_->zero_copy(); }
    Uring *loop_ring() override { return ep_->loop_ring(); }

private:
    std::unique_ptr<Endpoint> ep_;
};

}  // namespace ipcb
