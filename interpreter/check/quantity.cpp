#include "check/quantity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <variant>

#include <fmt/core.h>

namespace runbook {

std::string format_number_for_people(double value)
{
   if (!std::isfinite(value) || value == std::floor(value)) return format_number(value);
   if (std::fabs(value) < 0.005) return fmt::format("{:.2g}", value);
   std::string text = fmt::format("{:.2f}", value);
   text.erase(text.find_last_not_of('0') + 1);   // "3.20" -> "3.2", "3.00" -> "3."
   if (text.back() == '.') text.pop_back();
   return text == "-0" ? "0" : text;
}

std::string respell_for_people(const std::string& text)
{
   const char* begin = text.c_str();
   char* end = nullptr;
   const double value = std::strtod(begin, &end);
   const std::string number(begin, static_cast<std::size_t>(end - begin));
   const auto dot = number.find('.');
   if (end == begin || dot == std::string::npos || number.size() - dot - 1 <= 2 ||
       number.find_first_of("eExXnN") != std::string::npos)
      return text;
   return format_number_for_people(value) + std::string(end);
}

namespace {

/// True when `value` is a whole number, give or take the last bits lost when
/// a rate is converted to bytes per second and back (10MB/min is
/// 10485760.000000002 bytes a minute again).
bool nearly_whole(double value)
{
   return std::fabs(value - std::round(value)) <= 1e-12 * std::max(1.0, std::fabs(value));
}

/// Bytes per second as the first rate literal that spells it in whole units,
/// per second, then per minute, then per hour (174762.67 -> "10MB/min"); a
/// rate no unit spells whole is shown per minute in the largest size that
/// keeps it at least 1 ("12.35MB/min").
std::string format_byte_rate(double bytes_per_second, std::string (*number)(double))
{
   const struct { double seconds; const char* suffix; } times[] = {{1, "/s"}, {60, "/min"}, {3600, "/h"}};
   const struct { double size; const char* suffix; } sizes[] = {
      {1024.0 * 1024 * 1024, "GB"}, {1024.0 * 1024, "MB"}, {1024.0, "KB"}, {1, "B"}};
   if (bytes_per_second == 0) return "0B/s";
   for (const auto& time : times)
      for (const auto& size : sizes) {
         const double value = bytes_per_second * time.seconds / size.size;
         if (std::fabs(value) >= 1 && nearly_whole(value))
            return number(std::round(value)) + size.suffix + time.suffix;
      }
   for (const auto& size : sizes) {
      const double value = bytes_per_second * 60 / size.size;
      if (std::fabs(value) >= 1 || size.size == 1) return number(value) + size.suffix + "/min";
   }
   return number(bytes_per_second) + "B/s";
}

std::string format_quantity_with(double value, ast::Unit unit, std::string (*number)(double))
{
   switch (unit) {
   case ast::Unit::Percent: return number(value) + "%";
   case ast::Unit::Duration: return format_duration(value);
   case ast::Unit::Bytes: {
      const struct { double size; const char* suffix; } sizes[] = {
         {1024.0 * 1024 * 1024, "GB"}, {1024.0 * 1024, "MB"}, {1024.0, "KB"}};
      for (const auto& size : sizes)
         if (value >= size.size && std::fmod(value, size.size) == 0)
            return number(value / size.size) + size.suffix;
      return number(value) + "B";
   }
   case ast::Unit::ByteRate: return format_byte_rate(value, number);
   case ast::Unit::None: break;
   }
   return number(value);
}

}  // namespace

std::string format_quantity(double value, ast::Unit unit) { return format_quantity_with(value, unit, format_number); }

std::string format_quantity_for_people(double value, ast::Unit unit)
{
   return format_quantity_with(value, unit, format_number_for_people);
}

std::string format_quantity_for_review(double value, ast::Unit unit)
{
   const std::string exact = format_quantity(value, unit);
   std::size_t significant = 0;
   bool leading = true;
   for (const char c : exact) {
      if (c < '0' || c > '9') continue;
      if (leading && c == '0') continue;
      leading = false;
      ++significant;
   }
   if (significant <= 9 || !std::isfinite(value)) return exact;
   if (unit == ast::Unit::Duration) return fmt::format("≈{:.6g}ms", value);
   return "≈" + format_quantity_with(value, unit, [](double v) { return fmt::format("{:.6g}", v); });
}

std::string type_name(ast::Type type)
{
   switch (type) {
   case ast::Type::Any: return "any";
   case ast::Type::String: return "string";
   case ast::Type::Number: return "number";
   case ast::Type::Bool: return "bool";
   case ast::Type::Percent: return "percent";
   case ast::Type::Duration: return "duration";
   case ast::Type::Bytes: return "bytes";
   case ast::Type::Rate: return "rate";
   case ast::Type::List: return "list";
   case ast::Type::Map: return "map";
   }
   return "any";
}

std::string describe_type(ast::Type type)
{
   switch (type) {
   case ast::Type::Any: return "a value";
   case ast::Type::String: return "a string";
   case ast::Type::Number: return "a plain number";
   case ast::Type::Bool: return "a boolean";
   case ast::Type::Percent: return "a percent";
   case ast::Type::Duration: return "a duration";
   case ast::Type::Bytes: return "a byte size";
   case ast::Type::Rate: return "a size per time";
   case ast::Type::List: return "a list";
   case ast::Type::Map: return "a map";
   }
   return "a value";
}

ast::Type type_of_unit(ast::Unit unit)
{
   switch (unit) {
   case ast::Unit::Percent: return ast::Type::Percent;
   case ast::Unit::Duration: return ast::Type::Duration;
   case ast::Unit::Bytes: return ast::Type::Bytes;
   case ast::Unit::ByteRate: return ast::Type::Rate;
   case ast::Unit::None: break;
   }
   return ast::Type::Number;
}

bool is_numeric(ast::Type type)
{
   return type == ast::Type::Any || type == ast::Type::Number || type == ast::Type::Percent ||
          type == ast::Type::Duration || type == ast::Type::Bytes || type == ast::Type::Rate;
}

std::optional<double> bare_literal(const ast::Expr& expr)
{
   if (const auto* n = std::get_if<ast::NumberLit>(&expr.node)) {
      if (n->unit == ast::Unit::None) return n->value;
      return std::nullopt;
   }
   if (const auto* u = std::get_if<ast::Unary>(&expr.node))
      if (u->op == "-")
         if (auto inner = bare_literal(*u->operand)) return -*inner;
   return std::nullopt;
}

std::string unit_suggestions(double value, ast::Type quantity)
{
   switch (quantity) {
   case ast::Type::Percent:
      if (std::fabs(value) <= 1)
         return fmt::format("{} (the fraction {}) or {}", format_quantity(value * 100, ast::Unit::Percent),
                            format_number(value), format_quantity(value, ast::Unit::Percent));
      return format_quantity(value, ast::Unit::Percent);
   case ast::Type::Duration:
      return fmt::format("{}s or {}ms", format_number(value), format_number(value));
   case ast::Type::Rate:
      return fmt::format("{}MB/min, {}KB/s or {}B/s", format_number(value), format_number(value), format_number(value));
   default:
      return fmt::format("{}B, {}KB or {}MB", format_number(value), format_number(value), format_number(value));
   }
}

}  // namespace runbook
