#pragma once
// Shared by the thread tests of the rings (test_rings.cpp) and of the loop integrations
// (test_loop_sleepers.cpp): ring memory aligned as a shared mapping is, and two sides run in two
// threads with each side's first error kept.
#include <functional>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "rings/spsc_byte_ring.hpp"

namespace ipcb::test {

struct RingMemory {
    explicit RingMemory(std::size_t capacity)
        : bytes(SpscByteRing::footprint(capacity)),
          mem(static_cast<std::byte *>(::operator new(bytes, std::align_val_t(kCacheLine)))),
          ring(SpscByteRing::create(mem, capacity)) {}
    ~RingMemory() { ::operator delete(mem, std::align_val_t(kCacheLine)); }
    RingMemory(const RingMemory &) = delete;
    RingMemory &operator=(const RingMemory &) = delete;
    std::size_t bytes;
    std::byte *mem;
    SpscByteRing::Shared *ring;
};

// Runs side_b in a thread and side_a here; returns the first error of each ("" if none). Each
// side keeps going after a content error (the other would block), not after a throw.
inline std::pair<std::string, std::string> run_two_sides(const std::function<void(std::string &)> &side_a,
                                                         const std::function<void(std::string &)> &side_b) {
    std::string error_a, error_b;
    auto guarded = [](const std::function<void(std::string &)> &side, std::string &error) {
        try {
            side(error);
        } catch (const std::exception &e) {
            error = e.what();
        }
    };
    std::thread thread_b([&] { guarded(side_b, error_b); });
    guarded(side_a, error_a);
    thread_b.join();
    return {error_a, error_b};
}

}  // namespace ipcb::test
