#pragma once
// A lock-free single-producer/single-consumer ring of variable-size records (record_format.hpp),
// laid out in memory that may be shared between processes (everything in Shared is
// address-free: indices, not pointers).
//
// Large records are streamed: past 32 KiB the producer publishes its tail after every eighth of a
// record, so a consumer that is polling starts copying the first chunk out while the producer
// copies the next one in. The two copies of a message (in, then out) overlap instead of adding
// up; each runs on its own core and moves lines the other core owns, so this is where the time
// goes. Records up to 32 KiB are published whole (RingTuning::small_chunk says why). The rest
// of a transfer's cost is cache-line ownership moving between cores, which two prefetches take
// off the critical path: the producer warms its next slot while it waits (warm_next), and the
// consumer requests a record's lines before reading its header.
//
// Indices are monotonically increasing byte counts (never wrapped; 2^64 bytes is centuries);
// the offset in the data area is index % capacity. Each side keeps a cached copy of the other
// side's index in its own (process-private) view and rereads the shared one only when the cached
// value says the ring is full/empty, so in the common case a push or pop touches only its own
// cache line plus the data (the idea of rigtorp's SPSCQueue).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "core/sys.hpp"
#include "rings/record_format.hpp"

namespace ipcb {

inline constexpr std::size_t kCacheLine = 64;

// How a side moves cache lines off the critical path. The defaults are what lfshm uses; the
// other values exist so tools/ring_cost can take the protocol apart piece by piece.
struct RingTuning {
    // Records up to small_limit bytes are published in chunks of small_chunk bytes (0: whole
    // records); larger ones in eighths. Each partial publish moves the tail's line to a polling consumer,
    // and with the producer's warming a small record's copy is short enough that overlapping it
    // gains less than those moves cost: on an AMD EPYC 2-vCPU VM, 1 KiB chunks made lfshm's 4 KiB
    // round trip 2.60 us against 1.98 us whole (A/B of the harness, 5 pairs; tools/ring_cost's
    // "repeating" against "whole"); on the Intel Xeon VM the two were equal within noise. Whole
    // up to 32 KiB: on that AMD host eighths cost 8 KiB 4.67 against 2.56 us whole (harness A/B),
    // and in ring_cost 16 KiB 8.1 against 4.1 us, 32 KiB 9.2 against 6.5, 64 KiB equal (10.4,
    // 10.2); on the Intel host eighths won from 64 KiB (14.9 against 17.7 us); 16-32 KiB were not
    // measured there.
    std::size_t small_chunk = 0;
    std::size_t small_limit = 32 * 1024;
    bool chunk_large = true;              // false: large records are published whole too
    std::uint64_t warm_bytes = 8192;      // producer: warm up to this much of its next slot
    std::uint64_t prefetch_bytes = 8192;  // consumer: request this much of a record first
};

class SpscByteRing {
public:
    static constexpr std::size_t record_bytes(std::size_t payload) { return record::bytes(payload); }

    using Tuning = RingTuning;

    // The part in shared memory. tail is written only by the producer, head only by the consumer;
    // each has its own cache line so the two sides never write the same line.
    struct Shared {
        alignas(kCacheLine) std::atomic<std::uint64_t> tail{0};  // bytes published by the producer
        alignas(kCacheLine) std::atomic<std::uint64_t> head{0};  // bytes released by the consumer
        alignas(kCacheLine) std::uint64_t capacity = 0;          // bytes in the data area (multiple of 8)
        std::uint64_t data_offset = 0;                           // from this struct to the data area
        std::byte *data() { return reinterpret_cast<std::byte *>(this) + data_offset; }
    };
    static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared atomics must be lock-free");

    // Bytes needed for a ring with `capacity` data bytes (header + data, cache-line aligned).
    static std::size_t footprint(std::size_t capacity) { return align(sizeof(Shared)) + align(capacity); }
    // Constructs a ring in `mem` (footprint(capacity) bytes, cache-line aligned).
    static Shared *create(void *mem, std::size_t capacity) {
        if (capacity % 8 != 0 || capacity < record_bytes(1))
            throw std::invalid_argument("ring capacity must be a multiple of 8 and hold a record");
        auto *s = new (mem) Shared;
        s->capacity = capacity;
        s->data_offset = align(sizeof(Shared));
        return s;
    }

