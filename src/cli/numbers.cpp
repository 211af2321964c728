#include "cli/numbers.hpp"

#include <charconv>
#include <cmath>

#include "cli/usage_error.hpp"

namespace ipcb {
namespace {

// Splits `text` into a leading finite number and what follows it; false when it starts with none.
bool leading_real(const std::string &text, double &value, std::string &rest) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || text.empty() || !std::isfinite(value)) return false;
    rest.assign(end, text.data() + text.size());
    return true;
}

}  // namespace

double parse_real(const std::string &text, const std::string &want) {
    double v = 0;
    std::string rest;
    if (!leading_real(text, v, rest) || !rest.empty()) throw UsageError(want + ", got '" + text + "'");
    return v;
}

std::uint64_t parse_whole(const std::string &text, const std::string &option, std::uint64_t min, std::uint64_t max) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        throw UsageError(option + " wants a whole number, got '" + text + "'");
    if (v < min || v > max)
        throw UsageError(option + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                         text);
    return v;
}

double parse_seconds(const std::string &text, const std::string &option, bool allow_zero) {
    const double v = parse_real(text, option + " wants a number of seconds");
    if (v < 0 || (!allow_zero && v == 0))
        throw UsageError(option + " must be " + (allow_zero ? "zero or more" : "more than zero") + " seconds, got " +
                         text);
    if (v > 86400) throw UsageError(option + " is longer than a day: " + text);
    if (v > 0 && v < 1e-3) throw UsageError(option + " is shorter than a millisecond: " + text);
    return v;
}

std::uint64_t parse_duration_ns(const std::string &text, const std::string &option) {
    double v = 0;
    std::string unit;
    if (!leading_real(text, v, unit) || v < 0)
        throw UsageError(option + " wants a time such as 0, 20us, 1500ns or 2ms, got '" + text + "'");
    const double scale = unit.empty() || unit == "us" ? 1e3 : unit == "ns" ? 1 : unit == "ms" ? 1e6 : -1;
    if (scale < 0) throw UsageError(option + " has an unknown unit in '" + text + "' (use ns, us or ms)");
    if (v * scale > 1e9) throw UsageError(option + " above one second makes no sense: " + text);
    return std::uint64_t(v * scale);
}

}  // namespace ipcb
