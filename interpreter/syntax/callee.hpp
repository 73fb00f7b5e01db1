// Which runbook function a call names, as the interpreter resolves it: a
// bare name is a function of the calling file, `module.name` a function of
// that module. Built-ins and unknown names resolve to nothing (the checker
// reports the unknown ones). One rule, for everyone who follows calls
// without running them (the plan, the checker's invariant pass).
#pragma once

#include <string>

#include "syntax/loader.hpp"

namespace runbook {

struct Callee {
   const ast::Function* function = nullptr;   ///< Null: a built-in, or nothing.
   const ast::File* file = nullptr;           ///< The file the function is in: its own bare calls resolve there.
};

/// `calling_file`: the file the call is written in (null: the runbook itself).
inline Callee resolve_callee(const Program& program, const ast::Call& call, const ast::File* calling_file)
{
   const auto find = [](const ast::File& file, const std::string& name) -> const ast::Function* {
      for (const auto& function : file.functions)
         if (function.name == name) return &function;
      return nullptr;
   };
   if (!call.callee) return {};
   if (const auto* name = std::get_if<ast::NameRef>(&call.callee->node)) {
      const ast::File* file = calling_file ? calling_file : program.root.get();
      if (file == nullptr) return {};
      return {find(*file, name->name), file};
   }
   if (const auto* member = std::get_if<ast::Member>(&call.callee->node)) {
      const auto* object = member->object ? std::get_if<ast::NameRef>(&member->object->node) : nullptr;
      if (object == nullptr) return {};
      const auto module = program.modules.find(object->name);
      if (module == program.modules.end() || !module->second) return {};
      return {find(*module->second, member->member), module->second.get()};
   }
   return {};
}

}  // namespace runbook
