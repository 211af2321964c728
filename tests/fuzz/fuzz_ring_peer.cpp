// libFuzzer target: a hostile peer against the ring endpoints and the handshake. The input is a
// script of steps: the peer writes arbitrary bytes anywhere into the shared memory of a lock-free
// ring pair and of a mutex ring (headers, indices, data), and this side pushes and pops between
// those writes, as a real endpoint does (a copying pair, and a zero-copy pair whose records this
// side loans, commits, peeks and releases, skip markers included). This side must finish every step normally or with an
// exception (a failed session): never crash, read or write outside its mapping (ASan), or hang.
// The handshake is fed the script's text as a client's hello.
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "ipc/rendezvous.hpp"
#include "rings/locked_ring.hpp"
#include "rings/spsc_byte_ring.hpp"
#include "run/child/handshake.hpp"

namespace {

using namespace ipcb;

constexpr std::size_t kMaxMessage = 4096;
constexpr std::size_t kCapacity = 2 * SpscByteRing::record_bytes(kMaxMessage);
// lfshm-zc's rings hold one record more (LockFreeDuplexEndpoint::ring_capacity)
constexpr std::size_t kZeroCopyCapacity = 3 * SpscByteRing::record_bytes(kMaxMessage);

// Cache-line aligned memory standing in for a shared region.
struct Area {
    explicit Area(std::size_t n) : store(n + kCacheLine), bytes(n) {
        const auto p = reinterpret_cast<std::uintptr_t>(store.data());
        base = store.data() + ((kCacheLine - p % kCacheLine) % kCacheLine);
    }
    std::vector<std::byte> store;
    std::size_t bytes;
    std::byte *base;
};

void handshake(const std::uint8_t *data, std::size_t size) {
    if (size == 0) return;  // nothing to read: the handshake would wait for its timeout
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) return;
    Channel server(Fd{fds[0]}), client(Fd{fds[1]});
    if (::send(fds[1], data, std::min<std::size_t>(size, 4000), MSG_DONTWAIT) < 0) return;
    try {
        RunConfig own;
        own.mode = "uds";
        server_handshake(server, own);
    } catch (const std::exception &) {}
}

}  // namespace

namespace {
volatile unsigned sink;  // keeps the reads of peeked records
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    handshake(data, size);
    static Area lockfree(2 * SpscByteRing::footprint(kCapacity)), locked_area(LockedRing::footprint(kCapacity)),
        zero_copy(2 * SpscByteRing::footprint(kZeroCopyCapacity));
    std::memset(lockfree.base, 0, lockfree.bytes);
    std::memset(zero_copy.base, 0, zero_copy.bytes);
    std::memset(locked_area.base, 0, locked_area.bytes);
    auto *request = SpscByteRing::create(lockfree.base, kCapacity);
    auto *response = SpscByteRing::create(lockfree.base + SpscByteRing::footprint(kCapacity), kCapacity);
    SpscByteRing::Producer producer(request);  // private copies taken here, as an endpoint does
    SpscByteRing::Consumer consumer(response);
    consumer.on_stall = [] { throw Error("stalled"); };  // a record the peer never finishes
    LockedRingView locked(LockedRing::create(locked_area.base, kCapacity), kCapacity);
    SpscByteRing::Producer lender(SpscByteRing::create(zero_copy.base, kZeroCopyCapacity));
    SpscByteRing::Consumer peeker(
        SpscByteRing::create(zero_copy.base + SpscByteRing::footprint(kZeroCopyCapacity), kZeroCopyCapacity));
    std::vector<std::byte> msg(kMaxMessage, std::byte{7}), buf(kMaxMessage);

    // Steps of 4 bytes: [op, a, b, c]; op%7: 0 the peer writes c at lock-free offset a*256+b,
    // 1 the peer writes it into the mutex ring, 2 this side pushes (a*16+b bytes), 3 it pops;
    // 4 the peer writes c into the zero-copy rings at a*256+b, 5 this side loans a*16+b bytes,
    // fills and commits them, 6 it peeks a record, reads every byte of it and releases it.
    for (std::size_t i = 0; i + 4 <= size; i += 4) {
        const std::uint8_t op = data[i], a = data[i + 1], b = data[i + 2], c = data[i + 3];
        const std::size_t offset = std::size_t(a) * 256 + b;
        try {
            switch (op % 7) {
            case 0: lockfree.base[offset % lockfree.bytes] = std::byte{c}; break;
            case 1: locked_area.base[offset % locked_area.bytes] = std::byte{c}; break;
            case 2: {
                const std::size_t n = (std::size_t(a) * 16 + b) % (kMaxMessage + 1);
                producer.try_push(std::span(msg).first(n));
                if (locked.fits(n)) locked.push(std::span(msg).first(n));
                break;
            }
            case 3:
                consumer.try_pop(buf);
                if (!locked.empty()) locked.pop(buf);
                break;
            case 4: zero_copy.base[offset % zero_copy.bytes] = std::byte{c}; break;
            case 5: {
                const std::size_t n = (std::size_t(a) * 16 + b) % (kMaxMessage + 1);
                if (std::byte *slot = lender.try_loan(n)) {
                    std::memcpy(slot, msg.data(), n);
                    lender.commit(n);
                }
                break;
            }
            case 6:
                if (const auto record = peeker.try_peek()) {
                    // every byte read where it lies: ASan flags a record reaching outside the mapping
                    std::memcpy(buf.data(), record->data(), std::min(record->size(), buf.size()));
                    std::uint8_t sum = 0;
                    for (std::byte x : *record) sum = std::uint8_t(sum + std::uint8_t(x));
                    sink += sum;
                    peeker.release();
                }
                break;
            }
        } catch (const std::exception &) {
            // a failed session: what a hostile peer may cause
        }
    }
    return 0;
}
