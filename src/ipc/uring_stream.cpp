// The io_uring endpoints of the stream modes (stream_link.hpp).
//
// A round trip: send() queues one gathering write (the length word and the message) linked
// (IOSQE_IO_LINK) to the read recv() queues next; one io_uring_enter submits both and waits for
// both. The link keeps the read from landing in a buffer whose write has not run (the server
// answers from the buffer it received into). A write cut short (a pipe's non-blocking attempt
// found less room than the frame) breaks the link: the rest of the frame is queued again, then the
// cancelled read; sockets send with MSG_WAITALL, which io_uring completes by itself.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <deque>

#include "ipc/stream_frames.hpp"
#include "ipc/stream_link.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

enum : std::uint64_t { kWriteTag = 1, kReadTag = 2, kWatchTag = 3 };
constexpr std::uint64_t tag(std::uint64_t kind, std::uint64_t index) { return index << 8 | kind; }

[[noreturn]] void fail(const std::string &what, const std::string &op, long res) {
    if (res == -EPIPE || res == -ECONNRESET) throw Error(what + ": peer closed its end (" + op + ")");
    throw_errno(what + ": io_uring " + op, int(-res));
}

// A frame being written, with the msghdr a SENDMSG needs (both stay put until it completes).
struct PendingWrite {
    OutFrame frame;
    msghdr mh{};
    unsigned target = 0;  // registered file index
    bool busy = false;
};

// Writes and reads of one or more links in one ring; files registered as 2*i (in) and 2*i+1 (out).
class StreamRing {
public:
    StreamRing(std::span<StreamLink> links, unsigned entries) : ring_(entries), links_(links), read_mh_(links.size()) {
        std::vector<int> fds;
        for (StreamLink &l : links) fds.insert(fds.end(), {l.in.get(), l.out.get()});
        // A registered file skips the fd table lookup and refcount on every SQE.
        check_sys(io_uring_register_files(ring_.get(), fds.data(), unsigned(fds.size())), "io_uring_register_files");
        // Armed once: completes only when a peer's channel hangs up (it exited, died, or the
        // watchdog cut off a stopped one), which a stream itself does not show while the peer
        // merely stops.
        for (unsigned i = 0; i < links.size(); ++i) {
            if (!links[i].watch) continue;
            io_uring_sqe *sqe = ring_.sqe();
            io_uring_prep_poll_add(sqe, links[i].watch->fd(), POLLRDHUP);
            io_uring_sqe_set_data64(sqe, tag(kWatchTag, i));
        }
    }
    Uring &ring() { return ring_; }
    const std::string &setup() const { return ring_.setup(); }

    void queue_write(unsigned link, std::span<const std::byte> msg) {
        const unsigned slot = free_slot();
        PendingWrite &w = writes_[slot];
        w.frame.set(msg);
        w.target = 2 * link + 1;
        w.busy = true;
        ++writes_pending_;
        submit_write(slot);
    }

    void queue_read(unsigned link, iovec *iov, unsigned count) {
        io_uring_sqe *sqe = ring_.sqe();
        if (links_[link].socket) {
            msghdr &mh = read_mh_[link];
            mh = {};
            mh.msg_iov = iov;
            mh.msg_iovlen = count;
            io_uring_prep_recvmsg(sqe, int(2 * link), &mh, 0);
        } else {
            io_uring_prep_readv(sqe, int(2 * link), iov, count, std::uint64_t(-1));
        }
        sqe->flags |= IOSQE_FIXED_FILE;
        io_uring_sqe_set_data64(sqe, tag(kReadTag, link));
    }

