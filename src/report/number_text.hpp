#pragma once
// Numbers as summary.md writes them: fixed decimals.
#include <cstdio>
#include <string>

namespace ipcb::markdown {

inline std::string num(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace ipcb::markdown
