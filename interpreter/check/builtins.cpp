#include "check/builtins.hpp"

#include <cmath>

#include <fmt/core.h>

namespace runbook {

const std::vector<Builtin>& builtins()
{
   using ast::Type;
   static const std::vector<Builtin> table = {
      {"now", 0, 0, Type::Number, "the current runbook time in seconds since the epoch"},
      {"len", 1, 1, Type::Number, "the length of a list, map or string"},
      {"str", 1, 1, Type::String, "the value as text, as it would be interpolated"},
      {"number", 1, 1, Type::Number, "a string parsed as a number"},
      {"trim", 1, 1, Type::String, "a string without the white space (newlines too) at its ends"},
      {"range", 2, 2, Type::List, "the whole numbers from the first to the last, both included",
       {Type::Number, Type::Number}},
      {"timestamp", 1, 1, Type::String, "a time (seconds since the epoch) as ISO 8601 UTC text",
       {Type::Number}},
      {"since", 1, 1, Type::Duration, "the duration from a time (seconds since the epoch) to now, in whole seconds",
       {Type::Number}},
   };
   return table;
}

const Builtin* find_builtin(std::string_view name)
{
   for (const auto& builtin : builtins())
      if (builtin.name == name) return &builtin;
   return nullptr;
}

std::optional<std::string> range_problem(double first, double last)
{
   for (const double bound : {first, last})
      if (!std::isfinite(bound) || bound != std::floor(bound))
         return fmt::format("range() counts in whole numbers, but {} is not one", bound);
   const double items = last < first ? 0 : last - first + 1;
   if (items > max_range_length)
      return fmt::format("range({}, {}) would have {} items; at most {} are allowed", first, last, items,
                         max_range_length);
   return std::nullopt;
}

}  // namespace runbook