    class Producer {
    public:
        explicit Producer(Shared *s, Tuning tuning = {})
            : tuning_(tuning),
              s_(s),
              data_(s->data()),
              cap_(s->capacity),
              tail_(s->tail.load(std::memory_order_relaxed)),
              head_cache_(s->head.load(std::memory_order_acquire)) {}
        // Appends one record; false when it does not fit now (the consumer has not freed space yet).
        bool try_push(std::span<const std::byte> msg) {
            const std::size_t need = record_bytes(msg.size());
            if (need > cap_) throw Error("record of " + std::to_string(msg.size()) + " bytes exceeds the ring");
            if (cap_ - (tail_ - head_cache_) < need) {
                head_cache_ = s_->head.load(std::memory_order_acquire);  // pairs with the consumer's release
                if (cap_ - (tail_ - head_cache_) < need) return false;
            }
            record::write_header(data_, cap_, tail_, msg.size());
            const std::size_t chunk = chunk_bytes(msg.size(), tuning_);
            const std::uint64_t payload = tail_ + record::kHeader;
            for (std::size_t done = 0; done < msg.size();) {
                const std::size_t n = std::min(chunk, msg.size() - done);
                record::put(data_, cap_, payload + done, msg.data() + done, n);
                done += n;
                if (done < msg.size()) s_->tail.store(payload + done, std::memory_order_release);  // partial
            }
            tail_ += need;
            last_record_ = need;
            s_->tail.store(tail_, std::memory_order_release);  // the whole record, with its padding
            return true;
        }
        // Pulls the lines the next record will occupy into this core's cache with write ownership,
        // so that copying it in later hits local lines. Meant for idle time (waiting for the
        // peer): the consumer read those lines on the previous lap, so each write would
        // otherwise first have to invalidate the consumer's copy, on the critical path. Only
        // free bytes are touched, from the first line that holds no published byte (when the
        // capacity is a multiple of 64; else a line may be shared, which costs time, not
        // correctness: a prefetch never changes memory), for as many bytes as the last record up
        // to 8 KiB: warming a whole 128 KiB slot competes with the consumer still copying out
        // the current record and made 128 KiB round trips slower (docs/measurements.md, "Why the code is as
        // it is").
        void warm_next() {
            head_cache_ = s_->head.load(std::memory_order_acquire);
            const std::uint64_t begin = (tail_ + kCacheLine - 1) & ~std::uint64_t(kCacheLine - 1);
            const std::uint64_t end = std::min(tail_ + std::min(last_record_, tuning_.warm_bytes), head_cache_ + cap_);
            for (std::uint64_t pos = begin; pos < end; pos += kCacheLine) prefetch_for_write(data_ + pos % cap_);
        }
        // Zero-copy (lfshm-zc): a contiguous slot for a record of `payload` bytes, to be written in
        // place and published by commit(); nullptr when it does not fit now. A record that would
        // wrap past the ring's end starts at its beginning instead, behind a skip marker (one
        // header) that fills the end; a ring whose capacity is a multiple of the record never needs
        // one, and every record then lands on the same lines lap after lap.
        std::byte *try_loan(std::size_t payload) {
            const std::size_t need = record_bytes(payload);
            if (need > cap_) throw Error("record of " + std::to_string(payload) + " bytes exceeds the ring");
            const std::size_t off = tail_ % cap_;
            const std::size_t skip = cap_ - off < need ? cap_ - off : 0;
            if (cap_ - (tail_ - head_cache_) < skip + need) {
                head_cache_ = s_->head.load(std::memory_order_acquire);  // pairs with the consumer's release
                if (cap_ - (tail_ - head_cache_) < skip + need) return nullptr;
            }
            if (skip) {
                record::write_header(data_, cap_, tail_, record::kSkip);  // published with the record
                tail_ += skip;
            }
            return data_ + tail_ % cap_ + record::kHeader;
        }
        // Publishes the record written into the last loan (payload bytes of it).
        void commit(std::size_t payload) {
            record::write_header(data_, cap_, tail_, payload);
            tail_ += record_bytes(payload);
            last_record_ = record_bytes(payload);
            s_->tail.store(tail_, std::memory_order_release);  // the header, the payload and any skip
        }
        // Whether a record of `payload` bytes would fit now (rereads the consumer's index).
        bool fits(std::size_t payload) {
            head_cache_ = s_->head.load(std::memory_order_acquire);
            return cap_ - (tail_ - head_cache_) >= record_bytes(payload);
        }

    private:
        const Tuning tuning_;
        Shared *s_;
        std::byte *data_;
        const std::uint64_t cap_;
        std::uint64_t tail_, head_cache_;
        std::uint64_t last_record_ = 0;
    };

