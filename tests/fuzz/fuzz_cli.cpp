// libFuzzer target: the command-line parser, fed argv vectors split from the input at NUL bytes,
// must accept or throw UsageError (one line), never crash or throw anything else.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    std::vector<std::string> args{"ipc_benchmark"};
    std::string cur;
    for (std::size_t i = 0; i < size && args.size() < 32; ++i) {
        if (data[i] == 0) {
            args.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(char(data[i]));
        }
    }
    if (!cur.empty()) args.push_back(cur);
    std::vector<const char *> argv;
    for (auto &a : args) argv.push_back(a.c_str());
    try {
        ipcb::parse_cli(int(argv.size()), argv.data());
    } catch (const ipcb::UsageError &e) {
        if (std::string(e.what()).find('\n') != std::string::npos) std::abort();  // one line
    }
    return 0;
}
