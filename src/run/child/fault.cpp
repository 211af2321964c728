#include "run/child/fault.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "core/payload.hpp"
#include "core/sys.hpp"
#include "run/results/run_types.hpp"

namespace ipcb {
namespace {

// The misbehaviours that do not depend on the message.
void inject_process_fault(const FaultPlan &f) {
    switch (f.kind) {
    case FaultKind::exit: _exit(3);
    case FaultKind::abort: std::abort();
    case FaultKind::kill: ::raise(SIGKILL); break;
    case FaultKind::hang:
        for (;;) ::pause();
    default: break;
    }
}

}  // namespace

const FaultPlan *fault_for(const RunConfig &run, const char *role) {
    return run.fault && run.fault->applies_to(run.mode, role) ? &*run.fault : nullptr;
}

int apply_fault_before_send(const FaultPlan &fault, std::span<std::byte> msg, std::uint64_t seq) {
    inject_process_fault(fault);
    switch (fault.kind) {
    case FaultKind::corrupt: msg[payload::stamped_offset(msg.size(), seq)] ^= std::byte{0x40}; return 1;
    case FaultKind::drop: return 0;
    case FaultKind::duplicate: return 2;
    case FaultKind::stall: sleep_until_ns(now_ns() + fault.stall_ms * 1'000'000); return 1;
    default: return 1;
    }
}

}  // namespace ipcb
