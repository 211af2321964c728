#pragma once
// The orchestrator's view of its role processes (a server and one or more clients): fork them into their own process groups,
// read their result pipes as records arrive, notice exits through pidfds, and kill and reap them.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/sys.hpp"
#include "run/child/roles.hpp"
#include "run/wire/result_pipe.hpp"

namespace ipcb {

struct Pipe {
    Fd read, write;
    static Pipe make();  // O_CLOEXEC
};

struct Child {
    const char *role = "";
    pid_t pid = -1;
    Fd pidfd;
    Fd out;               // read end of its result pipe
    FrameStream records;  // what it wrote, decoded as it arrives
    std::string corrupt;  // why its stream stopped making sense, if it did
    bool eof = false, exited = false;
    int status = 0;  // waitpid status once exited
    bool killed_by_us = false;
    bool error_noted = false, exit_noted = false;

    void absorb(std::span<const std::byte> bytes);
    bool ready() const { return records.has(FrameType::ready) || !corrupt.empty(); }  // corrupt: stop waiting
    bool sent_error() const { return records.has(FrameType::error); }
    bool done() const { return eof && exited; }
    bool failed() const { return (exited && status != 0) || sent_error(); }
};

// Forks `main(params)` as `role` in a process group of its own that dies with the orchestrator,
// closing `close_in_child` in the child; fills child.role, pid and pidfd.
void spawn(const char *role, const std::vector<int> &close_in_child, void (*main)(const RoleParams &),
           const RoleParams &params, Child &child);
// Descriptors only the orchestrator may hold: a held run's slice pipes (its clients see EOF only
// once every write end is closed, and a child forked later would inherit one). Every child
// spawned while one is registered closes it.
void keep_from_children(int fd);
void release_to_close(int fd);  // unregisters it (call before closing it)
void kill_group(Child &c);      // SIGKILL to its whole group, unless it already exited
void reap(Child &c);            // waits for it, unless already reaped

// Appends what went wrong with `c` (its ERROR record, a corrupt stream, an abnormal exit) to
// `events` the first time it is seen, so a run's cause lists problems in the order they
// happened: the root cause first.
void note_problems(Child &c, std::vector<std::string> &events);

// Waits until `until()` holds, every child is done, or the deadline passes; reads result
// pipes and notes exits as they happen. Returns false on timeout or interruption.
bool pump(std::span<Child> kids, std::vector<std::string> &events, std::uint64_t deadline_ns,
          const std::function<bool()> &until);

}  // namespace ipcb
