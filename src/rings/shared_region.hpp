#pragma once
// A memfd mapped MAP_SHARED: created by the server, passed to the client over the channel. A
// memfd has no name in any filesystem, so nothing is left behind when both processes exit, even
// after SIGKILL (unlike shm_open segments in /dev/shm).
#include <cstddef>

#include "core/sys.hpp"

namespace ipcb {

class Channel;

class SharedRegion {
public:
    // Server: creates, maps and sends the fd to the peer.
    static SharedRegion create_and_send(Channel &channel, std::size_t bytes, const char *name);
    // Client: receives the fd and maps it, if it is a file of exactly expected_bytes (the size this
    // side computes from the run's parameters); throws otherwise.
    static SharedRegion receive(Channel &channel, std::size_t expected_bytes);

    SharedRegion(SharedRegion &&o) noexcept;
    SharedRegion &operator=(SharedRegion &&) = delete;
    SharedRegion(const SharedRegion &) = delete;
    ~SharedRegion();

    std::byte *data() const { return base_; }
    std::size_t size() const { return size_; }

private:
    SharedRegion(Fd fd, std::size_t size);
    Fd fd_;
    std::byte *base_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace ipcb
