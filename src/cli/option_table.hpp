#pragma once
// The command line's one table, as fio's fio_options[]: every option's name, the value it takes,
// how that value is parsed and bounded, and its help text. Parsing (options.cpp), --help and the
// option list in docs/options.md all come from it, so an option is added in one row.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace ipcb {

struct OptionSpec;

inline constexpr std::uint64_t kNoMax = UINT64_MAX;  // a whole number without an upper bound

// What parsing found: the Options themselves and what only parsing needs to know.
struct ParseState {
    ParseState(Options &options, const std::vector<int> &allowed) : o(options), allowed_cpus(allowed) {}
    Options &o;
    const std::vector<int> &allowed_cpus;  // CPUs this process may run on (--server-cpu, ...)
    bool server = false, client = false, sweep = false, advise = false, list_cpus = false;
    bool modes_given = false, json_given = false, hgrm_given = false;
    bool client_cpu_given = false;          // --client-cpu or --client-cpus
    std::vector<const OptionSpec *> given;  // every option on the command line, in order
    std::string size_text;                  // --size, parsed once the command is known
};

// How an option's value is read before its row's `apply` sees it.
enum class ArgKind {
    flag,             // no value
    whole,            // a whole number in [min, max]         -> ArgValue::whole
    seconds,          // seconds, more than zero               -> ArgValue::seconds
    seconds_or_zero,  // seconds, zero allowed                 -> ArgValue::seconds
    times,            // "0,50us,2ms": a comma list of times    -> ArgValue::ns (distinct, in order)
    cpu,              // a CPU this process may run on         -> ArgValue::whole
    text,             // the text itself; `apply` parses it   -> ArgValue::text
};

struct ArgValue {
    std::string text;  // always the value as given
    std::uint64_t whole = 0;
    double seconds = 0;
    std::vector<std::uint64_t> ns;
};

// The commands an option is used by, as a bit set: parsing refuses an option the command does not
// use (exit status 2, nothing created), so no option is silently ignored.
enum Takes : unsigned {
    kByRun = 1,        // orchestrated runs (--mode LIST)
    kBySweep = 2,      // --sweep
    kByServer = 4,     // two-terminal --server
    kByClient = 8,     // two-terminal --client
    kByAdvise = 16,    // --advise
    kByListCpus = 32,  // --list-cpus
    kByAll = kByRun | kBySweep | kByServer | kByClient | kByAdvise,
    kStandalone = 0,  // a command of its own (--help, --list-modes, --version) or one that picks the command
};

struct OptionSpec {
    const char *name;     // "--inflight"
    const char *alias;    // another spelling ("--sizes"), or nullptr
    const char *metavar;  // what the value is called in --help ("K"); nullptr for a flag
    ArgKind kind;
    std::uint64_t min, max;  // bounds of a whole number (ArgKind::whole)
    unsigned takes;          // Takes: the commands that use it
    // Lines separated by '\n'; "{default}" is replaced by default_text(), so a default is written
    // once, where the code takes it from (RunConfig, the sweep matrix, the mode table).
    const char *help;
    void (*apply)(ParseState &, const ArgValue &);
    std::string (*default_text)() = nullptr;
};

std::span<const OptionSpec> option_table();
// The row for `name` (either spelling), or nullptr.
const OptionSpec *find_option(const std::string &name);
// Reads `text` as `spec`'s kind says (bounds included); throws UsageError naming the option.
ArgValue read_value(const OptionSpec &spec, const std::string &text, const ParseState &state);

// "" when `spec` is used by `command` (a kBy* bit), else the one-line refusal naming both.
std::string refusal(const OptionSpec &spec, unsigned command);
// The help text of `spec` with its default filled in.
std::string help_text(const OptionSpec &spec);

// --help: usage, the modes and every option, columns sized from the table.
std::string usage_text();
// docs/options.md: the same table as Markdown.
std::string options_markdown();

}  // namespace ipcb