    // Handles the completions ready: writes are finished or continued here; each read's result
    // goes to on_read(link, res). Returns after one reap.
    template <class OnRead>
    void reap(const std::string &what, OnRead on_read) {
        ring_.reap([&](std::uint64_t t, int res) {
            const unsigned index = unsigned(t >> 8);
            if ((t & 0xff) == kReadTag) return on_read(index, res);
            if ((t & 0xff) == kWatchTag) {
                if (!links_[index].ended) throw Error(what + ": peer closed its connection (exited, died or stalled)");
                return;
            }
            PendingWrite &w = writes_[index];
            if (res < 0) fail(what, "write", res);
            if (res == 0) throw Error(what + ": a write made no progress");
            if (w.frame.wrote(std::size_t(res))) w.busy = false, --writes_pending_;
            else submit_write(index);  // the rest of the frame, before anything queued after it
        });
    }
    unsigned writes_pending() const { return writes_pending_; }

    // Stops writing to link's out end (the peer reads the end of the stream).
    void close_out(unsigned link) {
        StreamLink &l = links_[link];
        if (l.socket) {
            ::shutdown(l.out.get(), SHUT_WR);
            return;
        }
        // A pipe ends when its last write reference goes: the ring's registered copy included.
        int none = -1;
        io_uring_register_files_update(ring_.get(), 2 * link + 1, &none, 1);
        l.out.reset();
    }

private:
    unsigned free_slot() {
        for (unsigned i = 0; i < writes_.size(); ++i)
            if (!writes_[i].busy) return i;
        writes_.emplace_back();
        return unsigned(writes_.size() - 1);
    }

    void submit_write(unsigned slot) {
        PendingWrite &w = writes_[slot];
        io_uring_sqe *sqe = ring_.sqe();
        const unsigned link = w.target / 2;
        if (links_[link].socket) {
            w.mh = {};
            w.mh.msg_iov = w.frame.next_iov();
            w.mh.msg_iovlen = w.frame.pieces;
            io_uring_prep_sendmsg(sqe, int(w.target), &w.mh, MSG_NOSIGNAL | MSG_WAITALL);
        } else {
            io_uring_prep_writev(sqe, int(w.target), w.frame.next_iov(), w.frame.pieces, std::uint64_t(-1));
        }
        sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
        io_uring_sqe_set_data64(sqe, tag(kWriteTag, slot));
    }

    Uring ring_;
    std::span<StreamLink> links_;
    std::deque<PendingWrite> writes_;  // a deque: a slot never moves while the kernel reads it
    std::vector<msghdr> read_mh_;      // one read in flight per link
    unsigned writes_pending_ = 0;
};

class UringStreamEndpoint final : public Endpoint {
public:
    UringStreamEndpoint(StreamLink link, const ModeConfig &config)
        : link_(std::move(link)), io_(std::span(&link_, 1), 2 * config.inflight + 8) {}

    void send(std::span<const std::byte> msg) override { io_.queue_write(0, msg); }

    std::size_t recv(std::span<std::byte> buf) override {
        if (reader_.has_carried()) {
            wait_for_writes();  // buf may be what a queued write sends from
            if (auto n = reader_.take_carried(buf)) return *n;
        }
        for (;;) {
            iovec iov[2];
            const unsigned count = reader_.targets(buf, iov);
            io_.queue_read(0, iov, count);
            long got = -1;
            bool read_done = false;
            while (!read_done || io_.writes_pending() > 0) {
                io_.ring().submit_and_wait(io_.writes_pending() + (read_done ? 0 : 1));
                io_.reap(link_.what, [&](unsigned, int res) {
                    if (res == -ECANCELED) return io_.queue_read(0, iov, count);  // a short write broke the link
                    read_done = true;
                    got = res;
                });
            }
            if (got < 0) fail(link_.what, "read", got);
            if (got == 0) {
                if (reader_.mid_message()) throw Error(link_.what + ": peer closed the stream mid-message");
                link_.ended = true;
                return 0;  // the peer finished
            }
            if (auto n = reader_.advance(std::size_t(got), buf)) return *n;
        }
    }

    void finish() override {
        wait_for_writes();
        io_.close_out(0);
    }

    std::uint64_t slow_waits() const override { return const_cast<StreamRing &>(io_).ring().slow_waits(); }
    Uring *loop_ring() override { return &io_.ring(); }

