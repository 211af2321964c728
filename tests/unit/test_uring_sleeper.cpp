// UringSleeper (rings/uring_sleeper.hpp): wakes are held until this side sleeps or flushes and
// then go in the same io_uring_enter; a sleep ends by its wait or its linked timeout and leaves
// no completion behind to cut the next one short; a failed wake is an error naming it.
// The wake here is an io_uring WRITE to an eventfd (its counter shows whether it was submitted);
// the sleep, a READ of another eventfd.
#include <doctest/doctest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "rings/uring_sleeper.hpp"

using namespace ipcb;

namespace {

class EventfdWakeSleeper final : public UringSleeper {
public:
    EventfdWakeSleeper() : UringSleeper(8, "test: eventfd wake") {}

    // Queues a WRITE of 1 to `fd` (the wake); `fd` may be bad, to make the wake fail.
    void queue_write(int fd) {
        queue_wake([&](io_uring_sqe *sqe) { io_uring_prep_write(sqe, fd, &one_, sizeof one_, 0); });
    }
    // Sleeps on a READ of `fd` for at most timeout_ms; returns the READ's result.
    int sleep_on(int fd, int timeout_ms) {
        int got = 1;
        sleep_linked([&](io_uring_sqe *sqe) { io_uring_prep_read(sqe, fd, &value_, sizeof value_, 0); }, timeout_ms,
                     [&](int res) { got = res; });
        return got;
    }
    void sleep(std::atomic<std::uint32_t> &, std::uint32_t, int) override {}
    void wake(std::atomic<std::uint32_t> &) override {}

private:
    std::uint64_t one_ = 1, value_ = 0;
};

// The eventfd's counter, without blocking (0 when nothing was written).
std::uint64_t drain(int fd) {
    std::uint64_t v = 0;
    return ::read(fd, &v, sizeof v) == sizeof v ? v : 0;
}

struct Eventfd {
    Fd fd{int(check_sys(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd"))};
};

}  // namespace

TEST_CASE("UringSleeper: a queued wake waits for flush(), then is submitted once") {
    EventfdWakeSleeper s;
    Eventfd target;
    s.queue_write(target.fd.get());
    CHECK(drain(target.fd.get()) == 0);  // held back
    s.flush();
    CHECK(drain(target.fd.get()) == 1);
    s.flush();  // nothing held: nothing sent again
    CHECK(drain(target.fd.get()) == 0);
}

TEST_CASE("UringSleeper: held wakes go with the sleep; a sleep ends by its wait or its timeout, leaving nothing") {
    EventfdWakeSleeper s;
    Eventfd target, own;
    s.queue_write(target.fd.get());
    CHECK(s.sleep_on(own.fd.get(), 5) == -ECANCELED);  // nobody wrote: the linked timeout ended it
    CHECK(drain(target.fd.get()) == 1);                // the held wake went in the same enter
    for (int i = 0; i < 3; ++i) {                      // each later sleep waits its own timeout again
        std::uint64_t one = 1;
        REQUIRE(::write(own.fd.get(), &one, sizeof one) == sizeof one);
        CHECK(s.sleep_on(own.fd.get(), 1000) == int(sizeof(std::uint64_t)));  // the READ completed
        CHECK(s.sleep_on(own.fd.get(), 5) == -ECANCELED);                     // no completion left over from the last
    }
}

TEST_CASE("UringSleeper: a wake that fails is an error that names it") {
    EventfdWakeSleeper s;
    s.queue_write(-1);
    CHECK_THROWS_WITH_AS(s.flush(), doctest::Contains("test: eventfd wake"), Error);
}
