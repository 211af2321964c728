// What both roles share, and the role processes' entry points: how a child reports to the
// orchestrator through its result pipe.
#include "run/child/roles.hpp"

#include <unistd.h>

#include <new>

#include <nlohmann/json.hpp>

#include "run/child/fault.hpp"
#include "run/child/handshake.hpp"
#include "run/results/role_json.hpp"
#include "run/wire/result_pipe.hpp"

namespace ipcb {

const Mode &mode_of(const RunConfig &run) {
    const Mode *m = find_mode(run.mode);
    if (!m) throw Error("unknown mode '" + run.mode + "'");
    return *m;
}

ModeConfig mode_config_of(const RunConfig &run, Role role) {
    return {.max_message = run.size.max,
            .inflight = run.outstanding(),
            .spin_ns = run.spin_ns,
            .uring_knobs = run.uring_knobs,
            .socket = run.socket.value_or(SocketType::seqpacket),
            .sq_thread_cpu = role == Role::server ? run.server_sq_cpu : run.client_sq_cpu,
            .integration = run.integration};
}

void send_ready(const RoleParams &p, const RoleReport &r) {
    if (p.result_fd >= 0) write_frame(p.result_fd, FrameType::ready, nlohmann::json(r).dump());
}

void wait_for_go(const RoleParams &p) {
    if (p.go_fd < 0) return;
    char c;
    if (read_full(p.go_fd, &c, 1) != 0) throw Error("orchestrator sent data on the start pipe");
}

namespace {

[[noreturn]] void child_exit_with_error(const RoleParams &p, const char *role, const std::exception &e) {
    try {
        const std::string what = dynamic_cast<const std::bad_alloc *>(&e)
                                     ? "out of memory (std::bad_alloc: is ulimit -v too low?)"
                                     : std::string(e.what());
        write_frame(p.result_fd, FrameType::error, std::string(role) + ": " + what);
    } catch (...) {}
    _exit(1);
}

void write_result(const RoleParams &p, const RoleReport &r, const FaultPlan *fault) {
    const std::string text = nlohmann::json(r).dump();
    auto bytes = encode_frame(FrameType::result, std::as_bytes(std::span(text.data(), text.size())));
    if (fault && fault->kind == FaultKind::truncate) {
        write_full(p.result_fd, bytes.data(), bytes.size() / 2);  // a record cut short, then exit "ok"
        _exit(0);
    }
    write_full(p.result_fd, bytes.data(), bytes.size());
}

}  // namespace

void server_child_main(const RoleParams &p) {
    try {
        Listener listener(p.endpoint);
        RoleReport r = serve_session(listener, p, kHandshakeTimeoutMs);
        write_result(p, r, fault_for(p.run, "server"));
        _exit(0);
    } catch (const std::exception &e) {
        child_exit_with_error(p, "server", e);
    }
}

void client_child_main(const RoleParams &p) {
    try {
        ClientOutcome out = run_client_session(p);
        write_result(p, out.client, fault_for(p.run, "client"));
        const Recording &rec = *out.recording;
        auto histogram = [&](FrameType t, const LatencyHistogram &h) {
            const std::vector<std::byte> bytes = h.serialize();
            write_frame(p.result_fd, t, bytes);
        };
        histogram(FrameType::latency_histogram, rec.latency);
        write_frame(p.result_fd, FrameType::samples, std::as_bytes(std::span(rec.exact)));
        if (p.run.open_loop()) {
            histogram(FrameType::service_histogram, rec.service);
            histogram(FrameType::lag_histogram, rec.lag);
            write_frame(p.result_fd, FrameType::service_samples, std::as_bytes(std::span(rec.exact_service)));
        }
        _exit(0);
    } catch (const std::exception &e) {
        child_exit_with_error(p, "client", e);
    }
}

}  // namespace ipcb
