#include "loop/neighbour_spec.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/size_spec.hpp"

namespace ipcb {
namespace {

[[noreturn]] void bad(std::string_view spec, const std::string &why) {
    throw std::invalid_argument("--neighbours '" + std::string(spec) + "': " + why);
}

unsigned parse_connections(std::string_view spec, std::string_view text) {
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) bad(spec, "connections must be a whole number");
    if (n < 1 || n > kMaxNeighbourConnections)
        bad(spec, "connections must be 1.." + std::to_string(kMaxNeighbourConnections) + " (the server's limit)");
    return n;
}

double parse_rate(std::string_view spec, std::string_view text) {
    const std::string s(text);
    char *end = nullptr;
    const double r = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(r)) bad(spec, "rate must be a number of requests per second");
    if (r <= 0 || r > kMaxNeighbourRate) bad(spec, "rate must be above 0 and at most 1000000 per second");
    return r;
}

std::uint64_t parse_work(std::string_view spec, std::string_view text) {
    const std::string s(text);
    char *end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    const std::string unit = end ? end : "";
    const double scale = unit == "ns" ? 1 : unit == "us" ? 1e3 : unit == "ms" ? 1e6 : unit == "s" ? 1e9 : -1;
    if (s.empty() || end == s.c_str() || scale < 0 || !std::isfinite(v) || v < 0)
        bad(spec, "work must be a time with a unit (e.g. 20us, 1ms)");
    const double ns = v * scale;
    if (ns > double(kMaxNeighbourWorkNs)) bad(spec, "work must be at most 10ms per request");
    return std::uint64_t(ns);
}

}  // namespace

std::string NeighbourSpec::text() const {
    if (none()) return "none";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%u@%g", connections, rate);
    std::string t = buf;
    if (size != NeighbourSpec{}.size) t += ",size=" + std::to_string(size);
    if (work_ns) {
        std::snprintf(buf, sizeof buf, ",work=%gus", double(work_ns) / 1000.0);
        t += buf;
    }
    return t;
}

NeighbourSpec parse_neighbour_spec(std::string_view text) {
    if (text == "none") return {};
    NeighbourSpec s;
    std::string_view rest = text;
    const std::size_t comma = rest.find(',');
    const std::string_view head = rest.substr(0, comma);
    const std::size_t at = head.find('@');
    if (at == std::string_view::npos) bad(text, "expected none or CONNS@RATE[,size=BYTES][,work=TIME]");
    s.connections = parse_connections(text, head.substr(0, at));
    s.rate = parse_rate(text, head.substr(at + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!rest.empty()) {
        const std::size_t next = rest.find(',');
        const std::string_view item = rest.substr(0, next);
        rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
        const std::size_t eq = item.find('=');
        const std::string_view key = item.substr(0, eq),
                               value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
        if (eq == std::string_view::npos || value.empty()) bad(text, "'" + std::string(item) + "' is not KEY=VALUE");
        if (key == "size") {
            try {
                s.size = parse_size(value);
            } catch (const std::invalid_argument &e) {
                bad(text, std::string("size: ") + e.what());
            }
            if (s.size < kMinNeighbourSize || s.size > kMaxNeighbourSize)
                bad(text, "size must be " + std::to_string(kMinNeighbourSize) + " B..64 KiB");
        } else if (key == "work") {
            s.work_ns = parse_work(text, value);
        } else {
            bad(text, "unknown key '" + std::string(key) + "' (known: size, work)");
        }
    }
    return s;
}

std::vector<NeighbourSpec> parse_neighbour_list(std::string_view text) {
    std::vector<std::string> specs;
    std::string_view rest = text;
    while (true) {
        const std::size_t comma = rest.find(',');
        const std::string item(rest.substr(0, comma));
        if (item.empty()) throw std::invalid_argument("--neighbours '" + std::string(text) + "': an empty item");
        if (item.find('=') != std::string::npos && !specs.empty()) specs.back() += "," + item;
        else specs.push_back(item);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    std::vector<NeighbourSpec> out;
    for (const std::string &s : specs) out.push_back(parse_neighbour_spec(s));
    return out;
}

}  // namespace ipcb
