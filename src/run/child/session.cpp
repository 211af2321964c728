#include "run/child/session.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace ipcb {

MappedSession::MappedSession(int fd) {
    void *p = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) throw_errno("mmap(session page)");
    page_ = static_cast<SessionPage *>(p);
}

MappedSession::~MappedSession() { ::munmap(page_, 4096); }

Fd create_session_memfd() {
    Fd fd(int(check_sys(::memfd_create("ipc_benchmark-session", MFD_CLOEXEC), "memfd_create")));
    check_sys(::ftruncate(fd.get(), 4096), "ftruncate(session page)");
    return fd;
}

}  // namespace ipcb
