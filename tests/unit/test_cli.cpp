#include <doctest/doctest.h>

#include "cli/numbers.hpp"
#include "cli/option_table.hpp"
#include "cli/options.hpp"
#include "uring/uring.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/sys.hpp"
#include "modes/mode.hpp"
#include "sweep/matrix.hpp"

using namespace ipcb;

namespace {
Options parse(std::vector<const char *> args) {
    args.insert(args.begin(), "ipc_benchmark");
    return parse_cli(int(args.size()), args.data());
}
}  // namespace

TEST_CASE("valid command lines") {
    Options o = parse({"--mode", "uds", "--size", "4K", "--duration", "0.5", "--json", "/tmp/x.json"});
    CHECK(o.command == Options::Command::run);
    CHECK(o.modes == std::vector<std::string>{"uds"});
    CHECK(o.sizes.at(0).min == 4096);
    CHECK(o.duration_s == doctest::Approx(0.5));
    o = parse({"--mode=all", "--iterations", "1000", "--inflight", "16", "--spin", "20us"});
    CHECK(o.modes.size() >= 1);
    CHECK(o.iterations == 1000);
    CHECK(o.inflight == 16);
    CHECK(o.spins_ns == std::vector<std::uint64_t>{20000u});
    o = parse({"--mode", "lfshm,uds", "--spin", "0,50us,0", "--size", "4K"});
    CHECK(o.spins_ns == std::vector<std::uint64_t>{0, 50000});
    const auto lfshm = run_configs_from(o, "lfshm", o.sizes[0]);
    REQUIRE(lfshm.size() == 2);  // one run per spin budget
    CHECK(lfshm[0].variant() == "spin=0us");
    CHECK(lfshm[1].variant() == "spin=50us");
    CHECK(run_configs_from(o, "uds", o.sizes[0]).size() == 1);  // uds does not spin
    o = parse({"--mode", "uds"});
    CHECK(o.sizes.at(0).text == "typical");
    o = parse({"--server", "--mode", "uds", "--endpoint", "x"});
    CHECK(o.command == Options::Command::server);
    CHECK(o.endpoint == "x");
    o = parse({"--mode", "uds,uds"});
    CHECK(o.modes.size() == 1);
}

TEST_CASE("bad command lines are rejected with a message naming the problem") {
    struct Case {
        std::vector<const char *> args;
        const char *reason;
    } cases[] = {
        {{"--mode", "nosuchmode"}, "unknown mode 'nosuchmode'"},
        {{"--mode", "uds", "--size", "0"}, "zero"},
        {{"--mode", "uds", "--size", "4097K"}, "maximum"},
        {{"--mode", "uds", "--size", "2K-1K"}, "minimum above"},
        {{"--mode", "uds", "--duration", "-1"}, "--duration"},
        {{"--mode", "uds", "--duration", "abc"}, "--duration"},
        {{"--mode", "uds", "--duration", "0"}, "more than zero"},
        {{"--mode", "uds", "--warmup", "x"}, "--warmup"},
        {{"--mode", "uds", "--iterations", "0"}, "--iterations"},
        {{"--mode", "uds", "--iterations", "1x"}, "--iterations"},
        {{"--mode", "uds", "--server-cpu", "999"}, "--server-cpu 999"},
        {{"--mode", "uds", "--client-cpu", "-1"}, "--client-cpu"},
        {{"--mode", "uds", "--inflight", "0"}, "--inflight"},
        {{"--mode", "uds", "--inflight", "65"}, "--inflight"},
        {{"--mode", "uds", "--spin", "5parsecs"}, "unknown unit"},
        {{"--mode", "uds", "--json", "/nonexistent-dir/r.json"}, "does not exist"},
        {{"--mode", "uds", "--json", "/tmp"}, "is a directory"},
        {{"--mode", "uds", "--duration", "1", "--iterations", "5"}, "exclude"},
        {{"--mode", "uds", "--inject", "server:explode@1"}, "FAULT"},
        {{"--mode", "uds", "--inject", "nobody:kill@1"}, "ROLE"},
        {{"--mode", "uds", "--inject", "server:kill@x"}, "OP"},
        {{"--mode", "uds", "--bogus"}, "unknown option '--bogus'"},
        {{"--mode"}, "needs a value"},
        {{"--size", "4K"}, "--mode is required"},
        {{"--server", "--client", "--mode", "uds"}, "exclude"},
        {{"--server"}, "exactly one"},
    };
    for (auto &c : cases) {
        std::string joined;
        for (auto *a : c.args) joined += std::string(a) + " ";
        CAPTURE(joined);
        try {
            parse(c.args);
            FAIL("accepted");
        } catch (const UsageError &e) {
            CHECK(std::string(e.what()).find(c.reason) != std::string::npos);
            CHECK(std::string(e.what()).find('\n') == std::string::npos);  // one line
        }
    }
}

