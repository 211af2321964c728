#include "core/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/sys.hpp"

namespace ipcb {
namespace {

namespace fs = std::filesystem;

// The path a write lands on: a symlink's target (followed through every link), else the path.
std::string resolved(const std::string &path) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
    const fs::path target = fs::weakly_canonical(path, ec);
    return ec ? path : target.string();
}

std::string temp_name(const std::string &path) { return path + ".tmp." + std::to_string(::getpid()); }

bool written_through(const struct stat &st) { return S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode); }

void write_through(const std::string &path, const std::string &text) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw_errno("cannot open " + path);
    write_full(fd.get(), text.data(), text.size());
}

void replace_atomically(const std::string &path, const std::string &text) {
    const std::string tmp = temp_name(path);
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) throw_errno("cannot write " + path);
    try {
        write_full(fd.get(), text.data(), text.size());
        if (::fsync(fd.get()) < 0) throw_errno("fsync " + tmp);
        if (::close(fd.release()) < 0) throw_errno("close " + tmp);
        if (::rename(tmp.c_str(), path.c_str()) < 0) throw_errno("rename to " + path);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

}  // namespace

void write_output(const std::string &path, const std::string &text) {
    const std::string target = resolved(path);
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0 && written_through(st)) return write_through(target, text);
    replace_atomically(target, text);
}

void check_output_path(const std::string &path) {
    if (path.empty()) throw std::invalid_argument("wants a path, got an empty one");
    const std::string target = resolved(path);
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw std::invalid_argument(path + " is a directory");
        if (written_through(st)) {
            if (::access(target.c_str(), W_OK) != 0) throw std::invalid_argument(path + " is not writable");
            return;
        }
        if (!S_ISREG(st.st_mode)) throw std::invalid_argument(path + " is not a regular file, device or FIFO");
        if (::access(target.c_str(), W_OK) != 0) throw std::invalid_argument(path + " is not writable");
    }
    const fs::path parent = fs::path(target).has_parent_path() ? fs::path(target).parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(parent, ec))
        throw std::invalid_argument(path + ": folder " + parent.string() + " does not exist");
    // The report is written through this temporary name, then renamed: creating it now proves
    // the folder takes new files and that the names are not too long.
    const std::string tmp = temp_name(target);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw std::invalid_argument(path + ": cannot create a file there (" + std::strerror(errno) + ")");
    ::close(fd);
    ::unlink(tmp.c_str());
}

}  // namespace ipcb
