#include "rings/shared_region.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include "ipc/rendezvous.hpp"

namespace ipcb {

SharedRegion::SharedRegion(Fd fd, std::size_t size) : fd_(std::move(fd)), size_(size) {
    void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_.get(), 0);
    if (p == MAP_FAILED) throw_errno("mmap(shared memory)");
    base_ = static_cast<std::byte *>(p);
}

SharedRegion::SharedRegion(SharedRegion &&o) noexcept
    : fd_(std::move(o.fd_)), base_(std::exchange(o.base_, nullptr)), size_(std::exchange(o.size_, 0)) {}

SharedRegion::~SharedRegion() {
    if (base_) ::munmap(base_, size_);
}

SharedRegion SharedRegion::create_and_send(Channel &channel, std::size_t bytes, const char *name) {
    Fd fd(int(check_sys(::memfd_create(name, MFD_CLOEXEC), "memfd_create")));
    check_sys(::ftruncate(fd.get(), off_t(bytes)), "ftruncate(memfd)");
    SharedRegion region(std::move(fd), bytes);  // MAP_POPULATE: no page faults inside the timed loop
    channel.send_fd(region.fd_.get());
    return region;
}

SharedRegion SharedRegion::receive(Channel &channel, std::size_t expected_bytes) {
    Fd fd = channel.recv_fd(10'000);
    struct stat st {};
    check_sys(::fstat(fd.get(), &st), "fstat(memfd)");
    // Checked before mapping (MAP_POPULATE would fault in whatever size the peer chose).
    if (!S_ISREG(st.st_mode) || std::size_t(st.st_size) != expected_bytes)
        throw Error("peer passed a shared memory region of " + std::to_string(st.st_size) + " bytes; this run needs " +
                    std::to_string(expected_bytes));
    return SharedRegion(std::move(fd), expected_bytes);
}

}  // namespace ipcb
