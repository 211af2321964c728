#pragma once
// Messages on a byte stream (a pipe, TCP, an AF_UNIX SOCK_STREAM socket): each is sent as a 4-byte
// length, then its bytes. A stream keeps no boundaries, so a read may return part of a message or
// the end of one and the start of the next; FrameReader puts them back together.
//
// Reads go straight into the caller's buffer (scatter: the rest of the header, then the message),
// so a message that arrives in one read is copied once, by the kernel, as with a SEQPACKET socket.
// The first read of a message cannot know its length and may take bytes of the next one with it
// (only when more than one message is in flight): those are carried over, a copy, and consumed
// first by the next receive. Once the header is in, reads ask for exactly the rest of the frame.
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ipcb {

inline constexpr std::size_t kFrameHeader = 4;

// One message on its way out: the length word and the two pieces a gathering write sends. It must
// stay where it is until the write completes (iov points into it).
struct OutFrame {
    std::uint32_t length = 0;
    iovec iov[2]{};
    std::size_t left = 0;  // bytes not written yet
    unsigned pieces = 0;   // iov entries still to write, from the end of the array

    void set(std::span<const std::byte> msg);
    iovec *next_iov() { return iov + (2 - pieces); }
    // Accounts for `n` bytes written; true when the frame is all out.
    bool wrote(std::size_t n);
};

class FrameReader {
public:
    // Takes a whole message carried over from an earlier read into buf; nullopt when none is (the
    // carried bytes, if any, then start the current message and the next read continues it).
    std::optional<std::size_t> take_carried(std::span<std::byte> buf);
    // Where the next read puts its bytes; fills iov (2 entries at most) and returns the count.
    unsigned targets(std::span<std::byte> buf, iovec *iov);
    // Accounts for a read of n > 0 bytes into targets(buf); the message's length once it is whole.
    std::optional<std::size_t> advance(std::size_t n, std::span<std::byte> buf);
    // Whether a message is partly received (an end of stream now is a torn message).
    bool mid_message() const { return have_ > 0; }
    bool has_carried() const { return carried_ < carry_.size(); }

private:
    std::optional<std::size_t> complete_if_whole(std::span<std::byte> buf);

    std::uint32_t header_ = 0;
    std::size_t have_ = 0;  // bytes of the current frame received so far, header included
    std::vector<std::byte> carry_;
    std::size_t carried_ = 0;  // bytes of carry_ already consumed
};

}  // namespace ipcb