    std::string describe() const override {
        return link_.what + ", length-framed; io_uring " + io_.setup() + ", registered fds, " +
               (link_.socket ? "SENDMSG linked to RECVMSG" : "WRITEV linked to READV");
    }

private:
    void wait_for_writes() {
        while (io_.writes_pending() > 0) {
            io_.ring().submit_and_wait(io_.writes_pending());
            io_.reap(link_.what, [&](unsigned, int) { throw Error(link_.what + ": unexpected read completion"); });
        }
    }

    StreamLink link_;
    StreamRing io_;
    FrameReader reader_;
};

// Fan-in: every client's link in one ring, a read armed on each into that client's own buffer. A
// whole request is copied out to the caller and the client's read re-armed; writes are queued and
// go with the next wait, which waits for them before the caller's buffer is written again.
class UringStreamFanIn final : public FanInServer {
public:
    UringStreamFanIn(std::vector<StreamLink> links, const ModeConfig &config)
        : links_(std::move(links)), io_(std::span(links_), unsigned(4 * links_.size() + 8)), clients_(links_.size()) {
        for (unsigned c = 0; c < clients_.size(); ++c) {
            clients_[c].buffer.resize(std::max<std::size_t>(config.max_message, 1));
            arm(c);
        }
    }

    Arrival recv_any(std::span<std::byte> buf) override {
        while (ready_.empty() || io_.writes_pending() > 0) {
            io_.ring().submit_and_wait(io_.writes_pending() + (ready_.empty() ? 1 : 0));
            io_.reap(links_[0].what, [&](unsigned c, int res) { on_read(c, res); });
        }
        const Arrival a = ready_.front();
        ready_.pop_front();
        if (a.length == 0) return a;
        Client &cl = clients_[a.client];
        std::memcpy(buf.data(), cl.buffer.data(), a.length);
        if (auto n = cl.reader.take_carried(cl.buffer)) ready_.push_back({a.client, *n});
        else arm(a.client);
        return a;
    }

    void send(unsigned client, std::span<const std::byte> msg) override { io_.queue_write(client, msg); }
    std::uint64_t slow_waits() const override { return const_cast<StreamRing &>(io_).ring().slow_waits(); }
    std::string describe() const override {
        return std::to_string(links_.size()) + " x " + links_[0].what + " in one io_uring " + io_.setup() +
               ", a read armed on each, writes queued and submitted with the loop's next wait";
    }

private:
    struct Client {
        std::vector<std::byte> buffer;
        FrameReader reader;
        iovec iov[2];
        unsigned count = 0;
    };

    void arm(unsigned c) {
        Client &cl = clients_[c];
        cl.count = cl.reader.targets(cl.buffer, cl.iov);
        io_.queue_read(c, cl.iov, cl.count);
    }

    void on_read(unsigned c, int res) {
        Client &cl = clients_[c];
        if (res == -ECANCELED) return io_.queue_read(c, cl.iov, cl.count);
        const std::string who = links_[c].what + " (client " + std::to_string(c) + ")";
        if (res < 0) fail(who, "read", res);
        if (res == 0) {
            if (cl.reader.mid_message()) throw Error(who + ": peer closed the stream mid-message");
            links_[c].ended = true;
            ready_.push_back({c, 0});  // that client finished: no read re-armed
            return;
        }
        if (auto n = cl.reader.advance(std::size_t(res), cl.buffer)) ready_.push_back({c, *n});
        else arm(c);
    }

    std::vector<StreamLink> links_;
    StreamRing io_;
    std::vector<Client> clients_;
    std::deque<Arrival> ready_;
};

}  // namespace

std::unique_ptr<Endpoint> open_uring_stream(StreamLink link, const ModeConfig &config) {
    return std::make_unique<UringStreamEndpoint>(std::move(link), config);
}

std::unique_ptr<FanInServer> open_uring_stream_fan_in(std::vector<StreamLink> links, const ModeConfig &config) {
    return std::make_unique<UringStreamFanIn>(std::move(links), config);
}

}  // namespace ipcb
