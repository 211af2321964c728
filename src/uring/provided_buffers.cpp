#include "uring/provided_buffers.hpp"

#include <sys/mman.h>

#include <bit>

#include "core/sys.hpp"

namespace ipcb {

ProvidedBuffers::ProvidedBuffers(Uring &ring, unsigned count, std::size_t size, unsigned short group)
    : ring_(ring), count_(std::bit_ceil(count)), size_(size), group_(group), memory_(count_ * size) {
    const std::size_t ring_bytes = count_ * sizeof(io_uring_buf);
    void *p = ::mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw_errno("mmap(provided buffer ring)");
    br_ = static_cast<io_uring_buf_ring *>(p);
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uintptr_t>(br_);
    reg.ring_entries = count_;
    reg.bgid = group;
    if (int rc = io_uring_register_buf_ring(ring.get(), &reg, 0); rc < 0) {
        ::munmap(br_, ring_bytes);
        throw_errno("io_uring_register_buf_ring", -rc);
    }
    io_uring_buf_ring_init(br_);
    for (unsigned id = 0; id < count_; ++id)
        io_uring_buf_ring_add(br_, memory_.data() + id * size_, unsigned(size_), (unsigned short)id,
                              io_uring_buf_ring_mask(count_), int(id));
    io_uring_buf_ring_advance(br_, int(count_));
}

ProvidedBuffers::~ProvidedBuffers() {
    io_uring_unregister_buf_ring(ring_.get(), group_);
    ::munmap(br_, count_ * sizeof(io_uring_buf));
}

std::span<const std::byte> ProvidedBuffers::buffer(unsigned id, std::size_t len) const {
    if (id >= count_ || len > size_)
        throw Error("io_uring: completion names buffer " + std::to_string(id) + " of " + std::to_string(count_) +
                    " with " + std::to_string(len) + " bytes");
    return {memory_.data() + id * size_, len};
}

void ProvidedBuffers::recycle(unsigned id) {
    io_uring_buf_ring_add(br_, memory_.data() + id * size_, unsigned(size_), (unsigned short)id,
                          io_uring_buf_ring_mask(count_), 0);
    io_uring_buf_ring_advance(br_, 1);
}

}  // namespace ipcb
