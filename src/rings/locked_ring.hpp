#pragma once
// The traditional shared-memory ring: plain indices guarded by a process-shared, robust
// pthread_mutex, with process-shared CLOCK_MONOTONIC condition variables for "not empty" and
// "not full". Every wait is timed (so a dead peer is noticed) and a peer that died holding the
// mutex (EOWNERDEAD) fails the run instead of hanging it. Shared condvars are never destroyed:
// pthread_cond_destroy can hang once a waiter was killed inside pthread_cond_wait; the memory
// is simply unmapped.
#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "rings/spsc_byte_ring.hpp"

namespace ipcb {

struct LockedRing {
    pthread_mutex_t mutex;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    std::uint64_t head = 0, tail = 0;  // byte positions, guarded by mutex
    // Written once by the creator; each side works from its own copy (LockedRingView), never
    // from these, so a peer that scribbles over them cannot move this side's copies.
    std::uint64_t capacity = 0;
    std::uint64_t data_offset = 0;
    std::uint32_t consumer_armed = 0;  // the consumer's main loop waits for its helper's eventfd

    static std::size_t footprint(std::size_t capacity);
    static LockedRing *create(void *mem, std::size_t capacity);
};

// One side's handle on a LockedRing: the data area and capacity this side computed itself. The
// shared indices are only ever used modulo that capacity and a record's length is checked
// against the bytes published, so whatever a peer writes into the shared header, this side
// copies within its own mapping and fails with an Error instead of crashing.
class LockedRingView {
public:
    // Throws Error when the shared header disagrees with `capacity` (a corrupt or hostile peer).
    LockedRingView(LockedRing *ring, std::size_t capacity);
    LockedRing &operator*() const { return *ring_; }
    LockedRing *operator->() const { return ring_; }
    std::size_t capacity() const { return capacity_; }

    // Call with the mutex held.
    bool empty() const { return ring_->head == ring_->tail; }
    bool fits(std::size_t payload) const;
    void push(std::span<const std::byte> msg);  // requires fits()
    std::size_t pop(std::span<std::byte> out);  // requires !empty()

private:
    LockedRing *ring_;
    std::byte *data_;
    std::uint64_t capacity_;
};

// Holds a LockedRing's mutex. Locking and waiting are timed: at every tick without progress,
// alive() is called (it throws when the peer is gone). EOWNERDEAD (the peer died holding the
// lock) throws.
class RingLock {
public:
    static constexpr int kTickMs = 50;
    RingLock(LockedRing &ring, const std::function<void()> &alive);
    ~RingLock();
    RingLock(const RingLock &) = delete;
    RingLock &operator=(const RingLock &) = delete;
    // Waits on `cond` (releasing the mutex meanwhile) for a signal or one tick.
    void wait(pthread_cond_t &cond);

private:
    LockedRing &ring_;
    const std::function<void()> &alive_;
};

}  // namespace ipcb
