#include "journal/run_id.hpp"

#include <ctime>
#include <random>

#include <fmt/format.h>

namespace runbook {

std::string make_run_id(double wall_ms)
{
   const std::time_t seconds = static_cast<std::time_t>(wall_ms / 1000);
   std::tm utc{};
   gmtime_r(&seconds, &utc);
   char stamp[32];
   std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
   static thread_local std::mt19937 random{std::random_device{}()};
   const unsigned suffix = std::uniform_int_distribution<unsigned>(0, 0xffff)(random);
   return fmt::format("r{}-{:04x}", stamp, suffix);
}

}  // namespace runbook
