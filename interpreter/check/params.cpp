#include "check/params.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/core.h>

#include "check/quantity.hpp"
#include "io/trim.hpp"
#include "syntax/suggest.hpp"
#include "syntax/parser.hpp"

namespace runbook {

namespace {

ast::Type literal_type(const ast::Expr& expr)
{
   if (std::holds_alternative<ast::StringLit>(expr.node)) return ast::Type::String;
   if (const auto* n = std::get_if<ast::NumberLit>(&expr.node)) return type_of_unit(n->unit);
   if (std::holds_alternative<ast::BoolLit>(expr.node)) return ast::Type::Bool;
   if (std::holds_alternative<ast::ListLit>(expr.node)) return ast::Type::List;
   if (std::holds_alternative<ast::MapLit>(expr.node)) return ast::Type::Map;
   return ast::Type::Any;
}

ast::Param* find_param(Program& program, const std::string& name)
{
   auto search = [&](ast::File& file) -> ast::Param* {
      for (auto& param : file.params)
         if (param.name == name) return &param;
      return nullptr;
   };
   if (program.root)
      if (auto* param = search(*program.root)) return param;
   for (auto& [module_name, module] : program.modules)
      if (module)
         if (auto* param = search(*module)) return param;
   return nullptr;
}

bool is_secret(const Program& program, const std::string& name)
{
   auto search = [&](const ast::File& file) {
      for (const auto& secret : file.secrets)
         if (secret.name == name) return true;
      return false;
   };
   if (program.root && search(*program.root)) return true;
   for (const auto& [module_name, module] : program.modules)
      if (module && search(*module)) return true;
   return false;
}

std::vector<std::string> param_names(const Program& program)
{
   std::vector<std::string> names;
   if (program.root)
      for (const auto& param : program.root->params) names.push_back(param.name);
   for (const auto& [module_name, module] : program.modules)
      if (module)
         for (const auto& param : module->params) names.push_back(param.name);
   return names;
}

/// parse_literal's nodes point into the flag's text, which does not outlive
/// the call: point every node at the param's declaration instead.
void relocate(ast::Expr& expr, const Location& loc)
{
   expr.loc = loc;
   if (auto* list = std::get_if<ast::ListLit>(&expr.node))
      for (auto& item : list->items) relocate(*item, loc);
   if (auto* map = std::get_if<ast::MapLit>(&expr.node))
      for (auto& entry : map->entries) relocate(*entry.second, loc);
   if (auto* string = std::get_if<ast::StringLit>(&expr.node))
      for (auto& part : string->parts)
         if (part.expr) relocate(*part.expr, loc);
   if (auto* unary = std::get_if<ast::Unary>(&expr.node)) relocate(*unary->operand, loc);
}

/// A param's name: a letter or `_`, then letters, digits and `_`.
bool is_param_name(const std::string& name)
{
   if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
   return std::all_of(name.begin(), name.end(),
                      [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

}  // namespace

ast::Type param_value_type(const ast::Param& param)
{
   if (param.type != ast::Type::Any || !param.default_value) return param.type;
   return literal_type(*param.default_value);
}

bool apply_param_flags(Program& program, const std::vector<std::string>& flags, std::string& error,
                       std::set<std::string>* given)
{
   for (const auto& flag : flags) {
      const auto equals = flag.find('=');
      if (equals == std::string::npos || equals == 0) {
         error = fmt::format("-p {}: expected name=value, e.g. -p soak=5m", flag);
         return false;
      }
      const std::string name = flag.substr(0, equals);
      const std::string text = flag.substr(equals + 1);
      ast::Param* param = find_param(program, name);
      if (!param) {
         if (is_secret(program, name)) {
            error = fmt::format("-p {}: '{}' is a secret; secrets are read from the environment, never from -p",
                                flag, name);
            return false;
         }
         error = fmt::format("-p {}: the runbook has no param '{}'", flag, name);
         const std::string suggestion = closest_name(name, param_names(program));
         if (!suggestion.empty()) error += fmt::format(" (did you mean '{}'?)", suggestion);
         return false;
      }
      std::string parse_error;
      ast::ExprPtr value = parse_literal(text, param_value_type(*param), parse_error);
      if (!value) {
         error = fmt::format("-p {}: {}", flag, parse_error.empty() ? "not a valid value" : parse_error);
         return false;
      }
      relocate(*value, param->loc);
      param->default_value = std::move(value);
      if (given) given->insert(name);
   }
   return true;
}

bool params_file_flags(Program& program, const std::string& path, std::vector<std::string>& flags, std::string& error)
{
   std::ifstream in(path);
   if (!in) {
      error = fmt::format("--params {}: cannot read the file ({})", path, std::strerror(errno));
      return false;
   }
   std::string line;
   for (int number = 1; std::getline(in, line); ++number) {
      line = line.substr(0, line.find('#'));
      if (trim(line).empty()) continue;
      const auto equals = line.find('=');
      const std::string name = equals == std::string::npos ? "" : trim(line.substr(0, equals));
      const std::string text = equals == std::string::npos ? "" : trim(line.substr(equals + 1));
      if (!is_param_name(name) || text.empty()) {
         error = fmt::format("{}:{}: expected `name = value` (or a # comment), got `{}`", path, number, trim(line));
         return false;
      }
      if (is_secret(program, name)) {
         error = fmt::format("{}:{}: '{}' is a secret; secrets are read from the environment, never from a params file",
                             path, number, name);
         return false;
      }
      // A profile describes an environment, not one runbook: a name this
      // runbook does not declare is not for it.
      const ast::Param* param = find_param(program, name);
      if (!param) continue;
      std::string parse_error;
      if (!parse_literal(text, param_value_type(*param), parse_error)) {
         error = fmt::format("{}:{}: {} = {}: {}", path, number, name, text,
                             parse_error.empty() ? "not a valid value" : parse_error);
         return false;
      }
      flags.push_back(name + "=" + text);
   }
   return true;
}

}  // namespace runbook
