#include "run/child/client_slices.hpp"

#include <time.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "core/sys.hpp"
#include "run/child/usage.hpp"
#include "run/wire/result_pipe.hpp"

namespace ipcb {
namespace {

// Blocks until the orchestrator asks for a slice (true) or closes the pipe (false).
bool next_slice_asked(int fd) {
    char c;
    for (;;) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n == 1) return true;
        if (n == 0) return false;
        if (errno != EINTR) throw_errno("read(slice pipe)");
    }
}

// Another process's CPU time (its CPU clock); 0 when it cannot be read.
std::uint64_t cpu_clock_ns(clockid_t clock, bool ok) {
    timespec t{};
    if (!ok || ::clock_gettime(clock, &t) != 0) return 0;
    return std::uint64_t(t.tv_sec) * 1'000'000'000ull + std::uint64_t(t.tv_nsec);
}

void add_phase(ClientLoop::Phase &sum, const ClientLoop::Phase &s) {
    sum.max_inflight_waits += s.max_inflight_waits;
    sum.pacing_cpu_ns += s.pacing_cpu_ns;
    sum.verified += s.verified, sum.full_checks += s.full_checks, sum.bytes += s.bytes, sum.ops += s.ops;
    sum.size_min = std::min(sum.size_min, s.size_min), sum.size_max = std::max(sum.size_max, s.size_max);
    sum.size_sum += s.size_sum;
    sum.sampled_ns += s.sampled_ns;
}

void add_usage(RoleReport &sum, const RoleReport &s) {
    sum.user_s += s.user_s, sum.sys_s += s.sys_s, sum.wall_s += s.wall_s;
    sum.voluntary_switches += s.voluntary_switches, sum.involuntary_switches += s.involuntary_switches;
    sum.peak_rss_kib = s.peak_rss_kib;
}

}  // namespace

SlicedPhase run_slices(const RoleParams &p, ClientLoop &loop, int server_pid, Recording &all) {
    SlicedPhase out;
    clockid_t server_clock{};
    const bool server_clock_ok = server_pid > 0 && ::clock_getcpuclockid(server_pid, &server_clock) == 0;
    const bool open_loop = p.run.open_loop();
    write_frame(p.result_fd, FrameType::warmed, std::string("{}"));
    while (next_slice_asked(p.slice_fd)) {
        ClientLoop::Phase lead{.deadline_ns = now_ns() + p.slice_lead_ns};
        loop.run(lead);
        Recording rec(open_loop, 0, 4 * p.slice_ns, 0);
        rec.exact_complete = false;  // histograms only: no exact samples are kept (or allocated)
        const std::uint64_t client_cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
        const std::uint64_t server_cpu0 = cpu_clock_ns(server_clock, server_clock_ok);
        const UsageSnapshot before = UsageSnapshot::take();
        rec.start(before.wall_ns);
        ClientLoop::Phase slice{.deadline_ns = before.wall_ns + p.slice_ns, .rec = &rec};
        loop.run(slice);
        const UsageSnapshot after = UsageSnapshot::take();
        const std::uint64_t server_cpu1 = cpu_clock_ns(server_clock, server_clock_ok);
        const std::uint64_t client_cpu1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
        rec.finish(after.wall_ns);
        RoleReport usage;
        fill_usage(usage, before, after);
        add_usage(out.usage, usage);
        add_phase(out.totals, slice);
        all.latency.merge(rec.latency);
        if (open_loop) all.service.merge(rec.service), all.lag.merge(rec.lag);
        ++out.slices;
        const nlohmann::json figures{
            {"ops", slice.ops},
            {"wall_ns", after.wall_ns - before.wall_ns},
            {"client_cpu_ns", client_cpu1 - client_cpu0},
            {"server_cpu_ns", server_clock_ok ? std::int64_t(server_cpu1 - server_cpu0) : std::int64_t(-1)},
            {"pacing_cpu_ns", slice.pacing_cpu_ns},
            {"involuntary_switches", usage.involuntary_switches},
            {"max_inflight_waits", slice.max_inflight_waits},
        };
        write_frame(p.result_fd, FrameType::slice, figures.dump());
        write_frame(p.result_fd, FrameType::slice_histogram, rec.latency.serialize());
    }
    return out;
}

}  // namespace ipcb
