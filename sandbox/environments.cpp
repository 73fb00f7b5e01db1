#include "environments.hpp"

#include <algorithm>
#include <cmath>

namespace sandbox {

std::string_view environment_name(Environment environment)
{
   return environment == Environment::blue ? "blue" : "green";
}

std::optional<Environment> parse_environment(std::string_view name)
{
   if (name == "blue") return Environment::blue;
   if (name == "green") return Environment::green;
   return std::nullopt;
}

Environment other_environment(Environment environment)
{
   return environment == Environment::blue ? Environment::green : Environment::blue;
}

void TrafficSplit::route(Environment environment, double percentage)
{
   const double clamped = std::clamp(percentage, 0.0, 100.0);
   green_percentage_ = environment == Environment::green ? clamped : 100.0 - clamped;
}

double TrafficSplit::percentage(Environment environment) const
{
   return environment == Environment::green ? green_percentage_ : 100.0 - green_percentage_;
}

Environment WeightedRoundRobin::next(const TrafficSplit& split)
{
   // Request n (counting from 0) goes to green when the running count of
   // green requests, floor(n * share), steps up: Bresenham's line algorithm.
   const double share = split.share(Environment::green);
   const auto n = static_cast<double>(served_++);
   const bool green = std::floor((n + 1) * share + 1e-9) > std::floor(n * share + 1e-9);
   return green ? Environment::green : Environment::blue;
}

}  // namespace sandbox
