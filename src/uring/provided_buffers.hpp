#pragma once
// A ring of provided buffers (IORING_REGISTER_PBUF_RING) for a multishot RECV: the kernel picks a
// free buffer for each message and names it in the completion; the loop copies the message out
// and hands the buffer back.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "uring/uring.hpp"

namespace ipcb {

class ProvidedBuffers {
public:
    // `count` buffers (rounded up to a power of two) of `size` bytes, registered as group `group`.
    ProvidedBuffers(Uring &ring, unsigned count, std::size_t size, unsigned short group);
    ~ProvidedBuffers();
    ProvidedBuffers(const ProvidedBuffers &) = delete;
    ProvidedBuffers &operator=(const ProvidedBuffers &) = delete;

    std::span<const std::byte> buffer(unsigned id, std::size_t len) const;
    void recycle(unsigned id);  // back to the kernel
    unsigned short group() const { return group_; }

private:
    Uring &ring_;
    unsigned count_;
    std::size_t size_;
    unsigned short group_;
    io_uring_buf_ring *br_ = nullptr;  // page-aligned, registered with the kernel
    std::vector<std::byte> memory_;
};

}  // namespace ipcb
