#pragma once
// A memfd mapped MAP_SHARED: created by the server, passed to the client over the channel. A
// memfd has no name in any filesystem, so nothing is left behind when both processes exit, even
// after SIGKILL (unlike shm_open segments in /dev/shm).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

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

    // The NUMA node the pages of regions this process creates from now on are bound to
    // (mbind MPOL_BIND before the first touch); -1, the default: wherever the creating side's first
    // touch puts them (its own node, as it is pinned). A process-wide setting, as a role is one
    // process with one session.
    static void bind_created_regions_to(int node);
    // Pages of the regions this process created, by the node that holds them (move_pages query:
    // "0", "1", ...; "unknown" where the kernel would not say), summed over regions.
    static std::map<std::string, std::uint64_t> pages_by_node();

private:
    SharedRegion(Fd fd, std::size_t size, bool populate = true);
    Fd fd_;
    std::byte *base_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace ipcb
