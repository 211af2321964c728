#pragma once
// Comma lists on the command line (--mode, --size, --rate, --client-cpus, ...).
#include <sstream>
#include <string>
#include <vector>

namespace ipcb {

// "a,b," -> {"a", "b", ""}: a trailing separator leaves an empty item for the caller to reject;
// "" -> {}.
inline std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);) out.push_back(item);
    if (!s.empty() && s.back() == sep) out.push_back("");
    return out;
}

// A comma list whose empty text is one empty item, so the item's parser rejects it with its message.
inline std::vector<std::string> split_items(const std::string &text) {
    return text.empty() ? std::vector<std::string>{""} : split(text, ',');
}

}  // namespace ipcb
