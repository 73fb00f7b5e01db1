// Sizes per unit of time: `10MB/min`, `600KB/s`, `1GB/h` (docs/language.md,
// "Values and units"). A rate is held in bytes per second whatever it was
// written in, so `600KB/s` and `36000KB/min` compare equal; literals, metric
// units and scenario values all read their spelling here.
#pragma once

#include <optional>
#include <string_view>

namespace runbook {

/// Bytes per second in one `SIZE/TIME` (`MB/min` -> 1048576 / 60). SIZE is
/// B, KB, MB, GB or TB (powers of 1024, as in size literals) or `bytes`;
/// TIME is s, min or h. Nothing when `spelling` is not such a unit.
std::optional<double> byte_rate_factor(std::string_view spelling);

}  // namespace runbook
