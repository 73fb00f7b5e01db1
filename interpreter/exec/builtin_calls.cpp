#include "exec/builtin_calls.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/core.h>

#include "check/builtins.hpp"
#include "io/trim.hpp"
#include "journal/utc_time.hpp"

namespace runbook {

namespace {

/// A time argument: plain seconds since the epoch, within the years 0 to 9999
/// (what ISO 8601's four-digit year can say).
double seconds_since_epoch(const std::string& builtin, const Value& time)
{
   const Number& t = time.as_number();
   if (t.unit != ast::Unit::None)
      throw ValueError(fmt::format("{}() needs a time in seconds since the epoch (as now() gives), not {} ({})",
                                   builtin, time.type_name(), time.display()));
   constexpr double year_0 = -62167219200, end_of_9999 = 253402300799;
   if (!std::isfinite(t.value) || t.value < year_0 || t.value > end_of_9999)
      throw ValueError(fmt::format("{}({}): not a time between the years 0 and 9999", builtin, time.display()));
   return t.value;
}

Value whole_numbers(const Value& first, const Value& last)
{
   for (const Value* bound : {&first, &last})
      if (bound->as_number().unit != ast::Unit::None)
         throw ValueError(fmt::format("range() counts in plain whole numbers, not {} ({})", bound->type_name(),
                                      bound->display()));
   const double a = first.as_double(), b = last.as_double();
   if (const auto problem = range_problem(a, b)) throw ValueError(*problem);
   ValueList items;
   for (double i = a; i <= b; ++i) items.emplace_back(i);
   return Value(std::move(items));
}

}  // namespace

std::string iso8601_utc(double seconds)
{
   return utc_text(std::floor(seconds) * 1000, "%Y-%m-%dT%H:%M:%SZ");
}

std::optional<Value> call_builtin(const std::string& name, const std::vector<Value>& args, double now_ms)
{
   if (name == "now") return Value(now_ms / 1000.0);   // Seconds since the epoch.
   if (name == "len") {
      if (args[0].is_string()) return Value(static_cast<double>(args[0].as_string().size()));
      if (args[0].is_map()) return Value(static_cast<double>(args[0].as_map().size()));
      return Value(static_cast<double>(args[0].as_list().size()));
   }
   if (name == "str") return Value(args[0].display());
   if (name == "number") {
      if (args[0].is_number()) return Value(args[0].as_double());
      const std::string& text = args[0].as_string();
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end == nullptr || *end != '\0' || !std::isfinite(v))
         throw ValueError(fmt::format("number(\"{}\"): not a number", text));
      return Value(v);
   }
   // A command's stdout ends with its newline (real and simulated alike):
   // trim(r.stdout) is what a comparison usually wants.
   if (name == "trim") return Value(trim(args[0].as_string()));
   if (name == "range") return whole_numbers(args[0], args[1]);
   if (name == "timestamp") return Value(iso8601_utc(seconds_since_epoch(name, args[0])));
   // On the run's clock, like now(): deterministic in simulate, and the
   // same runbook time a watch or a timer counts in. Whole seconds, as
   // timestamp(): it says how long to people ("Downtime: 3m20s", not
   // "200412.734ms"); one request is timed by its capture's `elapsed`.
   if (name == "since") {
      const double seconds = std::trunc((now_ms - seconds_since_epoch(name, args[0]) * 1000) / 1000);
      return Value(seconds * 1000, ast::Unit::Duration);
   }
   return std::nullopt;
}

}  // namespace runbook
