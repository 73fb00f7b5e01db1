#include "check/names.hpp"

#include <fmt/core.h>

namespace runbook {

namespace {

template <class Map>
std::vector<std::string> keys(const Map& map)
{
   std::vector<std::string> out;
   for (const auto& entry : map) out.push_back(entry.first);
   return out;
}

void duplicate(Diagnostics& diags, const Location& loc, const std::string& what, const std::string& name,
               const std::string& first_what, const Location& first)
{
   diags.error(loc, "duplicate-name", fmt::format("duplicate {} '{}'", what, name),
               {fmt::format("'{}' is already declared as {} at {}", name, first_what, position_text(first))});
}

void collect_file(const ast::File& file, bool is_root, GlobalNames& names, Diagnostics& diags)
{
   auto add_value = [&](const std::string& name, GlobalValue value) {
      const auto [it, inserted] = names.values.emplace(name, value);
      if (!inserted)
         duplicate(diags, value.loc, describe(value.kind).substr(2), name, describe(it->second.kind), it->second.loc);
   };
   for (const auto& param : file.params) {
      GlobalValue v{GlobalValue::Kind::Param, param.loc, &param, nullptr, nullptr};
      add_value(param.name, v);
   }
   for (const auto& secret : file.secrets) {
      GlobalValue v{GlobalValue::Kind::Secret, secret.loc, nullptr, &secret, nullptr};
      add_value(secret.name, v);
   }
   for (const auto& metric : file.metrics) {
      GlobalValue v{GlobalValue::Kind::Metric, metric.loc, nullptr, nullptr, &metric};
      add_value(metric.name, v);
   }
   for (const auto& trigger : file.triggers) {
      const auto [it, inserted] = names.triggers.emplace(trigger.name, &trigger);
      if (!inserted) {
         const std::string what = trigger.is_warning ? "warning" : "trigger";
         duplicate(diags, trigger.loc, what, trigger.name,
                   it->second->is_warning ? "a warning" : "a trigger", it->second->loc);
      }
   }
   for (const auto& rollback : file.rollbacks) {
      const auto [it, inserted] = names.rollbacks.emplace(rollback.name, &rollback);
      if (!inserted) duplicate(diags, rollback.loc, "rollback block", rollback.name, "a rollback block", it->second->loc);
   }
   for (const auto& signal : file.signals) {
      const auto [it, inserted] = names.signals.emplace(signal.name, &signal);
      if (!inserted) duplicate(diags, signal.loc, "signal", signal.name, "a signal", it->second->loc);
   }
   // Functions are looked up per file (module functions through their prefix);
   // duplicates are checked within the file.
   std::map<std::string, const ast::Function*> functions;
   for (const auto& function : file.functions) {
      const auto [it, inserted] = functions.emplace(function.name, &function);
      if (!inserted) duplicate(diags, function.loc, "function", function.name, "a function", it->second->loc);
   }
   if (is_root) names.root_functions = std::move(functions);
}

}  // namespace

std::vector<std::string> GlobalNames::value_names() const { return keys(values); }
std::vector<std::string> GlobalNames::trigger_names() const { return keys(triggers); }
std::vector<std::string> GlobalNames::rollback_names() const { return keys(rollbacks); }
std::vector<std::string> GlobalNames::signal_names() const { return keys(signals); }

std::string describe(GlobalValue::Kind kind)
{
   switch (kind) {
   case GlobalValue::Kind::Param: return "a param";
   case GlobalValue::Kind::Secret: return "a secret";
   case GlobalValue::Kind::Metric: return "a metric";
   }
   return "a name";
}

std::string position_text(const Location& loc)
{
   const std::string path = loc.file ? loc.file->path : "?";
   return fmt::format("{}:{}:{}", path, loc.line, loc.column);
}

GlobalNames collect_names(const Program& program, Diagnostics& diags)
{
   GlobalNames names;
   if (program.root) collect_file(*program.root, true, names, diags);
   for (const auto& [name, module] : program.modules)
      if (module) collect_file(*module, false, names, diags);
   return names;
}

}  // namespace runbook
