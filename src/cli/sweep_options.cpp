#include "cli/sweep_options.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/usage_error.hpp"
#include "modes/mode.hpp"
#include "uring/uring.hpp"

namespace ipcb {
namespace {

using json = nlohmann::json;

constexpr std::uintmax_t kMaxMatrixBytes = 1 << 20;

// The matrix file's text: a regular file of at most kMaxMatrixBytes (not /dev/zero, not a FIFO).
std::string read_text(const std::string &path, const char *option) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw UsageError(std::string(option) + " " + path + " is not a regular file");
    if (std::filesystem::file_size(path, ec) > kMaxMatrixBytes)
        throw UsageError(std::string(option) + " " + path + " is larger than " + std::to_string(kMaxMatrixBytes) +
                         " bytes");
    std::ifstream in(path);
    if (!in) throw UsageError(std::string(option) + " " + path + " cannot be read");
    std::string text(kMaxMatrixBytes + 1, '\0');
    in.read(text.data(), std::streamsize(text.size()));
    text.resize(std::size_t(in.gcount()));
    if (text.size() > kMaxMatrixBytes) throw UsageError(std::string(option) + " " + path + " grew while being read");
    return text;
}

void check_known_keys(const json &j) {
    static const char *known[] = {"modes",    "sizes", "repetitions", "duration_s", "warmup_s",     "spin_us",
                                  "inflight", "uring", "uring_sizes", "socket",     "socket_sizes", "same_cpu_sizes"};
    for (auto &item : j.items()) {
        const std::string key = item.key();
        if (std::find_if(std::begin(known), std::end(known), [&](const char *k) { return key == k; }) ==
            std::end(known))
            throw UsageError("--matrix: unknown key '" + key + "'");
    }
}

std::vector<std::string> modes_of(const json &list) {
    std::vector<std::string> modes;
    for (auto &name : list) {
        std::string n = name.get<std::string>();
        if (!find_mode(n)) throw UsageError("--matrix: unknown mode '" + n + "'");
        modes.push_back(n);
    }
    return modes;
}

std::vector<SizeSpec> sizes_of(const json &list) {
    std::vector<SizeSpec> sizes;
    for (auto &s : list) sizes.push_back(as_usage([&] { return parse_size_spec(s.get<std::string>()); }));
    return sizes;
}

// j[key] as a number in [lo, hi] ((lo, hi] when lo_open); else a UsageError that states `range`.
double number_in(const json &j, const char *key, double lo, double hi, bool lo_open, const char *range) {
    double v = j[key].get<double>();
    if (!(lo_open ? v > lo : v >= lo) || !(v <= hi))
        throw UsageError(std::string("--matrix: ") + key + " must be " + range);
    return v;
}

std::vector<SweepMatrix::InflightLevel> inflight_levels_of(const json &list) {
    std::vector<SweepMatrix::InflightLevel> levels;
    for (auto &level : list) {
        unsigned k = level.at("k").get<unsigned>();
        if (k < 1 || k > kMaxInflight)
            throw UsageError("--matrix: inflight k must be 1.." + std::to_string(kMaxInflight));
        levels.push_back({k, sizes_of(level.at("sizes"))});
    }
    return levels;
}

void apply_keys(SweepMatrix &m, const json &j) {
    if (j.contains("modes")) m.modes = modes_of(j["modes"]);
    if (j.contains("sizes")) m.sizes = sizes_of(j["sizes"]);
    if (j.contains("repetitions")) {
        int r = j["repetitions"].get<int>();
        if (r < 1 || r > 1000) throw UsageError("--matrix: repetitions must be 1..1000");
        m.repetitions = r;
    }
    if (j.contains("duration_s")) m.duration_s = number_in(j, "duration_s", 0, 3600, true, "in (0, 3600]");
    if (j.contains("warmup_s")) m.warmup_s = number_in(j, "warmup_s", 0, 3600, false, "in [0, 3600]");
    if (j.contains("spin_us")) {
        m.spins_ns.clear();
        for (auto &s : j["spin_us"]) {
            double us = s.get<double>();
            if (!(us >= 0 && us <= 1e6)) throw UsageError("--matrix: spin_us values must be in [0, 1e6]");
            m.spins_ns.push_back(std::uint64_t(us * 1000));
        }
    }
    if (j.contains("inflight")) m.inflight_levels = inflight_levels_of(j["inflight"]);
    if (j.contains("uring")) {
        m.uring_variants.clear();
        for (auto &v : j["uring"])
            m.uring_variants.push_back(as_usage([&] { return parse_uring_knobs(v.get<std::string>()); }));
    }
    if (j.contains("uring_sizes")) m.uring_sizes = sizes_of(j["uring_sizes"]);
    if (j.contains("socket")) {
        m.socket_variants.clear();
        for (auto &v : j["socket"]) {
            const std::optional<SocketType> t = parse_socket_type(v.get<std::string>());
            if (!t) throw UsageError("--matrix: socket values are seqpacket, stream or dgram");
            m.socket_variants.push_back(*t);
        }
    }
    if (j.contains("socket_sizes")) m.socket_sizes = sizes_of(j["socket_sizes"]);
    if (j.contains("same_cpu_sizes")) m.same_cpu_sizes = sizes_of(j["same_cpu_sizes"]);  // [] : no placement section
}

}  // namespace

void apply_matrix_json(SweepMatrix &m, const std::string &text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw UsageError("--matrix file is not a JSON object");
    check_known_keys(j);
    try {
        apply_keys(m, j);
    } catch (const json::exception &e) {
        throw UsageError(std::string("--matrix: wrong type or missing field (") + e.what() + ")");
    }
    if (m.modes.empty() || m.sizes.empty()) throw UsageError("--matrix: modes and sizes must not be empty");
}

void apply_options(SweepMatrix &m, const Options &o) {
    if (!o.modes.empty()) m.modes = o.modes;
    if (o.sizes_given && !o.sizes.empty()) m.sizes = o.sizes;
    if (o.sizes_large)
        for (const char *text : kLargeSizes)
            if (SizeSpec big = parse_size_spec(text);
                std::none_of(m.sizes.begin(), m.sizes.end(), [&](const SizeSpec &s) { return s.text == big.text; }))
                m.sizes.push_back(big);
    if (o.repetitions_given) m.repetitions = o.repetitions;
    if (o.duration_given) m.duration_s = o.duration_s;
    if (o.warmup_given) m.warmup_s = o.warmup_s;
    if (!o.spins_ns.empty()) m.spins_ns.assign(o.spins_ns.begin(), o.spins_ns.end());
    if (!o.uring_variants.empty()) m.uring_variants = o.uring_variants;
    if (!o.inflights.empty()) {
        m.inflight_levels.clear();
        for (unsigned k : o.inflights)
            if (k != 1) m.inflight_levels.push_back({k, m.sizes});
    }
}

SweepMatrix sweep_matrix(const Options &o) {
    SweepMatrix m = default_matrix(o.quick);
    if (!o.matrix_path.empty()) apply_matrix_json(m, read_text(o.matrix_path, "--matrix"));
    apply_options(m, o);
    return m;
}

std::vector<RunConfig> sweep_runs(const SweepMatrix &m, const Options &o) {
    return expand_matrix(m, run_config_from(o, "", SizeSpec{}), o.seed);
}

}  // namespace ipcb
