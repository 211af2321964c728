#pragma once
// The shared memory of a duplex (both ring families): one memfd with a header page, then the
// request ring, then the response ring. The server sizes, maps and passes it, builds the rings
// (and whatever the family keeps in the header page), publishes the magic and says
// "layout-ready"; the client maps the fd it received, waits for that message and checks the
// magic and the sizes before it touches a ring.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "ipc/endpoint.hpp"
#include "rings/shared_region.hpp"

namespace ipcb {

class DuplexRegion {
public:
    static constexpr std::size_t kHeaderBytes = 4096;
    static constexpr std::size_t kFamilyOffset = 64;  // the family's part of the header page
    static constexpr std::size_t kFamilyBytes = kHeaderBytes - kFamilyOffset;

    struct Family {
        const char *label;       // "shm", "lfshm": names the memfd and prefixes errors
        std::uint64_t magic;     // identifies the family's layout
        std::size_t ring_bytes;  // each ring's footprint (a multiple of 64): both sides compute it
        // Server only: constructs the family's header part and both rings in fresh memory.
        std::function<void(std::byte *family_area, std::byte *request_ring, std::byte *response_ring)> build;
    };

    DuplexRegion(Role role, Channel &channel, const Family &family);

    std::byte *family_area() const { return region_.data() + kFamilyOffset; }
    std::byte *request_ring() const { return ring(0); }
    std::byte *response_ring() const { return ring(1); }

private:
    struct Header {
        std::atomic<std::uint64_t> magic;
        std::uint64_t ring_bytes;
    };
    std::byte *ring(int i) const { return region_.data() + kHeaderBytes + std::size_t(i) * ring_bytes_; }

    SharedRegion region_;
    std::size_t ring_bytes_ = 0;
};

}  // namespace ipcb