TEST_CASE("control characters from the input are escaped: the error stays one line") {
    try {
        parse({"--mode", "uds\nrm -rf /\x01"});
        FAIL("accepted");
    } catch (const UsageError &e) {
        std::string what = e.what();
        CHECK(what.find('\n') == std::string::npos);
        CHECK(what.find("uds\\nrm -rf /\\x01") != std::string::npos);
    }
}

TEST_CASE("durations with units") {
    CHECK(parse_duration_ns("0", "--spin") == 0);
    CHECK(parse_duration_ns("50", "--spin") == 50000);
    CHECK(parse_duration_ns("1500ns", "--spin") == 1500);
    CHECK(parse_duration_ns("2ms", "--spin") == 2000000);
    CHECK_THROWS_AS(parse_duration_ns("-5us", "--spin"), UsageError);
    CHECK_THROWS_AS(parse_duration_ns("2s", "--spin"), UsageError);
}

TEST_CASE("--uring: knob sets, named back the same way, and bad names rejected") {
    CHECK(parse_uring_knobs("none") == 0);
    CHECK(parse_uring_knobs("multishot+ring-fd") == (kMultishot | kRingFd));
    CHECK(uring_knobs_text(kMultishot | kRingFd) == "multishot+ring-fd");
    CHECK(uring_knobs_text(0) == "none");
    for (unsigned k = 0; k <= kAllUringKnobs; ++k) CHECK(parse_uring_knobs(uring_knobs_text(k)) == k);
    Options o = parse({"--mode", "uds,uds-sync", "--uring", "poll-first,none,poll-first", "--size", "4K"});
    CHECK(o.uring_variants == std::vector<unsigned>{kPollFirst, 0});
    auto uds = run_configs_from(o, "uds", o.sizes[0]);
    REQUIRE(uds.size() == 2);
    CHECK(uds[0].variant() == "uring=poll-first");
    CHECK(uds[1].variant() == "uring=none");
    CHECK(run_configs_from(o, "uds-sync", o.sizes[0]).size() == 1);  // takes no knobs
    for (const char *bad : {"poll", "multishot+", "+ring-fd", ""}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse({"--mode", "uds", "--uring", bad}), UsageError);
    }
}

