// The fan-in servers, in threads of one process: one server thread serves several client
// threads over socketpairs (the harness passes the same channels between processes). Every mode
// with a fan-in server, each a subcase; what must hold: every request is answered to the client
// that sent it, byte for byte and in order, and every client's end of session is seen.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ipc/rendezvous.hpp"
#include "modes/mode.hpp"
#include "rings/round_robin.hpp"

using namespace ipcb;

namespace {

std::pair<Channel, Channel> channel_pair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == 0);
    return {Channel(Fd{fds[0]}), Channel(Fd{fds[1]})};
}

// Request i of client c: its length and every byte derive from (c, i), so a reply that went to the
// wrong client, came out of order or was torn does not match.
std::vector<std::byte> request(unsigned client, unsigned i, std::size_t max) {
    std::vector<std::byte> msg(1 + (std::size_t(i) * 977 + client * 131) % max);
    for (std::size_t k = 0; k < msg.size(); ++k) msg[k] = std::byte((client * 31 + i * 7 + k) & 0xff);
    return msg;
}

// Each client sends `count` requests, one at a time, and checks each echo; returns what failed.
std::string run_client(const Mode &mode, Channel &ch, const ModeConfig &config, unsigned client, unsigned count) {
    try {
        auto endpoint = mode.open(Role::client, ch, config);
        std::vector<std::byte> buf(config.max_message);
        for (unsigned i = 0; i < count; ++i) {
            const std::vector<std::byte> msg = request(client, i, config.max_message);
            endpoint->send(msg);
            const std::size_t n = endpoint->recv(buf);
            if (n != msg.size() || std::memcmp(buf.data(), msg.data(), n) != 0)
                return "client " + std::to_string(client) + ": reply " + std::to_string(i) + " differs";
        }
        endpoint->finish();
        return "";
    } catch (const std::exception &e) {
        return "client " + std::to_string(client) + ": " + e.what();
    }
}

}  // namespace

TEST_CASE("fan-in servers: one loop answers every client's requests, each to its sender, in order") {
    constexpr unsigned kClients = 3, kRequests = 300;
    const ModeConfig config{.max_message = 4096, .inflight = 1, .spin_ns = 20'000, .uring_knobs = std::nullopt};
    std::size_t with_fan_in = 0;
    for (const Mode *mode : all_modes()) with_fan_in += mode->open_fan_in ? 1 : 0;
    REQUIRE(with_fan_in >= 1);
    for (const Mode *mode : all_modes()) {
        if (!mode->open_fan_in) continue;
        SUBCASE(mode->name) {
            REQUIRE_MESSAGE(mode->unsupported_reason().empty(), mode->unsupported_reason());
            std::vector<Channel> server_ends, client_ends;
            for (unsigned c = 0; c < kClients; ++c) {
                auto [s, cl] = channel_pair();
                server_ends.push_back(std::move(s));
                client_ends.push_back(std::move(cl));
            }
            std::vector<std::string> errors(kClients);
            std::vector<std::thread> clients;
            for (unsigned c = 0; c < kClients; ++c)
                clients.emplace_back([&, c] { errors[c] = run_client(*mode, client_ends[c], config, c, kRequests); });
            std::vector<unsigned> answered(kClients, 0);
            std::string server_error;
            try {
                std::vector<Channel *> channels;
                for (Channel &ch : server_ends) channels.push_back(&ch);
                auto server = mode->open_fan_in(channels, config);
                std::vector<std::byte> buf(config.max_message);
                for (unsigned finished = 0; finished < kClients;) {
                    const FanInServer::Arrival a = server->recv_any(buf);
                    REQUIRE(a.client < kClients);
                    if (a.length == 0) {
                        ++finished;
                        continue;
                    }
                    ++answered[a.client];
                    server->send(a.client, std::span(buf).first(a.length));
                }
            } catch (const std::exception &e) {
                server_error = e.what();
                for (Channel &ch : server_ends) ::shutdown(ch.fd(), SHUT_RDWR);  // let the clients fail
            }
            for (auto &t : clients) t.join();
            CHECK_MESSAGE(server_error.empty(), server_error);
            for (unsigned c = 0; c < kClients; ++c) {
                CHECK_MESSAGE(errors[c].empty(), errors[c]);
                CHECK(answered[c] == kRequests);
            }
        }
    }
}

TEST_CASE("round robin: a pass starts after the client served last, and a finished client is skipped") {
    RoundRobin turns(3);
    std::vector<int> ready = {1, 1, 1};  // messages waiting per client
    std::vector<unsigned> order;
    auto try_recv = [&](unsigned c) -> std::optional<std::size_t> {
        if (ready[c] == 0) return std::nullopt;
        --ready[c];
        return std::size_t(c == 1 ? 0 : 8);  // client 1 sends its end of session
    };
    for (int k = 0; k < 3; ++k) {
        auto a = turns.poll(try_recv);
        REQUIRE(a);
        order.push_back(a->client);
    }
    CHECK(order == std::vector<unsigned>{0, 1, 2});
    CHECK(turns.finished(1));
    CHECK_FALSE(turns.poll(try_recv));  // nothing waiting
    ready = {5, 5, 5};
    order.clear();
    for (int k = 0; k < 4; ++k) order.push_back(turns.poll(try_recv)->client);
    CHECK(order == std::vector<unsigned>{0, 2, 0, 2});  // after 2 comes 0; 1 finished, never polled
    CHECK(ready[1] == 5);
}
