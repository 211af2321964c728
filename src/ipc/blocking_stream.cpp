// The blocking endpoint of the stream modes (stream_link.hpp): the same frames, written with one
// gathering writev(2)/sendmsg(2) each and read with readv(2)/recvmsg(2), no io_uring.
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "ipc/stream_frames.hpp"
#include "ipc/stream_link.hpp"

namespace ipcb {
namespace {

class BlockingStreamEndpoint final : public Endpoint {
public:
    explicit BlockingStreamEndpoint(StreamLink link) : link_(std::move(link)) {}

    void send(std::span<const std::byte> msg) override {
        OutFrame f;
        f.set(msg);
        for (;;) {
            const ssize_t n = write_some(f);
            if (n < 0 && errno == EINTR && check_peer()) continue;
            if (n < 0) fail("write");
            if (n == 0) throw Error(link_.what + ": a write made no progress");
            if (f.wrote(std::size_t(n))) return;
        }
    }

    std::size_t recv(std::span<std::byte> buf) override {
        if (auto n = reader_.take_carried(buf)) return *n;
        for (;;) {
            iovec iov[2];
            const unsigned count = reader_.targets(buf, iov);
            const ssize_t n = read_some(iov, count);
            if (n < 0 && errno == EINTR && check_peer()) continue;
            if (n < 0) fail("read");
            if (n == 0) {
                if (reader_.mid_message()) throw Error(link_.what + ": peer closed the stream mid-message");
                return 0;
            }
            if (auto whole = reader_.advance(std::size_t(n), buf)) return *whole;
        }
    }

    void finish() override {
        if (link_.socket) ::shutdown(link_.out.get(), SHUT_WR);
        else link_.out.reset();
    }

    std::string describe() const override {
        return link_.what + ", length-framed; blocking " +
               (link_.socket ? "sendmsg(2)/recvmsg(2)" : "writev(2)/readv(2)") + ", no io_uring";
    }

private:
    ssize_t write_some(OutFrame &f) {
        if (!link_.socket) return ::writev(link_.out.get(), f.next_iov(), int(f.pieces));
        msghdr mh{};
        mh.msg_iov = f.next_iov();
        mh.msg_iovlen = f.pieces;
        return ::sendmsg(link_.out.get(), &mh, MSG_NOSIGNAL);
    }
    ssize_t read_some(iovec *iov, unsigned count) {
        if (!link_.socket) return ::readv(link_.in.get(), iov, int(count));
        msghdr mh{};
        mh.msg_iov = iov;
        mh.msg_iovlen = count;
        return ::recvmsg(link_.in.get(), &mh, 0);
    }
    // A call interrupted by a signal (the watchdog's, when the session stopped): true when the
    // peer is still there, so the call is retried; throws when its channel hung up.
    bool check_peer() const {
        if (link_.watch && link_.watch->peer_gone())
            throw Error(link_.what + ": peer closed its connection (exited, died or stalled)");
        return true;
    }
    [[noreturn]] void fail(const char *op) {
        if (errno == EPIPE || errno == ECONNRESET) throw Error(link_.what + ": peer closed its end (" + op + ")");
        throw_errno(link_.what + ": " + op);
    }

    StreamLink link_;
    FrameReader reader_;
};

}  // namespace

std::unique_ptr<Endpoint> open_blocking_stream(StreamLink link, const ModeConfig &) {
    return std::make_unique<BlockingStreamEndpoint>(std::move(link));
}

}  // namespace ipcb
