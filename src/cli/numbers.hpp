#pragma once
// The command line's numbers, one parser per kind. Each throws a UsageError that names the option
// and the text it was given, so every bad number is one line and exit status 2.
#include <cstdint>
#include <string>

namespace ipcb {

// A finite real number ("2.5", "1e4"); `want` says what was expected ("--rate wants ...").
double parse_real(const std::string &text, const std::string &want);
// A whole number in [min, max].
std::uint64_t parse_whole(const std::string &text, const std::string &option, std::uint64_t min, std::uint64_t max);
// Seconds, at most a day and at least a millisecond (or exactly 0 when `allow_zero`).
double parse_seconds(const std::string &text, const std::string &option, bool allow_zero);
// A short time: "50us", "2ms", "0", "1500ns"; a bare number is microseconds; at most 1 s.
std::uint64_t parse_duration_ns(const std::string &text, const std::string &option);

}  // namespace ipcb