    class Consumer {
    public:
        explicit Consumer(Shared *s, Tuning tuning = {})
            : tuning_(tuning),
              s_(s),
              data_(s->data()),
              cap_(s->capacity),
              head_(s->head.load(std::memory_order_relaxed)),
              tail_cache_(s->tail.load(std::memory_order_acquire)) {}
        // Copies the next record into `out` and returns its length; nullopt when the ring is empty.
        // A record still being written is copied as it arrives (the producer never stalls inside
        // one: it starts a record only when all of it fits); on_stall runs every ~2^20 polls.
        std::optional<std::size_t> try_pop(std::span<std::byte> out) {
            if (!has_data()) return std::nullopt;  // any visible byte includes the header
            prefetch_published();
            const std::uint32_t len = record::length_at(data_, cap_, head_);
            if (len > out.size() || record_bytes(len) > cap_)
                throw Error("ring: corrupt record length " + std::to_string(len));
            const std::uint64_t payload = head_ + record::kHeader;
            std::size_t got = 0;
            for (unsigned polls = 1; got < len; ++polls) {
                const std::size_t avail = std::min<std::uint64_t>(len, tail_cache_ - payload);
                if (avail > got) {
                    record::get(data_, cap_, payload + got, out.data() + got, avail - got);
                    got = avail;
                    if (got == len) break;
                } else {
                    cpu_relax();  // only when nothing new came: the producer is usually ahead
                    if (polls % (1u << 20) == 0 && on_stall) on_stall();
                }
                tail_cache_ = s_->tail.load(std::memory_order_acquire);
            }
            head_ += record_bytes(len);
            s_->head.store(head_, std::memory_order_release);  // the producer may now reuse the bytes
            return len;
        }
        // Zero-copy (lfshm-zc): the next record where it lies, or nullopt when the ring is empty;
        // valid until release(). Loaned records are published whole (commit), so a visible header
        // means a visible record.
        std::optional<std::span<const std::byte>> try_peek() {
            if (!has_data()) return std::nullopt;
            std::uint32_t len = record::length_at(data_, cap_, head_);
            if (len == record::kSkip) {
                head_ += cap_ - head_ % cap_;  // published with the record after it
                len = record::length_at(data_, cap_, head_);
            }
            if (record_bytes(len) > cap_ - head_ % cap_ || head_ + record_bytes(len) > tail_cache_)
                throw Error("ring: corrupt record length " + std::to_string(len));
            peeked_ = record_bytes(len);
            return std::span<const std::byte>(data_ + head_ % cap_ + record::kHeader, len);
        }
        // Gives the peeked record's bytes back to the producer.
        void release() {
            head_ += peeked_;
            s_->head.store(head_, std::memory_order_release);
        }

        bool has_data() {
            if (tail_cache_ != head_) return true;
            tail_cache_ = s_->tail.load(std::memory_order_acquire);  // pairs with the producer's release
            return tail_cache_ != head_;
        }

        std::function<void()> on_stall;  // throws when the producer is gone

    private:
        // Starts fetching the published lines of the next record before the header is read:
        // otherwise the header's miss (a line the producer's core owns) comes first,
        // alone, and only then the payload's misses, which overlap each other.
        void prefetch_published() {
            const std::uint64_t end = std::min(tail_cache_, head_ + tuning_.prefetch_bytes);
            for (std::uint64_t pos = head_ & ~std::uint64_t(kCacheLine - 1); pos < end; pos += kCacheLine)
                __builtin_prefetch(data_ + pos % cap_, 0, 3);
        }

        const Tuning tuning_;  // prefetch_bytes: larger records stream, and the copy keeps ahead
        Shared *s_;
        const std::byte *data_;
        const std::uint64_t cap_;
        std::uint64_t head_, tail_cache_;
        std::uint64_t peeked_ = 0;  // bytes of the record try_peek() returned
    };

    // How much of a record of `payload` bytes is copied in before the tail is published (the last
    // chunk may be shorter): Tuning::small_chunk up to small_limit (0: whole), then an eighth.
    // Each partial publish moves the tail's cache line to the polling consumer, so a few per record
    // are enough.
    static constexpr std::size_t chunk_bytes(std::size_t payload, const Tuning &t = {}) {
        if (payload <= t.small_limit) return t.small_chunk ? t.small_chunk : payload;
        return t.chunk_large ? ((payload / 8 + 63) & ~std::size_t(63)) : payload;
    }

private:
    static constexpr std::size_t align(std::size_t n) { return (n + kCacheLine - 1) & ~(kCacheLine - 1); }
};

}  // namespace ipcb
