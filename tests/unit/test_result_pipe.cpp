#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "core/sys.hpp"
#include "run/results/role_json.hpp"
#include "run/wire/result_pipe.hpp"

using namespace ipcb;

namespace {
// A complete byte stream as frames, the way the orchestrator reads a finished pipe.
std::vector<Frame> decode_frames(std::span<const std::byte> stream) {
    FrameStream s;
    s.append(stream);
    s.finish();
    return s.frames();
}
}  // namespace

namespace {
std::vector<std::byte> bytes(const std::string &s) {
    auto b = std::as_bytes(std::span(s.data(), s.size()));
    return {b.begin(), b.end()};
}
std::vector<std::byte> stream_of(std::initializer_list<std::pair<FrameType, std::string>> frames) {
    std::vector<std::byte> out;
    for (auto &[t, s] : frames) {
        auto f = encode_frame(t, bytes(s));
        out.insert(out.end(), f.begin(), f.end());
    }
    return out;
}
void check_rejected(std::span<const std::byte> s, const char *reason) {
    try {
        decode_frames(s);
        FAIL("accepted");
    } catch (const Error &e) {
        CHECK(std::string(e.what()).find(reason) != std::string::npos);
    }
}
}  // namespace

TEST_CASE("frames round-trip, including empty payloads") {
    auto s = stream_of({{FrameType::ready, "{}"}, {FrameType::samples, ""}, {FrameType::result, "hello"}});
    auto frames = decode_frames(s);
    REQUIRE(frames.size() == 3);
    CHECK(frames[0].type == FrameType::ready);
    CHECK(frames[1].payload.empty());
    CHECK(frames[2].text() == "hello");
    CHECK(decode_frames({}).empty());
}

TEST_CASE("a stream cut anywhere inside a record is truncated, never a result") {
    auto s = stream_of({{FrameType::ready, "{}"}, {FrameType::result, "a result payload"}});
    const std::size_t first = kFrameOverhead + 2;
    for (std::size_t cut = first + 1; cut < s.size(); ++cut) {
        CAPTURE(cut);
        check_rejected(std::span(s).first(cut), "truncated");
        FrameScan scan = scan_frames(std::span(s).first(cut));
        CHECK(scan.partial);
        CHECK(scan.frames.size() == 1);
    }
}

TEST_CASE("corrupt records are rejected") {
    auto s = stream_of({{FrameType::result, "payload"}});
    auto flipped = s;
    flipped[16 + 3] ^= std::byte{1};  // payload byte
    check_rejected(flipped, "checksum");
    auto magic = s;
    magic[0] ^= std::byte{1};
    check_rejected(magic, "magic");
    auto type = s;
    type[4] = std::byte{99};
    check_rejected(type, "unknown record type");
    auto length = s;
    length[8] = std::byte{200};  // announces more than there is
    check_rejected(length, "truncated");
}

TEST_CASE("frames survive a real pipe larger than its capacity") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::vector<std::uint32_t> samples(100000);
    for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = std::uint32_t(i * 7);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        write_frame(fds[1], FrameType::samples, std::as_bytes(std::span(samples)));
        _exit(0);
    }
    ::close(fds[1]);
    std::vector<std::byte> data(1 << 20);
    std::size_t n = read_full(fds[0], data.data(), data.size());
    ::close(fds[0]);
    int st;
    ::waitpid(pid, &st, 0);
    auto frames = decode_frames(std::span(data).first(n));
    REQUIRE(frames.size() == 1);
    REQUIRE(frames[0].payload.size() == samples.size() * 4);
    CHECK(std::memcmp(frames[0].payload.data(), samples.data(), frames[0].payload.size()) == 0);
}

TEST_CASE("a role's result record with a missing or mistyped field fails with the project's Error, naming the role") {
    RoleReport r;
    r.role = "client";
    r.operations = 42;
    nlohmann::json j = r;
    CHECK(role_report_from_text(j.dump(), "client").operations == 42);
    nlohmann::json missing = j;
    missing.erase("operations");
    nlohmann::json mistyped = j;
    mistyped["wall_s"] = "soon";
    for (const std::string &text : {missing.dump(), mistyped.dump(), std::string("{not json"), std::string("[]")}) {
        CAPTURE(text.substr(0, 40));
        std::string what;
        try {
            role_report_from_text(text, "server");
        } catch (const Error &e) {  // not nlohmann::json::exception, which run_orchestrated does not catch
            what = e.what();
        }
        CHECK(what.rfind("server: ", 0) == 0);
    }
}
