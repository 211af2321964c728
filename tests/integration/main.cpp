// The integration suite's main. A meson test may name a condition it needs in IPCB_TEST_NEEDS;
// when this host lacks it the test exits 77, which meson reports as SKIP (never as a pass):
//   root        the needs-root test suite (sysctls, another uid, perf counters, device nodes)
//   every-mode  every mode and io_uring knob set runs on this kernel and these CPUs; otherwise
//               it names those that cannot, whose per-mode subcases the other tests did not run
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace {

constexpr int kSkip = 77;  // meson's exit status for a skipped test

// Every mode and knob set this host cannot run, with the reason; empty when it runs them all.
std::string what_cannot_run_here() {
    std::string list;
    for (const ipcb::Mode *m : ipcb::all_modes()) {
        if (std::string why = m->unsupported_reason(); !why.empty())
            list += std::string("  mode ") + m->name + ": " + why + "\n";
        else if (m->uring_knobs)
            for (unsigned knobs : {ipcb::kPollFirst, ipcb::kMultishot, ipcb::kRingFd, ipcb::kSqpoll})
                if (std::string why_knobs = ipcb::uring_knobs_unsupported(knobs); !why_knobs.empty())
                    list += std::string("  ") + m->name + "[uring=" + ipcb::uring_knobs_text(knobs) +
                            "]: " + why_knobs + "\n";
    }
    return list;
}

}  // namespace

int main(int argc, char **argv) {
    const char *needs = std::getenv("IPCB_TEST_NEEDS");
    const std::string need = needs ? needs : "";
    if (need == "root" && ::geteuid() != 0) {
        std::printf("SKIP: the needs-root suite needs root (uid %u)\n", unsigned(::geteuid()));
        return kSkip;
    }
    if (need == "every-mode") {
        const std::string missing = what_cannot_run_here();
        if (!missing.empty()) {
            std::printf("SKIP: this host cannot run these; their per-mode subcases did not run:\n%s", missing.c_str());
            return kSkip;
        }
        std::printf("every mode and knob set runs here: every per-mode subcase ran\n");
        return 0;
    }
    doctest::Context context(argc, argv);
    return context.run();
}
