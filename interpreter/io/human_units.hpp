// Durations and sizes written the way an operator reads them in an error
// message: "20m0s", "1.5s", "250ms", "8 MiB".
#pragma once

#include <cstddef>
#include <string>

namespace runbook {

/// Go-style duration: "250ms", "5s", "1.5s", "20m0s", "1h30m0s".
std::string format_duration_ms(double ms);

/// Binary units, exact when possible: "512 bytes", "64 KiB", "8 MiB", "1.5 GiB".
std::string format_bytes(std::size_t bytes);

}  // namespace runbook
