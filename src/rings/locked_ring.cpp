#include "rings/locked_ring.hpp"

#include <cerrno>
#include <new>
#include <stdexcept>
#include <string>

#include "core/sys.hpp"
#include "rings/record_format.hpp"

namespace ipcb {
namespace {

timespec deadline_after_ms(int ms, clockid_t clock = CLOCK_MONOTONIC) {
    return timespec_of_ns(clock_ns(clock) + std::uint64_t(ms) * 1'000'000u);
}

void check_pthread(int rc, const char *what) {
    if (rc != 0) throw_errno(what, rc);
}

}  // namespace

std::size_t LockedRing::footprint(std::size_t capacity) {
    return ((sizeof(LockedRing) + kCacheLine - 1) & ~(kCacheLine - 1)) + capacity;
}

LockedRing *LockedRing::create(void *mem, std::size_t capacity) {
    auto *r = new (mem) LockedRing;
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    check_pthread(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), "pthread_mutexattr_setpshared");
    check_pthread(pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST), "pthread_mutexattr_setrobust");
    check_pthread(pthread_mutex_init(&r->mutex, &ma), "pthread_mutex_init");
    pthread_mutexattr_destroy(&ma);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    check_pthread(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), "pthread_condattr_setpshared");
    check_pthread(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), "pthread_condattr_setclock");
    check_pthread(pthread_cond_init(&r->not_empty, &ca), "pthread_cond_init");
    check_pthread(pthread_cond_init(&r->not_full, &ca), "pthread_cond_init");
    pthread_condattr_destroy(&ca);
    r->capacity = capacity;
    r->data_offset = footprint(0);
    return r;
}

LockedRingView::LockedRingView(LockedRing *ring, std::size_t capacity)
    : ring_(ring), data_(reinterpret_cast<std::byte *>(ring) + LockedRing::footprint(0)), capacity_(capacity) {
    if (ring->capacity != capacity || ring->data_offset != LockedRing::footprint(0))
        throw Error("shm: the shared ring's header says capacity " + std::to_string(ring->capacity) + ", data at " +
                    std::to_string(ring->data_offset) + "; this side expects " + std::to_string(capacity) + " at " +
                    std::to_string(LockedRing::footprint(0)));
}

namespace {

// Records start 8-aligned, and a header never wraps only because of that: an index that is not
// 8-aligned was written by a broken or hostile peer.
void check_aligned(const LockedRing &r) {
    if ((r.head | r.tail) % 8 != 0)
        throw Error("shm: corrupt ring indices (head " + std::to_string(r.head) + ", tail " + std::to_string(r.tail) +
                    ")");
}

}  // namespace

bool LockedRingView::fits(std::size_t payload) const {
    check_aligned(*ring_);
    const std::uint64_t used = ring_->tail - ring_->head;
    return used <= capacity_ && capacity_ - used >= record::bytes(payload);
}

void LockedRingView::push(std::span<const std::byte> msg) {
    record::write(data_, capacity_, ring_->tail, msg);
    ring_->tail += record::bytes(msg.size());
}

std::size_t LockedRingView::pop(std::span<std::byte> out) {
    check_aligned(*ring_);
    const std::uint32_t len = record::length_at(data_, capacity_, ring_->head);
    if (len > out.size() || record::bytes(len) > ring_->tail - ring_->head)
        throw Error("shm: corrupt record length " + std::to_string(len));
    record::read(data_, capacity_, ring_->head, out.first(len));
    ring_->head += record::bytes(len);
    return len;
}

RingLock::RingLock(LockedRing &ring, const std::function<void()> &alive) : ring_(ring), alive_(alive) {
    for (;;) {
        // timedlock (CLOCK_REALTIME) rather than clocklock: ThreadSanitizer does not intercept
        // pthread_mutex_clocklock and would then misread every later unlock. A clock step only
        // changes how often liveness is checked.
        timespec deadline = deadline_after_ms(kTickMs, CLOCK_REALTIME);
        int rc = pthread_mutex_timedlock(&ring.mutex, &deadline);
        if (rc == 0) return;
        if (rc == EOWNERDEAD) {
            pthread_mutex_consistent(&ring.mutex);
            pthread_mutex_unlock(&ring.mutex);
            throw Error("shm: the peer died holding the ring mutex (EOWNERDEAD)");
        }
        if (rc != ETIMEDOUT) throw_errno("pthread_mutex_timedlock", rc);
        if (alive) alive();
    }
}

RingLock::~RingLock() { pthread_mutex_unlock(&ring_.mutex); }

void RingLock::wait(pthread_cond_t &cond) {
    timespec deadline = deadline_after_ms(kTickMs);
    int rc = pthread_cond_clockwait(&cond, &ring_.mutex, CLOCK_MONOTONIC, &deadline);
    if (rc == EOWNERDEAD) {
        pthread_mutex_consistent(&ring_.mutex);
        throw Error("shm: the peer died holding the ring mutex (EOWNERDEAD)");
    }
    if (rc != 0 && rc != ETIMEDOUT) throw_errno("pthread_cond_clockwait", rc);
    if (rc == ETIMEDOUT && alive_) alive_();
}

}  // namespace ipcb
