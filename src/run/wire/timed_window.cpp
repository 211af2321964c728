#include "run/wire/timed_window.hpp"

#include <sys/mman.h>

#include <new>

#include "core/sys.hpp"

namespace ipcb {

SharedTimedWindow::SharedTimedWindow() {
    void *p = ::mmap(nullptr, sizeof(TimedWindow), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw_errno("mmap(timed window)");
    window_ = new (p) TimedWindow;
}

SharedTimedWindow::~SharedTimedWindow() { ::munmap(window_, sizeof(TimedWindow)); }

}  // namespace ipcb
