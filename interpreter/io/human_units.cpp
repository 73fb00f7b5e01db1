#include "io/human_units.hpp"

#include <cmath>

#include <fmt/format.h>

namespace runbook {

namespace {

/// "1.5" rather than "1.500000"; "2" rather than "2.0".
std::string short_number(double value)
{
   std::string text = fmt::format("{:.3f}", value);
   while (!text.empty() && text.back() == '0') text.pop_back();
   if (!text.empty() && text.back() == '.') text.pop_back();
   return text;
}

/// "1d2h3m4s": the non-zero parts of a whole number of seconds ("" for 0).
std::string compound_seconds(long long seconds)
{
   std::string text;
   const struct { long long size; const char* suffix; } parts[] = {
      {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
   for (const auto& part : parts) {
      if (seconds >= part.size) {
         text += fmt::format("{}{}", seconds / part.size, part.suffix);
         seconds %= part.size;
      }
   }
   return text;
}

}  // namespace

std::string format_number(double value)
{
   if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
      return fmt::format("{}", static_cast<long long>(value));
   return fmt::format("{}", value);
}

std::string format_duration(double ms)
{
   if (ms < 0) return "-" + format_duration(-ms);
   if (ms == 0) return "0s";
   // Not a whole number of seconds: plain milliseconds keep the value exact.
   if (std::fmod(ms, 1000) != 0) return format_number(ms) + "ms";
   return compound_seconds(static_cast<long long>(ms / 1000));
}

std::string format_elapsed(double ms)
{
   if (ms < 0) return "-" + format_elapsed(-ms);
   const long long whole_ms = std::llround(ms);
   if (whole_ms == 0) return "0s";
   if (whole_ms < 1000) return fmt::format("{}ms", whole_ms);
   return compound_seconds(std::llround(ms / 1000.0));
}

std::string format_duration_ms(double ms)
{
   if (!std::isfinite(ms)) return "forever";
   if (ms < 0) return "-" + format_duration_ms(-ms);
   if (ms < 1000) return short_number(ms) + "ms";
   const double seconds = ms / 1000;
   if (seconds < 60) return short_number(seconds) + "s";
   const auto whole = static_cast<long long>(seconds);
   const long long hours = whole / 3600;
   const long long minutes = (whole % 3600) / 60;
   const std::string rest = short_number(seconds - static_cast<double>(hours * 3600 + minutes * 60)) + "s";
   if (hours > 0) return fmt::format("{}h{}m{}", hours, minutes, rest);
   return fmt::format("{}m{}", minutes, rest);
}

std::string format_bytes(std::size_t bytes)
{
   static const char* const units[] = {"KiB", "MiB", "GiB", "TiB"};
   if (bytes < 1024) return fmt::format("{} bytes", bytes);
   double value = static_cast<double>(bytes) / 1024;
   std::size_t unit = 0;
   while (value >= 1024 && unit + 1 < std::size(units)) {
      value /= 1024;
      ++unit;
   }
   return short_number(value) + " " + units[unit];
}

}  // namespace runbook
