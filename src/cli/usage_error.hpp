#pragma once
// Bad use of the command line (an option, a size spec, a fault spec, a matrix file): main()
// prints it as one line and exits with status 2. Parsers below the command line throw
// std::invalid_argument; the command line turns that into a UsageError.
#include <stdexcept>
#include <string>

namespace ipcb {

struct UsageError : std::invalid_argument {
    explicit UsageError(const std::string &what) : std::invalid_argument(one_line(what)) {}
    // Control characters echoed from the input are escaped ("\n" -> "\\n"), so the error stays
    // one line.
    static std::string one_line(const std::string &text) {
        std::string out;
        for (char c : text) {
            if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
                out += c;
            } else {
                const char *hex = "0123456789abcdef";
                out += c == '\n' ? std::string("\\n") : std::string("\\x") + hex[(c >> 4) & 0xf] + hex[c & 0xf];
            }
        }
        return out;
    }
};

// Runs `parse` and rethrows a std::invalid_argument it throws as a UsageError.
template <class Parse>
auto as_usage(Parse parse) -> decltype(parse()) {
    try {
        return parse();
    } catch (const std::invalid_argument &e) {
        throw UsageError(e.what());
    }
}

}  // namespace ipcb
