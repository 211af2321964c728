// The table of modes, in the order reports list them. Adding a mode: one file defining a
// `const Mode`, one line here, one line in meson.build.
#include "modes/mode.hpp"

namespace ipcb {

extern const Mode uds_mode;
extern const Mode shm_mode;
extern const Mode lfshm_mode;
extern const Mode lfshm_uring_mode;
extern const Mode lfshm_eventfd_mode;
extern const Mode lfshm_msgring_mode;
extern const Mode uds_sync_mode;
extern const Mode shm_direct_mode;
extern const Mode lfshm_spin_mode;
extern const Mode pipe_mode;
extern const Mode pipe_sync_mode;
extern const Mode tcp_mode;
extern const Mode tcp_sync_mode;
extern const Mode mq_mode;
extern const Mode mq_sync_mode;
extern const Mode lfshm_zc_mode;

const std::vector<const Mode *> &all_modes() {
    static const std::vector<const Mode *> modes = {
        // the io_uring-driven designs
        &uds_mode,
        &shm_mode,
        &lfshm_mode,
        &lfshm_uring_mode,
        &lfshm_eventfd_mode,
        &lfshm_msgring_mode,
        &lfshm_zc_mode,
        &pipe_mode,
        &tcp_mode,
        &mq_mode,
        // baselines
        &uds_sync_mode,
        &shm_direct_mode,
        &lfshm_spin_mode,
        &pipe_sync_mode,
        &tcp_sync_mode,
        &mq_sync_mode,
    };
    return modes;
}

const char *loop_join_name(LoopJoin j) {
    switch (j) {
    case LoopJoin::completion: return "completion";
    case LoopJoin::integration: return "integration";
    case LoopJoin::spin: return "spin";
    default: return "cannot";
    }
}

const Mode *find_mode(std::string_view name) {
    for (const Mode *m : all_modes())
        if (name == m->name) return m;
    return nullptr;
}

}  // namespace ipcb
