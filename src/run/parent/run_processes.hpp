#pragma once
// A run's role processes as the orchestrator holds them: started (the server, its clients, the
// neighbours' process), set up, released, supervised and evaluated into a RunResult. One run at a
// time uses them (orchestrator.cpp), or several held at once and run in slices (sliced_run.cpp).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "run/parent/children.hpp"
#include "run/results/run_types.hpp"
#include "run/wire/timed_window.hpp"

namespace ipcb {

inline constexpr double kSetupTimeoutS = 15;
inline constexpr double kGraceAfterFailureS = 1.0;  // the surviving role may still explain the failure

inline std::uint64_t deadline_in(double seconds) { return now_ns() + std::uint64_t(seconds * 1e9); }

// The run's role processes, started (kids[0] the server, then its clients) and blocked on `go`.
struct RunProcesses {
    std::vector<Child> kids;  // never resized once started: children are not moved
    Pipe go;
    std::optional<SharedTimedWindow> window;  // a run with neighbours: inherited by every role
    std::vector<Fd> slice;                    // sliced: the write end of each client's slice pipe
    bool any_failed() const {
        return std::any_of(kids.begin(), kids.end(), [](const Child &c) { return c.failed(); });
    }
    bool all_ready() const {
        return std::all_of(kids.begin(), kids.end(), [](const Child &c) { return c.ready(); });
    }
};

// A run held for slices (run/child/client_slices.hpp): each client reads its slice pipe.
struct SliceTiming {
    std::uint64_t slice_ns = 0, lead_ns = 0;
};

// Forks the run's roles; with `slices`, each client gets a slice pipe (p.slice).
void start_roles(const RunConfig &config, RunProcesses &p, const SliceTiming *slices = nullptr);
// Setup: every role must report READY (or one fails) before anything is timed. Returns whether all did.
bool wait_until_ready(RunProcesses &p, std::vector<std::string> &events);
// Waits for every role to finish within the run's deadline; after a failure, gives the survivor
// a moment to end and say what it saw. limit_s: the deadline (0: run_deadline_s(config)).
void supervise(RunProcesses &p, const RunConfig &config, std::vector<std::string> &events, double limit_s = 0);
// The roles' records (all exited) into r: the server's, the clients' and the neighbours' reports
// and histograms, then finalize_result. Throws Error naming a missing or malformed record.
void evaluate(RunResult &r, std::vector<Child> &kids);
void collect_records(RunResult &r, std::vector<Child> &kids);  // evaluate without finalize_result

}  // namespace ipcb
