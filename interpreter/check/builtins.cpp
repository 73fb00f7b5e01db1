#include "check/builtins.hpp"

namespace runbook {

const std::vector<Builtin>& builtins()
{
   static const std::vector<Builtin> table = {
      {"now", 0, 0, ast::Type::Number, "the current runbook time in seconds since the epoch"},
      {"len", 1, 1, ast::Type::Number, "the length of a list, map or string"},
      {"str", 1, 1, ast::Type::String, "the value as text, as it would be interpolated"},
      {"number", 1, 1, ast::Type::Number, "a string parsed as a number"},
      {"trim", 1, 1, ast::Type::String, "a string without the white space (newlines too) at its ends"},
   };
   return table;
}

const Builtin* find_builtin(std::string_view name)
{
   for (const auto& builtin : builtins())
      if (builtin.name == name) return &builtin;
   return nullptr;
}

}  // namespace runbook
