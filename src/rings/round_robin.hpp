#pragma once
// How a fan-in server picks the next client (shm, and the lfshm family): it polls the clients'
// rings in turn, starting after the client it served last, so a busy client cannot starve the
// others; a client that sent its end-of-session (an empty message) is skipped from then on.
#include <cstddef>
#include <optional>
#include <vector>

#include "ipc/endpoint.hpp"

namespace ipcb {

class RoundRobin {
public:
    explicit RoundRobin(std::size_t clients) : finished_(clients, false) {}

    // One pass over the live clients: try_recv(c) returns the bytes received from client c, or
    // nullopt when it has nothing. The first arrival is returned (an empty one marks c finished).
    template <class TryRecv>
    std::optional<FanInServer::Arrival> poll(TryRecv try_recv) {
        const unsigned n = unsigned(finished_.size());
        for (unsigned k = 0; k < n; ++k) {
            const unsigned c = (next_ + k) % n;
            if (finished_[c]) continue;
            if (std::optional<std::size_t> got = try_recv(c)) {
                next_ = c + 1;
                finished_[c] = *got == 0;
                return FanInServer::Arrival{c, *got};
            }
        }
        return std::nullopt;
    }

    bool finished(std::size_t client) const { return finished_[client]; }
    std::size_t clients() const { return finished_.size(); }

private:
    std::vector<bool> finished_;
    unsigned next_ = 0;  // where the next pass starts
};

}  // namespace ipcb