TEST_CASE("the option table: one row per option, --help and docs/options.md from it") {
    const std::string help = usage_text();
    for (const OptionSpec &spec : option_table()) {
        CAPTURE(spec.name);
        CHECK(find_option(spec.name) == &spec);
        if (spec.alias) CHECK(find_option(spec.alias) == &spec);
        CHECK(help.find(std::string("  ") + spec.name) != std::string::npos);
        CHECK(std::string(spec.help).size() > 0);
        CHECK(std::string(spec.help).back() != '\n');
    }
    // Every mode's summary starts in one column, however long the longest mode name.
    std::set<std::size_t> summary_columns;
    for (const Mode *m : all_modes()) {
        const std::size_t at = help.find(std::string("  ") + m->name + " ");
        REQUIRE(at != std::string::npos);
        summary_columns.insert(help.find(m->summary, at) - help.rfind('\n', at));
    }
    CHECK(summary_columns.size() == 1);
    // Option lines fit in 100 columns (their width comes from the option table alone).
    std::istringstream lines(help.substr(help.find("Options")));
    for (std::string line; std::getline(lines, line);) {
        CAPTURE(line);
        CHECK(line.size() <= 100);
    }
    std::ifstream doc(std::string(IPCB_DOCS) + "/options.md");
    REQUIRE_MESSAGE(doc, "docs/options.md is missing: build/options_doc > docs/options.md");
    std::stringstream text;
    text << doc.rdbuf();
    CHECK_MESSAGE(text.str() == options_markdown(), "docs/options.md is stale: build/options_doc > docs/options.md");
}

TEST_CASE("a flag given a value and an option given none are refused by name") {
    CHECK_THROWS_WITH_AS(parse({"--mode", "uds", "--quick=1"}), "--quick takes no value", UsageError);
    CHECK_THROWS_WITH_AS(parse({"--mode", "uds", "--inflight"}), "--inflight needs a value", UsageError);
    CHECK(parse({"--mode", "uds", "--sizes=4K"}).sizes.at(0).min == 4096);  // the alias
    CHECK(parse({"-h"}).command == Options::Command::help);
}

TEST_CASE("--placement: each a run; same-cpu puts every end on the server's CPU without spinning") {
    if (current_affinity().size() < 2) return;  // the default placement needs two CPUs to be separate
    Options o = parse({"--mode", "uds,lfshm", "--placement", "separate,same-cpu", "--size", "4K"});
    const auto uds = run_configs_from(o, "uds", o.sizes[0]);
    REQUIRE(uds.size() == 2);
    CHECK(uds[0].placement == Placement::separate);
    CHECK(uds[0].server_cpu != uds[0].client_cpu);
    CHECK(uds[0].variant().empty());
    CHECK(uds[1].placement == Placement::same_cpu);
    CHECK(uds[1].client_cpu == uds[1].server_cpu);
    CHECK(uds[1].variant() == "same-cpu");
    const auto lfshm = run_configs_from(o, "lfshm", o.sizes[0]);
    REQUIRE(lfshm.size() == 2);
    CHECK(lfshm[0].spin_ns == kDefaultSpinNs);  // the mode's default apart
    CHECK(lfshm[1].spin_ns == 0);               // none on one CPU unless --spin asks
    CHECK(lfshm[1].variant() == "spin=0us,same-cpu");
    // an explicit --spin stays (the run then says why it cannot run)
    o = parse({"--mode", "lfshm", "--placement", "same-cpu", "--spin", "20us"});
    CHECK(run_configs_from(o, "lfshm", o.sizes[0]).at(0).spin_ns == 20000);
    // fan-in: every client on the server's CPU
    o = parse({"--mode", "uds", "--placement", "same-cpu", "--clients", "3"});
    const RunConfig fan = run_configs_from(o, "uds", o.sizes[0]).at(0);
    for (unsigned i = 0; i < 3; ++i) CHECK(fan.cpu_of_client(i) == fan.server_cpu);
    // the same CPU given for both ends is the same-cpu placement
    const std::string cpu = std::to_string(current_affinity()[0]);
    o = parse({"--mode", "uds", "--server-cpu", cpu.c_str(), "--client-cpu", cpu.c_str()});
    CHECK(placements_of(o) == std::vector<Placement>{Placement::same_cpu});
    CHECK(placements_of(parse({"--mode", "uds"})) == std::vector<Placement>{Placement::separate});
}

