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
    timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_nsec += long(ms % 1000) * 1'000'000;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1'000'000'000;
    ts.tv_nsec %= 1'000'000'000;
    return ts;
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

bool LockedRing::fits(std::size_t payload) const { return capacity - (tail - head) >= record::bytes(payload); }

void LockedRing::push(std::span<const std::byte> msg) {
    record::write(data(), capacity, tail, msg);
    tail += record::bytes(msg.size());
}

std::size_t LockedRing::pop(std::span<std::byte> out) {
    const std::uint32_t len = record::length_at(data(), capacity, head);
    if (len > out.size() || record::bytes(len) > tail - head)
        throw Error("shm: corrupt record length " + std::to_string(len));
    record::read(data(), capacity, head, out.first(len));
    head += record::bytes(len);
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
