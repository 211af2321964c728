#include "ipc/stream_frames.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/sys.hpp"

namespace ipcb {

void OutFrame::set(std::span<const std::byte> msg) {
    length = std::uint32_t(msg.size());
    iov[0] = {&length, kFrameHeader};
    iov[1] = {const_cast<std::byte *>(msg.data()), msg.size()};
    left = kFrameHeader + msg.size();
    pieces = msg.empty() ? 1 : 2;
}

bool OutFrame::wrote(std::size_t n) {
    left -= n;
    while (pieces > 0 && n > 0) {
        iovec &v = *next_iov();
        const std::size_t used = std::min(n, v.iov_len);
        v.iov_base = static_cast<std::byte *>(v.iov_base) + used;
        v.iov_len -= used;
        n -= used;
        if (v.iov_len == 0) --pieces;
    }
    return left == 0;
}

std::optional<std::size_t> FrameReader::complete_if_whole(std::span<std::byte> buf) {
    if (have_ < kFrameHeader) return std::nullopt;
    if (header_ > buf.size())
        throw Error("stream: a " + std::to_string(header_) + "-byte message for a " + std::to_string(buf.size()) +
                    "-byte buffer (a corrupt length word?)");
    const std::size_t body = have_ - kFrameHeader;
    if (body < header_) return std::nullopt;
    // Bytes past the frame belong to the next one: keep them (a copy) for the next receive.
    if (body > header_) carry_.assign(buf.begin() + std::ptrdiff_t(header_), buf.begin() + std::ptrdiff_t(body));
    else carry_.clear();
    carried_ = 0;
    have_ = 0;
    return header_;
}

std::optional<std::size_t> FrameReader::take_carried(std::span<std::byte> buf) {
    while (has_carried()) {
        const std::size_t avail = carry_.size() - carried_;
        std::size_t n;
        if (have_ < kFrameHeader) {
            n = std::min(avail, kFrameHeader - have_);
            std::memcpy(reinterpret_cast<std::byte *>(&header_) + have_, carry_.data() + carried_, n);
        } else {
            const std::size_t body = have_ - kFrameHeader;
            if (header_ > buf.size()) return complete_if_whole(buf);  // throws
            n = std::min(avail, header_ - body);
            std::memcpy(buf.data() + body, carry_.data() + carried_, n);
        }
        carried_ += n;
        have_ += n;
        if (have_ >= kFrameHeader && have_ - kFrameHeader == header_) {
            // whole: what is left of carry_ stays carried for the next message
            have_ = 0;
            return header_;
        }
    }
    carry_.clear();
    carried_ = 0;
    return std::nullopt;
}

unsigned FrameReader::targets(std::span<std::byte> buf, iovec *iov) {
    if (have_ < kFrameHeader) {
        iov[0] = {reinterpret_cast<std::byte *>(&header_) + have_, kFrameHeader - have_};
        iov[1] = {buf.data(), buf.size()};
        return 2;
    }
    const std::size_t body = have_ - kFrameHeader;
    if (header_ > buf.size()) complete_if_whole(buf);  // throws
    iov[0] = {buf.data() + body, header_ - body};      // exactly the rest of this frame
    return 1;
}

std::optional<std::size_t> FrameReader::advance(std::size_t n, std::span<std::byte> buf) {
    have_ += n;
    return complete_if_whole(buf);
}

}  // namespace ipcb