TEST_CASE("--placement: bad values and contradictions are refused by name") {
    auto message = [](std::vector<const char *> args) {
        try {
            parse(args);
        } catch (const UsageError &e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(message({"--mode", "uds", "--placement", "numa"}).find("unknown placement 'numa'") != std::string::npos);
    CHECK(message({"--mode", "uds", "--placement", ""}).find("--placement") != std::string::npos);
    CHECK(message({"--server", "--mode", "uds", "--placement", "same-cpu"}).find("--placement") != std::string::npos);
    CHECK(message({"--sweep", "--placement", "same-cpu"}).find("--placement") != std::string::npos);
    if (current_affinity().size() < 2) return;
    const std::string other = std::to_string(current_affinity()[1]);
    CHECK(message({"--mode", "uds", "--placement", "same-cpu", "--client-cpu", other.c_str()}).find("contradicts") !=
          std::string::npos);
}

TEST_CASE("every command refuses, by name and before creating anything, each option it does not use") {
    // A valid value for each option that takes one (the refusal must be about the command, not the value).
    const std::map<std::string, const char *> sample = {{"--mode", "uds"},
                                                        {"--size", "4K"},
                                                        {"--placement", "separate"},
                                                        {"--rate", "1000"},
                                                        {"--client-cpus", "0"},
                                                        {"--hgrm", "/tmp/ipcb-refused-hgrm"},
                                                        {"--uring", "none"},
                                                        {"--socket", "stream"},
                                                        {"--json", "/tmp/ipcb-refused.json"},
                                                        {"--csv", "/tmp/ipcb-refused.csv"},
                                                        {"--percentiles", "50"},
                                                        {"--endpoint", "x"},
                                                        {"--out", "/tmp/ipcb-refused-out"},
                                                        {"--matrix", "/nonexistent"},
                                                        {"--inflights", "4"},
                                                        {"--inject", "client:exit@5"},
                                                        {"--spin", "0"},
                                                        {"--neighbours", "8@1000"},
                                                        {"--integration", "poll"},
                                                        {"--objective", "cpu"},
                                                        {"--budget", "10"},
                                                        {"--method", "sequential"}};
    const std::pair<unsigned, std::vector<const char *>> commands[] = {{kByRun, {"--mode", "uds"}},
                                                                       {kBySweep, {"--sweep"}},
                                                                       {kByServer, {"--server", "--mode", "uds"}},
                                                                       {kByClient, {"--client", "--mode", "uds"}},
                                                                       {kByAdvise, {"--advise"}}};
    int refusals = 0;
    for (const OptionSpec &spec : option_table()) {
        if (spec.takes == kStandalone || std::string(spec.name) == "--mode") continue;
        for (const auto &command : commands) {
            // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
            const unsigned bit = command.first;
            if (spec.takes & bit) continue;
            std::vector<const char *> args = command.second;
            args.push_back(spec.name);
            if (spec.kind != ArgKind::flag) {
                const auto it = sample.find(spec.name);
                args.push_back(it != sample.end() ? it->second : (spec.kind == ArgKind::cpu ? "0" : "1"));
            }
            CAPTURE(spec.name);
            CAPTURE(bit);
            std::string message;
            try {
                parse(args);
            } catch (const UsageError &e) {
                message = e.what();
            }
            CHECK(message.find(spec.name) != std::string::npos);
            CHECK(message.find("not used by") != std::string::npos);
            CHECK(message.find('\n') == std::string::npos);
            ++refusals;
        }
    }
    CHECK(refusals > 20);
    for (const char *path : {"/tmp/ipcb-refused-hgrm", "/tmp/ipcb-refused-out"})
        CHECK_FALSE(std::filesystem::exists(path));
    // What the table says a command takes, it takes.
    CHECK(parse({"--client", "--mode", "uds", "--rate", "1000", "--socket", "stream"}).rates.size() == 1);
    CHECK(parse({"--sweep", "--uring", "none", "--spin", "0"}).uring_variants.size() == 1);
    CHECK(parse({"--advise", "--size", "4K", "--objective", "cpu", "--budget", "5"}).objective == Objective::cpu);
}

TEST_CASE("--advise: one workload, its defaults, and what it refuses") {
    const Options a = parse({"--advise", "--size", "4K"});
    CHECK(a.command == Options::Command::advise);
    CHECK(a.modes.empty());  // every mode is a candidate
    CHECK(a.duration_s == kAdviseDurationS);
    CHECK(a.warmup_s == kAdviseWarmupS);
    CHECK(a.budget_s == 60);
    CHECK(a.retries() == 2);
    CHECK(parse({"--mode", "uds"}).retries() == 0);
    CHECK(parse({"--mode", "uds", "--retry-noisy", "3"}).retries() == 3);
    CHECK(parse({"--sweep", "--quick"}).retries() == 2);
    for (const std::vector<const char *> &bad : {std::vector<const char *>{"--advise", "--budget", "0"},
                                                 {"--advise", "--objective", "fastest"},
                                                 {"--advise", "--mode", "nosuch"},
                                                 {"--advise", "--size", "64,4K"},
                                                 {"--advise", "--rate", "50%"},
                                                 {"--advise", "--rate", "1000,2000"},
                                                 {"--advise", "--placement", "separate,same-cpu"},
                                                 {"--advise", "--sweep"},
                                                 {"--advise", "--spin", "0"},
                                                 {"--advise", "--iterations", "10"}}) {
        std::string message;
        try {
            parse(bad);
        } catch (const UsageError &e) {
            message = e.what();
        }
        CAPTURE(bad[1]);
        CHECK_FALSE(message.empty());
        CHECK(message.find('\n') == std::string::npos);
    }
}

TEST_CASE("--help and docs/options.md state the defaults the code runs") {
    const std::string help = usage_text();
    auto line_of = [&](const std::string &name) {
        const std::size_t at = help.find("  " + name + " ");
        REQUIRE(at != std::string::npos);
        const std::size_t next = help.find("\n  --", at + 1);
        return help.substr(at, next - at);
    };
    auto g = [](double v) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", v);
        return std::string(text);
    };
    for (bool quick : {false, true}) {
        CAPTURE(quick);
        const SweepMatrix m = default_matrix(quick);
        CHECK(line_of("--duration").find(g(m.duration_s)) != std::string::npos);
        CHECK(line_of("--warmup").find(g(m.warmup_s)) != std::string::npos);
        CHECK(line_of("--repetitions").find(std::to_string(m.repetitions)) != std::string::npos);
    }
    CHECK(line_of("--duration").find("default " + g(RunConfig{}.duration_s)) != std::string::npos);
    CHECK(line_of("--warmup").find("default " + g(RunConfig{}.warmup_s)) != std::string::npos);
    CHECK(line_of("--max-inflight").find("default " + std::to_string(RunConfig{}.max_inflight)) != std::string::npos);
    const Options o = parse({"--mode", "uds"});
    CHECK(o.duration_s == RunConfig{}.duration_s);
    CHECK(o.warmup_s == RunConfig{}.warmup_s);
    CHECK(o.sizes.at(0).text == kDefaultSize);
}

TEST_CASE("--percentiles and --csv") {
    Options o = parse({"--mode", "uds", "--percentiles", "50,90,99.9,90", "--csv", "/tmp/ipcb-test.csv"});
    CHECK(o.percentiles == std::vector<double>{50, 90, 99.9});
    CHECK(run_config_from(o, "uds", o.sizes[0]).percentiles == o.percentiles);
    for (const char *bad : {"0", "100.5", "x", "50,", "-1"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse({"--mode", "uds", "--percentiles", bad}), UsageError);
    }
    CHECK_THROWS_AS(parse({"--mode", "uds", "--csv", "/nonexistent-dir/r.csv"}), UsageError);
    CHECK_THROWS_AS(parse({"--mode", "uds", "--csv", "/tmp/same", "--json", "/tmp/same"}), UsageError);
    CHECK(percentile_name(99.9) == "p99.9");
    CHECK(percentile_name(50) == "p50");
}
