#pragma once
// Where reports go. A regular file, or a path with nothing there yet, is replaced atomically (a
// temporary file in the same folder, fsync, rename), so a reader or a crash never sees half a
// report. A symlink is followed and its target replaced that way (the link stays). A character
// device or a FIFO is written through: rename(2) would replace the node itself (as root,
// `--json /dev/null` once turned /dev/null into a file).
#include <string>

namespace ipcb {

// Throws Error on failure, leaving no temporary file.
void write_output(const std::string &path, const std::string &text);

// Proves up front that write_output(path) can work, before any run: for a regular file (or none
// yet) by creating and removing its temporary file; for a device or FIFO by checking it is
// writable. Throws std::invalid_argument saying what is wrong.
void check_output_path(const std::string &path);

}  // namespace ipcb
