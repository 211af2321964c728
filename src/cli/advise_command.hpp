#pragma once
#include "cli/options.hpp"

namespace ipcb {

// --advise: probes the host, runs the candidates in rounds (advise/advise.hpp), prints the advice
// and its table, writes --json. Exit status 0 with an advice, 1 when no candidate ran.
int advise_command(const Options &o);

}  // namespace ipcb
