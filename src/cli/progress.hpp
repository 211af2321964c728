#pragma once
// The sweep's progress on stderr: on a terminal one line rewritten in place, else one line per
// finished run; failed runs always get a line of their own with their cause.
#include <cstddef>
#include <cstdint>
#include <string>

#include "run/results/run_types.hpp"

namespace ipcb {

// "[ 12/130] lfshm[spin=0us] 4096  rep 0  elapsed 0:42  left ~7:30"
class Progress {
public:
    explicit Progress(std::size_t total);
    void before(std::size_t i, const RunConfig &c);
    void after(std::size_t i, const RunResult &r);
    void done();

private:
    std::string line(std::size_t i, const RunConfig &c) const;
    std::size_t total_;
    bool tty_;
    std::uint64_t start_;
};

}  // namespace ipcb
