#pragma once
// Command-line parsing: everything the user can ask for, validated up front so a bad option is
// one error line and exit status 2 before any process is forked or any file is written.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "advise/advise.hpp"
#include "cli/load_options.hpp"
#include "cli/usage_error.hpp"
#include "core/size_spec.hpp"
#include "run/results/run_types.hpp"
#include "run/wire/fault_plan.hpp"

namespace ipcb {

// The size of a run when --size is not given.
inline constexpr const char *kDefaultSize = "typical";
// Two-terminal roles without --timeout: how long to wait for the peer to connect, and for a
// session to make progress, before giving up on it.
inline constexpr double kTwoTerminalTimeoutS = 10;
// An advice's runs, each repeated once per round: short, so that rounds (not long runs) give the
// confidence.
inline constexpr double kAdviseDurationS = 0.5, kAdviseWarmupS = 0.1;

struct Options {
    enum class Command { run, server, client, sweep, advise, list_cpus, help, list_modes, version };
    Command command = Command::run;
    std::vector<std::string> modes;  // resolved mode names
    std::vector<SizeSpec> sizes;     // run: exactly one; sweep: the matrix's sizes
    bool sizes_large = false;        // --sizes large (sweep): the matrix's sizes and kLargeSizes
    bool sizes_given = false, duration_given = false, warmup_given = false, repetitions_given = false;
    double duration_s = RunConfig{}.duration_s;
    std::uint64_t iterations = 0;
    double warmup_s = RunConfig{}.warmup_s;
    double interval_s = 0;  // --interval; 0: by the run's length (RunConfig::interval_ns)
    // The pinned CPUs: given, or the separate pair of the machine's topology (never SMT siblings);
    // a --placement class picks its own pair unless CPUs are given (run_config_from).
    int server_cpu = 0, client_cpu = 1;
    bool cpus_given = false, server_cpu_given = false, client_cpu_given = false;
    // --placement: each a run; empty: same-cpu when the client's CPU is the server's, else separate
    std::vector<Placement> placements;
    std::string json_path;  // run/client: write the report here
    std::string csv_path;   // run/client: one CSV row per run here
    bool csv_given = false;
    std::vector<double> percentiles;   // --percentiles: empty = kDefaultPercentiles
    std::string endpoint = "default";  // two-terminal rendezvous name
    unsigned inflight = RunConfig{}.inflight;
    std::vector<std::uint64_t> spins_ns;  // --spin: each a run of a spinning mode; empty: the mode's default
    std::uint64_t seed = RunConfig{}.seed;
    double timeout_s = 0;
    std::optional<FaultPlan> fault;
    // load
    std::vector<RateSpec> rates;  // empty: closed loop
    unsigned max_inflight = RunConfig{}.max_inflight;
    bool max_inflight_given = false;  // else a mode with a smaller window lowers it (Mode::max_window)
    unsigned clients = RunConfig{}.clients;
    std::vector<int> client_cpus;  // fan-in; empty: default_client_cpus
    std::string hgrm_dir;          // --hgrm: one .hgrm file per run here
    // the server's loop with other work: --neighbours (each a run), --neighbours-cpu, --integration
    std::vector<NeighbourSpec> neighbours;
    int neighbours_cpu = -1;
    int memory_node = -1;                       // --memory-node; -1: the server's first touch
    std::vector<LoopIntegration> integrations;  // empty: poll
    // --retry-noisy: repeats of a noisy run; -1 = the command's default (0 runs, 2 sweep and advise)
    int retry_noisy = -1;
    int retries() const { return retry_noisy >= 0 ? retry_noisy : (command == Command::run ? 0 : 2); }
    // advise
    Objective objective = Objective::p99;
    double budget_s = 60;
    bool interleaved = true;          // --method interleaved (the default) | sequential
    double slice_s = kDefaultSliceS;  // --slice: an interleaved slice's recorded part
    bool slice_given = false;
    bool floor_paired = false;  // --floor-paired: runs interleaved with their floor
    // sweep
    bool quick = false;
    int repetitions = 3;
    std::string out_dir;
    std::string matrix_path;
    std::vector<unsigned> inflights;          // sweep: extra inflight levels
    std::vector<unsigned> uring_variants;     // --uring: knob sets, each a run of the modes that take them
    std::vector<SocketType> socket_variants;  // --socket: socket types, each a run of the modes that take them
    long allow_uid = -1;                      // --allow-uid (two-terminal roles, root only)
    std::vector<std::string> argv;            // the command line as given (for the report)
};

// Throws UsageError (exit status 2) naming the bad option.
Options parse_cli(int argc, const char *const *argv);

// Checks that a file can be created at `path` (its folder exists and is writable).
void check_writable_path(const std::string &path, const std::string &option);

// A run of `mode` at `size` as the command-line options describe it (CPUs, duration, inflight,
// spin budget: the mode's default unless --spin, and 0 for modes that do not spin or run on one
// CPU; fault), at `placement` (same_cpu: every end on the server's CPU).
RunConfig run_config_from(const Options &o, const std::string &mode, const SizeSpec &size,
                          Placement placement = Placement::separate);
// The placements the options ask for (--placement, else by the CPUs).
std::vector<Placement> placements_of(const Options &o);
// The fan-in clients' CPUs: --client-cpus, else default_client_cpus of this process's CPUs.
std::vector<int> fan_in_client_cpus(const Options &o);
// The runs of `mode` at `size`: one per --rate and per --uring variant for a mode that takes knobs.
std::vector<RunConfig> run_configs_from(const Options &o, const std::string &mode, const SizeSpec &size);

}  // namespace ipcb
