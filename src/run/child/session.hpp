#pragma once
// The session page: one page of shared memory the server creates and passes in the handshake.
// Each client counts itself in when its timed phase starts and when it is done; the server reads
// the counts after each message (relaxed loads of a line that changes twice per client and run)
// to time its own rusage to the clients' timed phase: from the first client's start to the end.
#include <atomic>
#include <cstdint>

#include "core/sys.hpp"

namespace ipcb {

// Before the timed phase each client counts system calls in a counting phase; the server counts
// from the first request after a client began counting to the first after every client ended,
// then closes its counters and says so; a client starts its timed phase only after that.
struct SessionPage {
    std::atomic<std::uint32_t> counting_clients{0};        // clients that started their counting phase
    std::atomic<std::uint32_t> counted_clients{0};         // clients whose counting phase ended
    std::atomic<std::uint32_t> server_counting_closed{0};  // 1: the server's counters are closed
    std::atomic<std::uint32_t> timed_clients{0};           // clients that started their timed phase
    std::atomic<std::uint32_t> done_clients{0};            // clients whose timed phase ended
};

// A SessionPage mapped from its memfd, unmapped on destruction.
class MappedSession {
public:
    explicit MappedSession(int fd);
    ~MappedSession();
    MappedSession(const MappedSession &) = delete;
    MappedSession &operator=(const MappedSession &) = delete;
    SessionPage *operator->() { return page_; }
    SessionPage &operator*() { return *page_; }

private:
    SessionPage *page_;
};

// A fresh page-sized memfd for a SessionPage (server side).
Fd create_session_memfd();

}  // namespace ipcb
