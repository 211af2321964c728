#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "core/payload.hpp"
#include "core/size_spec.hpp"

using namespace ipcb;
using payload::Dir;

namespace {
std::vector<std::byte> message(std::size_t len, std::uint64_t seq, Dir dir) {
    std::vector<std::byte> m(len);
    payload::fill_pattern(m);
    payload::stamp(m, seq, dir);
    return m;
}
const std::size_t kLengths[] = {1,    2,    7,    8,    9,    15,   16,   17,    100,    2047,
                                2048, 2049, 2055, 2056, 2057, 4096, 4100, 65536, 131071, kMaxMessageSize};
}  // namespace

TEST_CASE("a correct message passes both checks at every length") {
    for (std::size_t len : kLengths) {
        CAPTURE(len);
        auto m = message(len, 77, Dir::response);
        CHECK(payload::check_stamps(m, 77, Dir::response) == "");
        CHECK(payload::check_full(m, 77, Dir::response) == "");
    }
}

TEST_CASE("a flipped byte anywhere fails the full check; at a stamped offset, the per-message check") {
    for (std::size_t len : {std::size_t(1), std::size_t(9), std::size_t(4096), std::size_t(5000), kMaxMessageSize}) {
        for (std::size_t off = 0; off < len; off += std::max<std::size_t>(1, len / 97)) {
            CAPTURE(len);
            CAPTURE(off);
            auto m = message(len, 5, Dir::request);
            m[off] ^= std::byte{0x01};
            CHECK(payload::check_full(m, 5, Dir::request) != "");
        }
        for (std::uint64_t salt = 0; salt < 64; ++salt) {
            auto m = message(len, 5, Dir::request);
            m[payload::stamped_offset(len, salt)] ^= std::byte{0x40};
            CHECK(payload::check_stamps(m, 5, Dir::request) != "");
        }
    }
}

TEST_CASE("dropped, repeated and misdirected messages fail the per-message check, and say so") {
    for (std::size_t len : {std::size_t(8), std::size_t(4096), kMaxMessageSize}) {
        CAPTURE(len);
        auto previous = message(len, 41, Dir::response);  // a stale or repeated response
        std::string err = payload::check_stamps(previous, 42, Dir::response);
        CHECK(err.find("carries response seq 41") != std::string::npos);
        auto skipped = message(len, 43, Dir::response);  // seq 42 was dropped
        CHECK(payload::check_stamps(skipped, 42, Dir::response).find("seq 43") != std::string::npos);
        auto echoed = message(len, 42, Dir::request);  // the request came back unanswered
        CHECK(payload::check_stamps(echoed, 42, Dir::response).find("carries request seq 42") != std::string::npos);
    }
    // Messages under 8 bytes carry part of a stamp: consecutive sequence numbers still differ.
    for (std::uint64_t seq = 1; seq < 1000; ++seq) {
        auto m = message(1, seq - 1, Dir::response);
        CHECK(payload::check_stamps(m, seq, Dir::response) != "");
    }
}

TEST_CASE("a wrong length or a torn message fails") {
    auto m = message(4096, 9, Dir::request);
    CHECK(payload::check_stamps(std::span(m).first(4000), 9, Dir::request) != "");
    auto torn = message(8192, 10, Dir::request);
    auto old = message(8192, 9, Dir::request);
    std::copy(old.begin() + 4096, old.end(), torn.begin() + 4096);  // second half from the last message
    CHECK(payload::check_stamps(torn, 10, Dir::request) != "");
}

TEST_CASE("restore_pattern lets a buffer carry messages of changing lengths") {
    std::vector<std::byte> buf(kMaxMessageSize);
    payload::fill_pattern(buf);
    SizeGenerator gen(parse_size_spec("1-9000"), 3);
    std::size_t last = 0;
    for (std::uint64_t seq = 0; seq < 2000; ++seq) {
        payload::restore_pattern(std::span(buf).first(last));
        auto m = std::span(buf).first(last = gen.next());
        payload::stamp(m, seq, Dir::request);
        REQUIRE(payload::check_full(m, seq, Dir::request) == "");
    }
}

TEST_CASE("the full check samples about 1 in kFullCheckEvery messages") {
    int due = 0;
    for (std::uint64_t seq = 0; seq < 160000; ++seq) due += payload::full_check_due(seq);
    CHECK(due == doctest::Approx(160000.0 / payload::kFullCheckEvery).epsilon(0.05));
}
