#include "ipc/message_queue.hpp"

#include <fcntl.h>
#include <mqueue.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

namespace ipcb {
namespace {

constexpr long kHardMsgMax = 65536;                 // the kernel's HARD_MSGMAX
constexpr std::size_t kHardMsgSizeMax = 16u << 20;  // HARD_MSGSIZEMAX
constexpr std::size_t kPerMessageOverhead = 128;    // the kernel's bookkeeping per message (about)

long window_of(const ModeConfig &c) { return long(c.inflight) + 1; }
std::size_t size_of(const ModeConfig &c) { return std::max<std::size_t>(c.max_message, 1); }

// Bytes the queues of a run charge to RLIMIT_MSGQUEUE.
rlim_t queue_bytes(const ModeConfig &c, unsigned clients) {
    return rlim_t(2 * clients) * rlim_t(window_of(c)) * (size_of(c) + kPerMessageOverhead);
}

Fd make_queue(const ModeConfig &c, bool nonblocking) {
    unsigned char raw[8];
    if (::getrandom(raw, sizeof raw, 0) != ssize_t(sizeof raw)) throw_errno("getrandom");
    std::string name = "/ipcb-" + std::to_string(::getpid()) + "-";
    for (unsigned char b : raw) name += char('a' + b % 26);
    mq_attr attr{};
    attr.mq_maxmsg = window_of(c);
    attr.mq_msgsize = long(size_of(c));
    const int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0);
    const mqd_t q = ::mq_open(name.c_str(), flags, 0600, &attr);
    if (q == mqd_t(-1)) {
        const std::string why = message_queues_unsupported(c);
        if (!why.empty()) throw Error("mq: " + why);
        throw_errno("mq_open(" + name + ")");
    }
    ::mq_unlink(name.c_str());  // the descriptors keep it; the name is gone at once
    return Fd(q);
}

}  // namespace

std::string message_queues_unsupported(const ModeConfig &c, unsigned clients) {
    const bool privileged = has_capability(kCapSysResource);  // then the kernel's hard limits only
    const long size_max = privileged ? long(kHardMsgSizeMax) : read_sysctl("/proc/sys/fs/mqueue/msgsize_max");
    const long msg_max = privileged ? kHardMsgMax : read_sysctl("/proc/sys/fs/mqueue/msg_max");
    if (size_max >= 0 && long(size_of(c)) > size_max)
        return std::to_string(size_of(c)) + "-byte messages exceed fs.mqueue.msgsize_max (" + std::to_string(size_max) +
               "): raise it to at least " + std::to_string(size_of(c));
    if (msg_max >= 0 && window_of(c) > msg_max)
        return "a window of " + std::to_string(window_of(c)) + " messages exceeds fs.mqueue.msg_max (" +
               std::to_string(msg_max) + "): raise it to at least " + std::to_string(window_of(c));
    rlimit l{};
    const rlim_t need = queue_bytes(c, clients);
    if (::getrlimit(RLIMIT_MSGQUEUE, &l) == 0 && l.rlim_max != RLIM_INFINITY && need > l.rlim_max && !privileged)
        return "the queues need " + std::to_string(need) + " bytes, over RLIMIT_MSGQUEUE (" +
               std::to_string(l.rlim_max) + "): raise it (ulimit -q) to at least " + std::to_string(need);
    return {};
}

unsigned message_queue_max_window() {
    if (has_capability(kCapSysResource)) return 0;
    const long msg_max = read_sysctl("/proc/sys/fs/mqueue/msg_max");
    return msg_max > 1 ? unsigned(msg_max - 1) : 1;
}

QueuePair open_queue_pair(Role role, Channel &channel, const ModeConfig &c, bool nonblocking) {
    QueuePair p{.max_messages = window_of(c), .message_bytes = size_of(c)};
    if (role == Role::client) {
        p.out = channel.recv_fd(kPassFdTimeoutMs);  // requests
        p.in = channel.recv_fd(kPassFdTimeoutMs);   // responses
        return p;
    }
    // This process's own limit on queue bytes (the user's total is the kernel's business), raised
    // to what the run needs: a process limit, not a system setting.
    rlimit l{};
    if (::getrlimit(RLIMIT_MSGQUEUE, &l) == 0 && l.rlim_cur != RLIM_INFINITY && l.rlim_cur < queue_bytes(c, 16)) {
        l.rlim_cur = queue_bytes(c, 16);
        if (l.rlim_max != RLIM_INFINITY && l.rlim_max < l.rlim_cur) {
            if (has_capability(kCapSysResource)) l.rlim_max = l.rlim_cur;
            else l.rlim_cur = l.rlim_max;
        }
        ::setrlimit(RLIMIT_MSGQUEUE, &l);
    }
    Fd request = make_queue(c, nonblocking), response = make_queue(c, nonblocking);
    channel.send_fd(request.get());
    channel.send_fd(response.get());
    p.in = std::move(request);
    p.out = std::move(response);
    return p;
}

}  // namespace ipcb
