#pragma once
// A latency distribution in HdrHistogram's percentile-distribution text (the `.hgrm` files that
// HdrHistogram's plotters and hdr-plot read): Value / Percentile / TotalCount / 1/(1-Percentile)
// rows at HdrHistogram's own percentile steps (5 ticks per half distance to 100%), then the
// `#[Mean` and `#[Max` footer. Values are microseconds. Built from every raw sample, so each row is
// exact (no bucket rounding); the footer's bucket line is therefore left out.
#include <cstdint>
#include <span>
#include <string>

namespace ipcb {

class LatencyHistogram;

// `sorted_ns`: every sample in nanoseconds, ascending.
std::string hgrm_text(std::span<const std::uint32_t> sorted_ns);
// The same rows from a histogram: each value is the highest of its bucket (within the
// histogram's precision), and the footer adds HdrHistogram's Buckets/SubBuckets line.
std::string hgrm_text(const LatencyHistogram &h);

}  // namespace ipcb
