// --help and docs/options.md, both rendered from the option table (option_table.cpp).
#include <algorithm>
#include <string>
#include <vector>

#include "cli/option_table.hpp"
#include "cli/split.hpp"
#include "modes/mode.hpp"

namespace ipcb {
namespace {

std::vector<std::string> help_lines(const OptionSpec &spec) { return split(help_text(spec), '\n'); }

// "--inflight K": the left column of --help.
std::string left_column(const OptionSpec &spec) {
    return std::string(spec.name) + (spec.metavar ? std::string(" ") + spec.metavar : "");
}

std::string padded(const std::string &text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 1, ' ');
}

// --help's lines fit this many columns: a line longer than its column (a default filled in) is
// broken at a space.
constexpr std::size_t kHelpWidth = 100;

std::vector<std::string> wrapped(const std::vector<std::string> &lines, std::size_t width) {
    std::vector<std::string> out;
    for (std::string line : lines) {
        while (line.size() > width) {
            std::size_t at = line.rfind(' ', width);
            if (at == std::string::npos || at == 0) break;
            out.push_back(line.substr(0, at));
            line = line.substr(at + 1);
        }
        out.push_back(line);
    }
    return out;
}

std::string modes_text() {
    std::size_t width = 0;
    for (const Mode *m : all_modes()) width = std::max(width, std::string(m->name).size());
    std::string text;
    for (const Mode *m : all_modes()) text += "  " + padded(m->name, width + 2) + m->summary + "\n";
    return text;
}

std::string options_text() {
    std::size_t width = 0;
    for (const OptionSpec &spec : option_table()) width = std::max(width, left_column(spec).size());
    std::string text;
    for (const OptionSpec &spec : option_table()) {
        const auto lines = wrapped(help_lines(spec), kHelpWidth - (width + 4));
        text += "  " + padded(left_column(spec), width + 2) + lines.at(0) + "\n";
        for (std::size_t i = 1; i < lines.size(); ++i) text += std::string(width + 4, ' ') + lines[i] + "\n";
    }
    return text;
}

// "run, sweep, client": the commands of a Takes set; "(a command)" for a standalone flag.
std::string commands_text(unsigned takes) {
    if (takes == kStandalone) return "(a command)";
    std::string text;
    for (auto [bit, name] : {std::pair{kByRun, "run"},
                             {kBySweep, "sweep"},
                             {kByServer, "server"},
                             {kByClient, "client"},
                             {kByAdvise, "advise"},
                             {kByListCpus, "list-cpus"}})
        if (takes & bit) text += (text.empty() ? "" : ", ") + std::string(name);
    return text;
}

}  // namespace

std::string usage_text() {
    return "ipc_benchmark: what an IPC mechanism costs when driven from an io_uring event loop.\n\n"
           "Usage:\n"
           "  ipc_benchmark --mode LIST [options]            orchestrated runs (forks server + client)\n"
           "  ipc_benchmark --sweep [--quick] [options]      the full matrix: modes x sizes x repetitions\n"
           "  ipc_benchmark --server --mode M [--endpoint NAME] [--server-cpu N]\n"
           "  ipc_benchmark --client --mode M [--endpoint NAME] [options]   two-terminal use\n"
           "  ipc_benchmark --list-cpus [--json PATH]        the CPUs' topology and each placement's pair\n\n"
           "Modes (--mode takes one, a comma list, or all):\n" +
           modes_text() + "\nOptions (--name VALUE or --name=VALUE):\n" + options_text() +
           "\nExit status: 0 all runs ok (or unsupported here), 1 a run failed, 2 bad usage.\n";
}

std::string options_markdown() {
    std::string text =
        "# Options\n\n"
        "Generated from the option table (`src/cli/option_table.cpp`); `build/ipc_benchmark --help` prints the\n"
        "same. A unit test fails when this file and the table disagree; `build/options_doc > docs/options.md`\n"
        "rewrites it. Every option takes `--name VALUE` or `--name=VALUE`. A command refuses an option it\n"
        "does not use (one error line, exit status 2, nothing created): `used by` names the commands that\n"
        "take it (run: `--mode LIST`; sweep: `--sweep`; server, client: the two-terminal roles).\n\n"
        "| option | value | used by | what it does |\n|---|---|---|---|\n";
    for (const OptionSpec &spec : option_table()) {
        std::string help;
        for (const std::string &line : help_lines(spec)) {
            const bool joined_word = !help.empty() && help.back() == '-';
            help += (help.empty() || joined_word ? "" : " ") + line;
        }
        std::string name = std::string("`") + spec.name + "`";
        if (spec.alias) name += std::string(" (`") + spec.alias + "`)";
        std::string value = spec.metavar ? spec.metavar : "";
        if (spec.kind == ArgKind::whole)
            value += " (" + std::to_string(spec.min) + ".." +
                     (spec.max == kNoMax ? std::string("2^64-1") : std::to_string(spec.max)) + ")";
        std::string cell;
        for (char c : help) cell += c == '|' ? std::string("\\|") : std::string(1, c);  // a table cell
        text += "| " + name + " | " + value + " | " + commands_text(spec.takes) + " | " + cell + " |\n";
    }
    return text;
}

}  // namespace ipcb
