#include <doctest/doctest.h>

#include <set>

#include "core/size_spec.hpp"

using namespace ipcb;

TEST_CASE("size specs that parse") {
    struct Case {
        const char *text;
        std::size_t min, max;
    } cases[] = {{"1", 1, 1},
                 {"4096", 4096, 4096},
                 {"4K", 4096, 4096},
                 {"4k", 4096, 4096},
                 {"4KiB", 4096, 4096},
                 {"128K", 131072, 131072},
                 {"131072", 131072, 131072},
                 {"2K-4K", 2048, 4096},
                 {"typical", 2048, 4096},
                 {"64B", 64, 64},
                 {"1-1", 1, 1},
                 {"132K", 135168, 135168},
                 {"512K", 524288, 524288},
                 {"1M", 1048576, 1048576},
                 {"4MiB", 4194304, 4194304},
                 {"4194304", 4194304, 4194304},
                 {"64K-1M", 65536, 1048576}};
    for (auto &c : cases) {
        CAPTURE(c.text);
        SizeSpec s = parse_size_spec(c.text);
        CHECK(s.min == c.min);
        CHECK(s.max == c.max);
    }
}

TEST_CASE("size specs that are rejected with a reason") {
    struct Case {
        const char *text, *reason;
    } cases[] = {{"0", "zero"},
                 {"4097K", "maximum"},
                 {"4194305", "maximum"},
                 {"5M", "maximum"},
                 {"", "empty"},
                 {"abc", "not a number"},
                 {"4X", "unknown unit"},
                 {"0x", "unknown unit"},
                 {"4K-2K", "minimum above"},
                 {"-4K", "not a number"},
                 {"2K-", "not a number"},
                 {"99999999999999999999", "maximum"},
                 {"-1", "not a number"},
                 {"129K", "4 KiB pages"},
                 {"131073", "4 KiB pages"},
                 {"200000", "e.g. 196K"},
                 {"64K-129K", "4 KiB pages"}};
    for (auto &c : cases) {
        CAPTURE(c.text);
        try {
            parse_size_spec(c.text);
            FAIL("accepted");
        } catch (const std::invalid_argument &e) {
            CHECK(std::string(e.what()).find(c.reason) != std::string::npos);
        }
    }
}

TEST_CASE("size generator: bounds, spread and determinism") {
    SizeSpec spec = parse_size_spec("2K-4K");
    SizeGenerator a(spec, 42), b(spec, 42), c(spec, 43);
    std::set<std::size_t> seen;
    bool differs = false;
    double sum = 0;
    constexpr int n = 20000;
    for (int i = 0; i < n; ++i) {
        std::size_t x = a.next();
        CHECK_UNARY(x >= 2048);
        CHECK_UNARY(x <= 4096);
        CHECK(x == b.next());
        differs |= x != c.next();
        seen.insert(x);
        sum += double(x);
    }
    CHECK(differs);
    CHECK(seen.size() > 1500);  // 2049 possible values, 20000 draws
    CHECK(sum / n == doctest::Approx(3072).epsilon(0.02));
    SizeGenerator fixed(parse_size_spec("4K"), 1);
    CHECK(fixed.next() == 4096);
}
