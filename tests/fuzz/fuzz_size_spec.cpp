// libFuzzer target: the size-spec parser must accept or throw std::invalid_argument, never crash, hang or
// return a size outside 1..4 MiB.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/size_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char *>(data), size);
    try {
        ipcb::SizeSpec s = ipcb::parse_size_spec(text);
        if (s.min < 1 || s.max > ipcb::kMaxMessageSize || s.min > s.max) std::abort();
        ipcb::SizeGenerator gen(s, size);
        for (int i = 0; i < 4; ++i) {
            std::size_t n = gen.next();
            if (n < s.min || n > s.max) std::abort();
        }
    } catch (const std::invalid_argument &) {}
    return 0;
}
