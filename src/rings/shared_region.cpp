#include "rings/shared_region.hpp"

#include <linux/mempolicy.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "ipc/rendezvous.hpp"

namespace ipcb {

SharedRegion::SharedRegion(Fd fd, std::size_t size, bool populate) : fd_(std::move(fd)), size_(size) {
    void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | (populate ? MAP_POPULATE : 0), fd_.get(), 0);
    if (p == MAP_FAILED) throw_errno("mmap(shared memory)");
    base_ = static_cast<std::byte *>(p);
}

SharedRegion::SharedRegion(SharedRegion &&o) noexcept
    : fd_(std::move(o.fd_)), base_(std::exchange(o.base_, nullptr)), size_(std::exchange(o.size_, 0)) {}

SharedRegion::~SharedRegion() {
    if (base_) ::munmap(base_, size_);
}

namespace {

int g_bind_node = -1;
std::map<std::string, std::uint64_t> g_pages_by_node;

// Binds the mapping's shared policy to `node` before any page exists (shmem keeps the policy
// on the object, so the peer's faults land there too), then faults every page in.
void bind_and_populate(std::byte *base, std::size_t size, int node) {
    unsigned long mask[16] = {};
    if (node < 0 || node >= int(8 * sizeof mask)) throw Error("memory node " + std::to_string(node) + " out of range");
    mask[node / (8 * sizeof(unsigned long))] |= 1UL << (node % (8 * sizeof(unsigned long)));
    if (::syscall(SYS_mbind, base, size, MPOL_BIND, mask, 8 * sizeof mask, MPOL_MF_STRICT) != 0)
        throw_errno("mbind(node " + std::to_string(node) + ")");
    const long page = ::sysconf(_SC_PAGESIZE);
    for (std::size_t off = 0; off < size; off += std::size_t(page)) base[off] = std::byte{0};
}

// Which node holds each page (a sample of at most 4096, evenly spread), counted.
void count_pages_by_node(const std::byte *base, std::size_t size) {
    const std::size_t page = std::size_t(::sysconf(_SC_PAGESIZE)), pages = (size + page - 1) / page;
    const std::size_t step = std::max<std::size_t>(1, pages / 4096);
    std::vector<void *> addrs;
    for (std::size_t i = 0; i < pages; i += step) addrs.push_back(const_cast<std::byte *>(base) + i * page);
    std::vector<int> status(addrs.size(), -1);
    if (::syscall(SYS_move_pages, 0, addrs.size(), addrs.data(), nullptr, status.data(), 0) != 0) {
        g_pages_by_node["unknown"] += pages;
        return;
    }
    for (int s : status) g_pages_by_node[s >= 0 ? std::to_string(s) : "unknown"] += step;
}

}  // namespace

void SharedRegion::bind_created_regions_to(int node) { g_bind_node = node; }
std::map<std::string, std::uint64_t> SharedRegion::pages_by_node() { return g_pages_by_node; }

SharedRegion SharedRegion::create_and_send(Channel &channel, std::size_t bytes, const char *name) {
    Fd fd(int(check_sys(::memfd_create(name, MFD_CLOEXEC), "memfd_create")));
    check_sys(::ftruncate(fd.get(), off_t(bytes)), "ftruncate(memfd)");
    // MAP_POPULATE (or the touch after mbind): no page faults inside the timed loop
    SharedRegion region(std::move(fd), bytes, g_bind_node < 0);
    if (g_bind_node >= 0) bind_and_populate(region.base_, bytes, g_bind_node);
    count_pages_by_node(region.base_, bytes);
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
