#include "run/child/handshake.hpp"

#include <nlohmann/json.hpp>

#include "uring/uring.hpp"

namespace ipcb {

using json = nlohmann::json;

void client_handshake(Channel &ch, const RunConfig &run) {
    // The server needs the window (how many requests may be outstanding: it sizes socket buffers
    // and rings), not how the client paces them.
    json hello = {{"mode", run.mode},
                  {"window", run.outstanding()},
                  {"spin_ns", run.spin_ns},
                  {"size", run.size.text},
                  {"seed", run.seed},
                  {"uring_knobs", run.uring_knobs ? json(*run.uring_knobs) : json(nullptr)},
                  {"socket", run.socket ? json(socket_type_name(*run.socket)) : json(nullptr)}};
    ch.send_text(hello.dump());
    json reply = json::parse(ch.recv_text(kHandshakeTimeoutMs), nullptr, false);
    if (reply.is_discarded()) throw Error("server sent a malformed handshake reply");
    if (reply.contains("error")) throw Error("server refused: " + reply["error"].get<std::string>());
}

RunConfig server_handshake(Channel &ch, const RunConfig &own) {
    json hello = json::parse(ch.recv_text(kHandshakeTimeoutMs), nullptr, false);
    if (hello.is_discarded() || !hello.contains("mode")) throw Error("client sent a malformed handshake");
    RunConfig run = own;
    try {
        run.mode = hello["mode"].get<std::string>();
        run.size = parse_size_spec(hello["size"].get<std::string>());
        // The server serves a window of requests, whoever paces them: a closed loop of that many.
        run.inflight = run.max_inflight = hello["window"].get<unsigned>();
        run.rate = run.rate_percent = 0;
        run.spin_ns = hello["spin_ns"].get<std::uint64_t>();
        run.seed = hello["seed"].get<std::uint64_t>();
        // The same bounds as the command line: they bound what this side maps and fills.
        if (run.inflight < 1 || run.inflight > kMaxInflight)
            throw std::invalid_argument("window " + std::to_string(run.inflight) + " is outside 1.." +
                                        std::to_string(kMaxInflight));
        if (run.spin_ns > 1'000'000'000) throw std::invalid_argument("spin budget above one second");
        run.uring_knobs.reset();
        if (hello.contains("uring_knobs") && !hello["uring_knobs"].is_null()) {
            run.uring_knobs = hello["uring_knobs"].get<unsigned>();
            if (*run.uring_knobs & ~kAllUringKnobs) throw std::invalid_argument("unknown io_uring knobs");
        }
        run.socket.reset();
        if (hello.contains("socket") && !hello["socket"].is_null()) {
            run.socket = parse_socket_type(hello["socket"].get<std::string>());
            if (!run.socket) throw std::invalid_argument("unknown socket type");
        }
    } catch (const std::exception &e) {
        ch.send_text(json{{"error", std::string("bad handshake: ") + e.what()}}.dump());
        throw Error(std::string("client sent a bad handshake: ") + e.what());
    }
    if (run.mode != own.mode) {
        std::string err = "client wants mode '" + run.mode + "' but this server runs '" + own.mode + "'";
        ch.send_text(json{{"error", err}}.dump());
        throw Error(err);
    }
    ch.send_text(json{{"ok", true}}.dump());
    return run;
}

}  // namespace ipcb
