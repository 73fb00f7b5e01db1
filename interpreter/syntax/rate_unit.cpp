#include "syntax/rate_unit.hpp"

namespace runbook {

std::optional<double> byte_rate_factor(std::string_view spelling)
{
   const auto slash = spelling.find('/');
   if (slash == std::string_view::npos) return std::nullopt;
   const std::string_view size = spelling.substr(0, slash);
   const std::string_view time = spelling.substr(slash + 1);
   double bytes = 0;
   if (size == "B" || size == "bytes") bytes = 1;
   else if (size == "KB") bytes = 1024.0;
   else if (size == "MB") bytes = 1024.0 * 1024;
   else if (size == "GB") bytes = 1024.0 * 1024 * 1024;
   else if (size == "TB") bytes = 1024.0 * 1024 * 1024 * 1024;
   else return std::nullopt;
   if (time == "s") return bytes;
   if (time == "min") return bytes / 60;
   if (time == "h") return bytes / 3600;
   return std::nullopt;
}

}  // namespace runbook
