#pragma once

namespace ipcb {
// `git describe --always --dirty` at build time, or "unknown" outside a git checkout.
const char *build_git_commit();
}  // namespace ipcb
