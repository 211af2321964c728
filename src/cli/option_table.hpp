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

// What parsing found: the Options themselves and what only parsing needs to know.
struct ParseState {
    ParseState(Options &options, const std::vector<int> &allowed) : o(options), allowed_cpus(allowed) {}
    Options &o;
    const std::vector<int> &allowed_cpus;  // CPUs this process may run on (--server-cpu, ...)
    bool server = false, client = false, sweep = false;
    bool modes_given = false, json_given = false, hgrm_given = false;
    bool client_cpu_given = false;  // --client-cpu or --client-cpus
    std::string size_text;          // --size, parsed once the command is known
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

struct OptionSpec {
    const char *name;     // "--inflight"
    const char *alias;    // another spelling ("--sizes"), or nullptr
    const char *metavar;  // what the value is called in --help ("K"); nullptr for a flag
    ArgKind kind;
    std::uint64_t min, max;  // bounds of a whole number (ArgKind::whole)
    const char *help;        // lines separated by '\n'
    void (*apply)(ParseState &, const ArgValue &);
};

std::span<const OptionSpec> option_table();
// The row for `name` (either spelling), or nullptr.
const OptionSpec *find_option(const std::string &name);
// Reads `text` as `spec`'s kind says (bounds included); throws UsageError naming the option.
ArgValue read_value(const OptionSpec &spec, const std::string &text, const ParseState &state);

// --help: usage, the modes and every option, columns sized from the table.
std::string usage_text();
// docs/options.md: the same table as Markdown.
std::string options_markdown();

}  // namespace ipcb
