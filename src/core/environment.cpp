#include "core/environment.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/build_info.hpp"
#include "core/sys.hpp"

#ifndef IPCB_LIBURING_VERSION
#define IPCB_LIBURING_VERSION "unknown"
#endif

namespace ipcb {
namespace {

std::string cpuinfo_field(const std::string &key) {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key, 0) == 0)
            if (auto colon = line.find(':'); colon != std::string::npos) return line.substr(colon + 2);
    return {};
}

std::string detect_virtualization() {
    std::string flags = cpuinfo_field("flags");
    std::string vendor = read_first_line("/sys/class/dmi/id/sys_vendor");
    std::string product = read_first_line("/sys/class/dmi/id/product_name");
    if (flags.find(" hypervisor") == std::string::npos) return "none detected";
    std::string what = "hypervisor";
    if (!vendor.empty() || !product.empty()) what += " (" + vendor + (product.empty() ? "" : " " + product) + ")";
    else if (std::filesystem::exists("/sys/hypervisor/type"))
        what += " (" + read_first_line("/sys/hypervisor/type") + ")";
    return what;
}

std::string mitigations() {
    std::string out;
    std::error_code ec;
    std::vector<std::filesystem::path> entries;
    for (auto &e : std::filesystem::directory_iterator("/sys/devices/system/cpu/vulnerabilities", ec))
        entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    for (auto &p : entries)
        out += (out.empty() ? "" : "; ") + p.filename().string() + ": " + read_first_line(p.string());
    return out.empty() ? "unknown" : out;
}

}  // namespace

std::string read_first_line(const std::string &path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string utc_timestamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Environment probe_environment() {
    Environment e;
    utsname u{};
    uname(&u);
    e.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
    e.hostname = u.nodename;
    e.cpu_model = cpuinfo_field("model name");
    if (e.cpu_model.empty()) e.cpu_model = "unknown";
    e.cpus_online = int(sysconf(_SC_NPROCESSORS_ONLN));
    e.virtualization = detect_virtualization();
    e.clocksource = read_first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    e.governor = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    if (e.governor.empty()) e.governor = "unknown";
    std::string smt = read_first_line("/sys/devices/system/cpu/smt/active");
    e.smt = smt == "1" ? "on" : smt == "0" ? "off" : "unknown";
    e.mitigations = mitigations();
    e.liburing_version = IPCB_LIBURING_VERSION;
#if defined(__clang__)
    e.compiler = "clang " __clang_version__;
#else
    e.compiler = "g++ " __VERSION__;
#endif
#ifdef NDEBUG
    e.build_type = "release (NDEBUG)";
#else
    e.build_type = "debug";
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    e.build_type += ", sanitizers";
#endif
    e.git_commit = build_git_commit();
    e.timestamp = utc_timestamp();
    e.clock_cost_ns = measure_clock_cost_ns();
    return e;
}

MachineBusy sample_machine_busy() {
    MachineBusy s;
    std::ifstream la("/proc/loadavg");
    la >> s.loadavg1;
    std::ifstream stat("/proc/stat");
    for (std::string line; std::getline(stat, line);) {
        if (line.rfind("cpu", 0) != 0 || line.size() < 4 || !std::isdigit(static_cast<unsigned char>(line[3])))
            continue;
        std::istringstream in(line);
        std::string name;
        std::uint64_t user, nice, system, idle, iowait, irq, softirq, steal = 0;
        in >> name >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
        const std::size_t cpu = std::stoul(name.substr(3));
        if (s.steal_ticks.size() <= cpu) s.steal_ticks.resize(cpu + 1);
        s.steal_ticks[cpu] = steal;
    }
    std::ifstream psi("/proc/pressure/cpu");
    std::string line;
    if (std::getline(psi, line) && line.rfind("some", 0) == 0) {  // "some avg10=.. avg60=.. avg300=.. total=.."
        std::istringstream in(line);
        for (std::string word; in >> word;) {
            if (word.rfind("avg10=", 0) == 0) s.cpu_pressure_some_avg10 = std::stod(word.substr(6));
            if (word.rfind("total=", 0) == 0) s.cpu_pressure_some_total_us = std::stoll(word.substr(6));
        }
    }
    s.at_ns = now_ns();
    return s;
}

double steal_ms_between(const MachineBusy &a, const MachineBusy &b, int cpu1, int cpu2, double *cpu_ms) {
    const double ms_per_tick = 1000.0 / double(sysconf(_SC_CLK_TCK));
    const double window_ms = double(b.at_ns - a.at_ns) * 1e-6;
    double total = 0;
    *cpu_ms = 0;
    for (int cpu : {cpu1, cpu2}) {
        if (cpu < 0 || std::size_t(cpu) >= a.steal_ticks.size() || std::size_t(cpu) >= b.steal_ticks.size()) continue;
        total += double(b.steal_ticks[std::size_t(cpu)] - a.steal_ticks[std::size_t(cpu)]) * ms_per_tick;
        *cpu_ms += window_ms;
        if (cpu1 == cpu2) break;
    }
    return total;
}

}  // namespace ipcb
