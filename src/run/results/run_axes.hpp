#pragma once
// The run axes: one row per parameter in which two runs of one mode and size can differ (spin
// budget, io_uring knobs, socket type, in-flight level, offered rate, max-inflight, clients,
// placement, memory node, neighbours, loop integration), as fio's option table describes each option once. From the rows: the variant name
// (RunConfig::variant), report.json's typed `axes` of each run and aggregate, the CSV's columns,
// and every comparison of two configurations "except in one axis" (the io_uring overhead pairs,
// the placement pairs), so nothing takes a variant name apart again.
#include <initializer_list>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "run/results/run_types.hpp"

namespace ipcb {

enum class Axis {
    spin,
    uring,
    socket,
    inflight,
    rate,
    max_inflight,
    clients,
    placement,
    memory_node,
    neighbours,
    integration
};

struct AxisSpec {
    Axis axis;
    const char *key;     // report.json's axes.<key> and the CSV column
    const char *option;  // the command line's option
    // Part of the design (false: the offered load, left out of RunConfig::design_label).
    bool design;
    // Whether the axis means anything for this run (the Mode capability it needs: spins,
    // uring_knobs, socket_types; or a state of the run: open loop); else its value is null.
    bool (*applies)(const RunConfig &);
    std::string (*variant_part)(const RunConfig &);  // "" where the variant name leaves it out
    nlohmann::json (*value)(const RunConfig &);      // typed, where it applies
};

std::span<const AxisSpec> run_axes();
const AxisSpec &axis_spec(Axis axis);

// The variant name: the parts of every axis, in the table's order, joined by ','.
std::string variant_of(const RunConfig &c, bool with_load);
// {key: value or null} for every axis.
nlohmann::json axes_json(const RunConfig &c);
// The same value in every axis except `except`; an axis that applies to only one of the two
// (a spin budget of a spinning mode against a mode that does not spin) does not count.
bool same_axes(const RunConfig &a, const RunConfig &b, std::initializer_list<Axis> except = {});

}  // namespace ipcb
