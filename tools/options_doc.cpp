// Prints docs/options.md from the option table: build/options_doc > docs/options.md
#include <cstdio>

#include "cli/option_table.hpp"

int main() {
    std::fputs(ipcb::options_markdown().c_str(), stdout);
    return 0;
}
