#pragma once
// The sweep: every mode x size x repetition in a shuffled order, with aggregates over repetitions.
#include "cli/options.hpp"

namespace ipcb {
int sweep_command(const Options &opts);
}
