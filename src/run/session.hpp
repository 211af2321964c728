#pragma once
// The session page: one page of shared memory the server creates and passes in the handshake.
// The client announces its phase there; the server reads it after each message (a relaxed load
// of a line that changes twice per run) to time its own rusage to the client's timed phase.
#include <atomic>
#include <cstdint>

#include "core/sys.hpp"

namespace ipcb {

struct SessionPage {
    enum Phase : std::uint32_t { warmup = 0, timed = 1, done = 2 };
    std::atomic<std::uint32_t> phase{warmup};
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
