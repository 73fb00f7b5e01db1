// Numbers, durations and sizes spelled for people. Three duration spellings,
// each for one reader, all here so they cannot drift apart:
//
//   format_duration     exact, as the language writes it ("1m30s", "1500ms"):
//                       a reviewer reading a plan or a checker message must
//                       see the value the runbook holds, not a rounding of it;
//   format_elapsed      rounded to the second ("4m20s", "750ms" under a
//                       second): a span measured on a clock (a rollback took,
//                       a timer is due in, T+ offsets in a timeline);
//   format_duration_ms  Go-style ("20m0s", "1.5s"): in error text about a
//                       running condition or command, where decimals of a
//                       second matter.
#pragma once

#include <cstddef>
#include <string>

namespace runbook {

/// A number without a trailing ".0": 5 -> "5", 0.25 -> "0.25"; every digit kept.
std::string format_number(double value);

/// Milliseconds as a compound duration literal: 90000 -> "1m30s", 500 -> "500ms",
/// 1500 -> "1500ms", 0 -> "0s". Exact. Negative values get a leading '-'.
std::string format_duration(double ms);

/// A measured span, rounded to whole seconds: 259600 -> "4m20s",
/// 90 * 60000 -> "1h30m"; under a second, whole milliseconds ("750ms").
std::string format_elapsed(double ms);

/// Go-style duration: "250ms", "5s", "1.5s", "20m0s", "1h30m0s".
std::string format_duration_ms(double ms);

/// Binary units, exact when possible: "512 bytes", "64 KiB", "8 MiB", "1.5 GiB".
std::string format_bytes(std::size_t bytes);

}  // namespace runbook
