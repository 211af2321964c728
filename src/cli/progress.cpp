#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "core/sys.hpp"

namespace ipcb {
namespace {

std::string clock_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d:%02d", int(s) / 60, int(s) % 60);
    return buf;
}

}  // namespace

Progress::Progress(std::size_t total) : total_(total), tty_(::isatty(2)), start_(now_ns()) {}

void Progress::before(std::size_t i, const RunConfig &c) {
    if (!tty_) return;
    std::fprintf(stderr, "\r\033[K%s", line(i, c).c_str());
    std::fflush(stderr);
}

void Progress::after(std::size_t i, const RunResult &r) {
    std::string status = r.ok() ? "ok" : std::string(status_name(r.status)) + ": " + r.error;
    if (tty_) std::fprintf(stderr, "\r\033[K");
    if (!tty_ || !r.ok()) std::fprintf(stderr, "%s  %s\n", line(i, r.config).c_str(), status.c_str());
}

void Progress::done() {
    if (tty_) std::fprintf(stderr, "\r\033[K");
}

std::string Progress::line(std::size_t i, const RunConfig &c) const {
    double elapsed = double(now_ns() - start_) * 1e-9;
    const std::string left = i ? clock_text(elapsed / double(i) * double(total_ - i)) : "?";
    char buf[256];
    std::snprintf(buf, sizeof buf, "[%3zu/%zu] %-28s %-8s rep %d  elapsed %s  left ~%s", i + 1, total_,
                  c.label().c_str(), c.size.text.c_str(), c.repetition, clock_text(elapsed).c_str(), left.c_str());
    return buf;
}

}  // namespace ipcb
