#pragma once
// Single-core memcpy bandwidth, measured in the same sweep as the modes, so shared-memory
// throughput can be stated as a fraction of what one core can copy.
namespace ipcb {

struct MemcpyBandwidth {
    double block_4k_cold_gbps = 0;    // 4 KiB copies streaming through 64 MiB (caches cold)
    double block_128k_cold_gbps = 0;  // 128 KiB copies streaming through 64 MiB
    double block_128k_hot_gbps = 0;   // one 128 KiB block copied again and again (in cache)
};

// Best of several passes (GB/s = 1e9 bytes copied per second); takes under a second.
MemcpyBandwidth measure_memcpy_bandwidth();

}  // namespace ipcb
