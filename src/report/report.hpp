#pragma once
// A report: the environment plus every run, as plain data. Reporters (JSON, console) only read it.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/run_types.hpp"
#include "core/environment.hpp"

namespace ipcb {

struct Report {
    Environment environment;
    std::vector<RunResult> runs;
    std::vector<std::string> command_line;
    nlohmann::json sweep;  // sweep metadata and aggregates (null for plain runs)
};

inline constexpr int kSchemaVersion = 1;

nlohmann::json environment_to_json(const Environment &e);
nlohmann::json run_to_json(const RunResult &r);
nlohmann::json report_to_json(const Report &report);

// Writes `text` to `path` through a temporary file in the same folder and rename(2), so a reader
// (or a crash) never sees a half-written file. Throws Error on failure, leaving no temp file.
void write_file_atomic(const std::string &path, const std::string &text);

// Console output: a compact table, one line per run, and failed runs' causes below it.
std::string console_table(const std::vector<RunResult> &runs);
std::string console_run_line(const RunResult &r);  // progress line for one finished run

}  // namespace ipcb
