#include "run/wire/result_pipe.hpp"

#include <cstring>

#include "core/sys.hpp"

namespace ipcb {
namespace {

struct Header {
    std::uint32_t magic;
    std::uint32_t type;
    std::uint64_t length;
};
static_assert(sizeof(Header) == 16);

bool known_type(std::uint32_t t) { return t >= 1 && t <= std::uint32_t(FrameType::slice_histogram); }

}  // namespace

std::uint64_t fnv1a64(std::span<const std::byte> data, std::uint64_t h) {
    for (std::byte b : data) {
        h ^= std::uint64_t(b);
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::vector<std::byte> encode_frame(FrameType type, std::span<const std::byte> payload) {
    Header h{kFrameMagic, std::uint32_t(type), payload.size()};
    std::vector<std::byte> out(sizeof h + payload.size() + 8);
    std::memcpy(out.data(), &h, sizeof h);
    if (!payload.empty()) std::memcpy(out.data() + sizeof h, payload.data(), payload.size());
    std::uint64_t sum = fnv1a64(std::span(out.data(), sizeof h + payload.size()));
    std::memcpy(out.data() + sizeof h + payload.size(), &sum, 8);
    return out;
}

void write_frame(int fd, FrameType type, std::span<const std::byte> payload) {
    auto bytes = encode_frame(type, payload);
    write_full(fd, bytes.data(), bytes.size());
}

void write_frame(int fd, FrameType type, const std::string &text) {
    write_frame(fd, type, std::as_bytes(std::span(text.data(), text.size())));
}

FrameScan scan_frames(std::span<const std::byte> stream) {
    FrameScan scan;
    std::size_t pos = 0;
    while (pos < stream.size()) {
        const std::size_t left = stream.size() - pos;
        if (left < sizeof(Header)) return scan.partial = true, scan;
        Header h;
        std::memcpy(&h, stream.data() + pos, sizeof h);
        if (h.magic != kFrameMagic) throw Error("result pipe: bad record magic at byte " + std::to_string(pos));
        if (!known_type(h.type)) throw Error("result pipe: unknown record type " + std::to_string(h.type));
        if (h.length > left - sizeof h || left - sizeof h - h.length < 8) return scan.partial = true, scan;
        const std::size_t body = sizeof h + h.length;
        std::uint64_t sum;
        std::memcpy(&sum, stream.data() + pos + body, 8);
        if (sum != fnv1a64(stream.subspan(pos, body)))
            throw Error("result pipe: checksum mismatch in record type " + std::to_string(h.type));
        auto payload = stream.subspan(pos + sizeof h, h.length);
        scan.frames.push_back({FrameType(h.type), {payload.begin(), payload.end()}});
        pos += body + 8;
    }
    return scan;
}

void FrameStream::append(std::span<const std::byte> bytes) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    FrameScan scan = scan_frames(pending_);
    std::size_t used = 0;
    for (Frame &f : scan.frames) {
        used += kFrameOverhead + f.payload.size();
        frames_.push_back(std::move(f));
    }
    pending_.erase(pending_.begin(), pending_.begin() + std::ptrdiff_t(used));
}

bool FrameStream::has(FrameType type) const {
    for (const Frame &f : frames_)
        if (f.type == type) return true;
    return false;
}

void FrameStream::finish() const {
    if (!pending_.empty())
        throw Error("result pipe: truncated record after " + std::to_string(frames_.size()) +
                    " complete record(s) (the writer stopped mid-record)");
}

}  // namespace ipcb
