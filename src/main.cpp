// ipc_benchmark entry point: parse the command line, then run one of the commands.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <new>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/sys.hpp"

int main(int argc, char **argv) {
    using namespace ipcb;
    Options opts;
    try {
        opts = parse_cli(argc, argv);
    } catch (const UsageError &e) {
        std::fprintf(stderr, "ipc_benchmark: %s\n", e.what());
        return 2;
    }
    try {
        return run_command(opts);
    } catch (const UsageError &e) {
        std::fprintf(stderr, "ipc_benchmark: %s\n", e.what());
        return 2;
    } catch (const std::bad_alloc &) {
        std::fprintf(stderr, "ipc_benchmark: error: out of memory (std::bad_alloc: is ulimit -v too low?)\n");
        return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ipc_benchmark: error: %s\n", e.what());
        return 1;
    }
}
