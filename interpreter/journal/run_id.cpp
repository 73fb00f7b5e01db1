#include "journal/run_id.hpp"

#include <random>

#include <fmt/format.h>

#include "journal/utc_time.hpp"

namespace runbook {

std::string make_run_id(double wall_ms)
{
   const std::string stamp = utc_text(wall_ms, "%Y%m%d-%H%M%S");
   static thread_local std::mt19937 random{std::random_device{}()};
   const unsigned suffix = std::uniform_int_distribution<unsigned>(0, 0xffff)(random);
   return fmt::format("r{}-{:04x}", stamp, suffix);
}

}  // namespace runbook
