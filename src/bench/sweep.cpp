#include "bench/sweep.hpp"

#include "core/sys.hpp"

namespace ipcb {
int run_sweep(const Options &) { throw UsageError("--sweep is not implemented yet"); }
}  // namespace ipcb
