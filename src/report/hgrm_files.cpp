// One HdrHistogram .hgrm file per ok run (core/hgrm.hpp), named after the run's position, label
// and size, so a plotter can take a folder of them.
#include <cctype>
#include <cstdio>

#include "report/report.hpp"

namespace ipcb {

std::string hgrm_file_name(std::size_t index, const RunResult &r) {
    std::string name = r.config.label() + "-" + r.config.size.text;
    for (char &ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') ch = '_';
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%03zu-", index);
    return prefix + name + ".hgrm";
}

std::size_t write_hgrm_files(const std::vector<RunResult> &runs, const std::string &dir) {
    std::size_t written = 0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (!runs[i].ok() || runs[i].hgrm.empty()) continue;
        write_output(dir + "/" + hgrm_file_name(i, runs[i]), runs[i].hgrm);
        ++written;
    }
    return written;
}

}  // namespace ipcb
