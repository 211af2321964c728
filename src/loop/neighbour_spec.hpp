#pragma once
// The neighbours of a run (--neighbours): other work in the server's event loop, a third process
// with CONNS TCP connections over loopback sending requests at RATE per second in all (open loop),
// each echoed by the server's loop after WORK of CPU. Written "none" or "CONNS@RATE" with optional
// ",size=BYTES" (default 512) and ",work=TIME" (default 0; ns, us, ms or s).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ipcb {

inline constexpr unsigned kMaxNeighbourConnections = 512;  // within a process's default 1024 fds
inline constexpr std::size_t kMinNeighbourSize = 64;       // room for the payload stamps
inline constexpr std::size_t kMaxNeighbourSize = 64 * 1024;
inline constexpr std::uint64_t kMaxNeighbourWorkNs = 10'000'000;  // 10 ms per request
inline constexpr double kMaxNeighbourRate = 1e6;
// Requests one connection keeps outstanding at most (as the client's open loop has max-inflight).
inline constexpr unsigned kNeighbourWindow = 16;

struct NeighbourSpec {
    unsigned connections = 0;   // 0: none
    double rate = 0;            // requests per second over all connections
    std::size_t size = 512;     // bytes per request and per response
    std::uint64_t work_ns = 0;  // CPU the server spends on each request before answering
    bool none() const { return connections == 0; }
    std::string text() const;  // "none", "8@5000", "8@5000,size=4096,work=20us"
};

// Throws std::invalid_argument naming what is wrong.
NeighbourSpec parse_neighbour_spec(std::string_view text);
// A list: specs joined by ',' ("none,8@5000,64@20000,size=4096"); a key=value belongs to the
// spec before it.
std::vector<NeighbourSpec> parse_neighbour_list(std::string_view text);

}  // namespace ipcb
