#include "run/parent/interrupt.hpp"

#include <signal.h>

namespace ipcb {

std::atomic<int> g_interrupt_signal{0};

namespace {
void on_interrupt(int sig) { g_interrupt_signal.store(sig); }
}  // namespace

void install_interrupt_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);  // no SA_RESTART: poll() returns EINTR at once
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);  // a closed terminal: like SIGTERM, the report of the finished runs is kept
    signal(SIGPIPE, SIG_IGN);
}

int exit_status(const std::vector<RunResult> &runs) {
    if (int sig = g_interrupt_signal.load()) return 128 + sig;
    for (auto &r : runs)
        if (r.status == RunStatus::failed) return 1;
    return 0;
}

}  // namespace ipcb
