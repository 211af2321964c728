#include "run/child/verification_cost.hpp"

#include <algorithm>
#include <numeric>

#include "core/payload.hpp"
#include "core/sys.hpp"

namespace ipcb {
namespace {

using payload::Dir;

double mean_at_least_zero(const std::vector<double> &v) {
    return std::max(0.0, std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()));
}

}  // namespace

void calibrate_verification(const RunConfig &run, RoleReport &r) {
    std::vector<std::byte> buf(run.size.max);
    payload::fill_pattern(buf);
    constexpr std::uint64_t kMessages = 512;
    const double clock = r.clock_cost_ns;
    std::vector<double> client, server;
    SizeGenerator gen(run.size, run.seed + 7);
    std::size_t last = 0;
    for (std::uint64_t i = 0; i < kMessages; ++i) {
        payload::restore_pattern(std::span(buf).first(last));
        auto msg = std::span(buf).first(last = gen.next());
        payload::stamp(msg, i, Dir::request);
        std::uint64_t t0 = now_ns();
        bool ok = payload::check_stamps(msg, i, Dir::request).empty();
        payload::stamp(msg, i, Dir::response);
        std::uint64_t t1 = now_ns();
        ok = ok && payload::check_stamps(msg, i, Dir::response).empty();
        if (payload::full_check_due(i)) ok = ok && payload::check_full(msg, i, Dir::response).empty();
        payload::restore_pattern(msg);
        payload::stamp(msg, i + 1, Dir::request);
        std::uint64_t t2 = now_ns();
        if (!ok) throw Error("verification calibration: a correct message failed its check");
        server.push_back(double(t1 - t0) - clock);
        client.push_back(double(t2 - t1) - clock);
    }
    r.verify_client_ns = mean_at_least_zero(client);
    r.verify_server_ns = mean_at_least_zero(server);
}

}  // namespace ipcb
