// runs.csv / --csv: one row per run, for spreadsheets and pandas. The columns: what the run was
// (mode, variant, size, section, and every run axis as a typed column of its own, from the axis
// table) and every figure of its console line.
#include <algorithm>
#include <cstdio>

#include "report/report.hpp"
#include "run/results/run_axes.hpp"

namespace ipcb {
namespace {

using json = nlohmann::json;

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string csv_field(const std::string &text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string number(double v) {
    char text[48];
    std::snprintf(text, sizeof text, "%.6g", v);
    return text;
}

std::string cell(const json &v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return number(v.get<double>());
    return v.dump();
}

// The axes as flat columns: {"rate": {"per_s": 5000}} -> rate_per_s.
void flatten(const json &j, const std::string &prefix, std::vector<std::pair<std::string, std::string>> &out) {
    for (const auto &item : j.items()) {
        const std::string name = prefix.empty() ? item.key() : prefix + "_" + item.key();
        if (item.value().is_object()) flatten(item.value(), name, out);
        else out.emplace_back(name, cell(item.value()));
    }
}

std::vector<std::pair<std::string, std::string>> row_of(const RunResult &r, std::span<const double> percentiles) {
    const RunConfig &c = r.config;
    std::vector<std::pair<std::string, std::string>> row = {{"mode", c.mode},
                                                            {"variant", c.variant()},
                                                            {"size", c.size.text},
                                                            {"section", section_name(c.section)},
                                                            {"repetition", std::to_string(c.repetition)},
                                                            {"status", status_name(r.status)}};
    flatten(axes_json(c), "", row);
    const bool ok = r.ok() && r.latency;
    auto figure = [&](const std::string &name, double v) { row.emplace_back(name, ok ? number(v) : ""); };
    figure("ops_per_sec", r.ops_per_sec);
    figure("mib_per_sec", r.throughput_mib_s);
    figure("avg_us", ok ? r.latency->avg : 0);
    for (double p : percentiles) figure(percentile_name(p) + "_us", ok ? r.latency->at(p) : 0);
    figure("max_us", ok ? r.latency->max : 0);
    figure("server_cpu_percent", r.server_cpu_percent);
    figure("client_cpu_percent", r.client_cpu_percent);
    figure("cpu_us_per_op", r.mechanism_cpu_us_per_op());
    row.emplace_back("syscalls_per_op", ok && r.syscalls_per_op() >= 0 ? number(r.syscalls_per_op()) : "");
    row.emplace_back("p50_over_floor", ok && r.has_floor() ? number(r.p50_over_floor()) : "");
    row.emplace_back("measured_placement", r.placement());
    row.emplace_back("saturated", r.load.saturated ? "true" : "false");
    row.emplace_back("noisy", r.noise.noisy ? "true" : "false");
    row.emplace_back("error", r.error);
    return row;
}

}  // namespace

std::string runs_csv(const std::vector<RunResult> &runs, const std::vector<double> &percentiles) {
    const std::span<const double> shown =
        percentiles.empty() ? std::span<const double>(kDefaultPercentiles) : std::span<const double>(percentiles);
    // The header: every column of every row, in order of first appearance (an axis may give an
    // open-loop run columns a closed-loop run lacks); a row without one leaves it empty.
    std::vector<std::vector<std::pair<std::string, std::string>>> rows;
    std::vector<std::string> columns;
    for (const RunResult &r : runs) {
        rows.push_back(row_of(r, shown));
        for (const auto &[name, value] : rows.back())
            if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
    }
    std::string out;
    for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_field(columns[i]);
    out += "\n";
    for (const auto &row : rows) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const auto it = std::find_if(row.begin(), row.end(), [&](const auto &f) { return f.first == columns[i]; });
            out += (i ? "," : "") + (it == row.end() ? std::string() : csv_field(it->second));
        }
        out += "\n";
    }
    return out;
}

}  // namespace ipcb
