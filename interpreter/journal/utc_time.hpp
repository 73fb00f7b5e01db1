// A wall-clock time (ms since the epoch) as UTC text, for run ids and for
// the times the journal shows (lease holders).
#pragma once

#include <ctime>
#include <string>

namespace runbook {

/// `wall_ms` in UTC, formatted with strftime's `format`.
inline std::string utc_text(double wall_ms, const char* format)
{
   const std::time_t seconds = static_cast<std::time_t>(wall_ms / 1000);
   std::tm utc{};
   gmtime_r(&seconds, &utc);
   char text[64];
   const std::size_t length = std::strftime(text, sizeof text, format, &utc);
   return std::string(text, length);
}

}  // namespace runbook
