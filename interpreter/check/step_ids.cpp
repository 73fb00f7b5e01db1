#include "check/step_ids.hpp"
#include "syntax/overloaded.hpp"

#include <cctype>
#include <map>

namespace runbook {

namespace {

using namespace ast;

bool all_digits(const std::string& text)
{
   if (text.empty()) return false;
   for (const unsigned char c : text)
      if (!std::isdigit(c)) return false;
   return true;
}

class IdAssigner {
public:
   explicit IdAssigner(Diagnostics& diags) : diags_(diags) {}

   void block(Block& steps, const std::string& prefix)
   {
      std::map<std::string, const Step*> explicit_ids;
      for (std::size_t i = 0; i < steps.size(); ++i) {
         Step& step = *steps[i];
         const std::string& name = step.options.explicit_id;
         std::string segment = std::to_string(i + 1);
         if (!name.empty()) {
            if (all_digits(name) || name.find_first_of("/[]") != std::string::npos) {
               diags_.error(step.loc, "bad-step-id",
                            "step id '" + name + "' must be a name, not a number and without '/', '[' or ']'",
                            {"positions are ids already; a name keeps the step's identity when steps move"});
            } else if (const auto [it, inserted] = explicit_ids.emplace(name, &step); !inserted) {
               diags_.error(step.loc, "duplicate-step-id",
                            "duplicate step id '" + name + "' in this block",
                            {"first used at line " + std::to_string(it->second->loc.line)});
            } else {
               segment = name;
            }
         }
         step.id = prefix + "/" + segment;
         children(step);
      }
   }

private:
   void children(Step& step)
   {
      std::visit(overloaded{
                     [&](IfStep& s) {
                        block(s.then_block, step.id);
                        block(s.else_block, step.id + "/else");
                     },
                     [&](ForStep& s) { block(s.body, step.id); },
                     [&](WatchStep& s) {
                        for (std::size_t i = 0; i < s.conditions.size(); ++i)
                           block(s.conditions[i].on_fail.steps, step.id + "/on-fail-" + std::to_string(i + 1));
                     },
                     [&](ApproveStep& s) { block(s.decision.otherwise.steps, step.id + "/on-no"); },
                     [&](ChecklistStep& s) { block(s.decision.otherwise.steps, step.id + "/on-no"); },
                     [&](AfterStep& s) { block(s.body, step.id); },
                     [](auto&) {},
                 },
                 step.node);
      if (step.options.has_undo || !step.options.undo.empty()) block(step.options.undo, step.id + "/undo");
      block(step.options.on_fail.steps, step.id + "/on-fail");
   }

   Diagnostics& diags_;
};

void assign_file(File& file, const std::string& module, IdAssigner& ids, Diagnostics& diags)
{
   std::map<std::string, const Phase*> slugs;
   for (auto& phase : file.phases) {
      if (phase.slug.empty()) phase.slug = slugify(phase.title);
      if (phase.slug.empty()) phase.slug = "phase";
      if (const auto [it, inserted] = slugs.emplace(phase.slug, &phase); !inserted) {
         diags.error(phase.loc, "duplicate-phase",
                     "phase \"" + phase.title + "\" has the same step-id prefix '" + phase.slug +
                         "' as the phase \"" + it->second->title + "\" on line " +
                         std::to_string(it->second->loc.line),
                     {"give the phases titles that differ in more than punctuation or case"});
      }
      ids.block(phase.body, phase.slug);
      ids.block(phase.on_fail.steps, phase.slug + "/on-fail");
      ids.block(phase.finally, phase.slug + "/finally");
   }
   ids.block(file.on_fail.steps, module.empty() ? "on-fail" : "on-fail:" + module);
   for (auto& rollback : file.rollbacks) {
      ids.block(rollback.body, "rollback:" + rollback.name);
      ids.block(rollback.finally, "rollback:" + rollback.name + "/finally");
   }
   const std::string fn_prefix = module.empty() ? "fn:" : "fn:" + module + ".";
   for (auto& function : file.functions) ids.block(function.body, fn_prefix + function.name);
}

}  // namespace

std::string slugify(const std::string& title)
{
   std::string slug;
   bool pending_dash = false;
   for (const unsigned char c : title) {
      if (std::isalnum(c)) {
         if (pending_dash && !slug.empty()) slug += '-';
         pending_dash = false;
         slug += static_cast<char>(std::tolower(c));
      } else {
         pending_dash = true;
      }
   }
   return slug;
}

void assign_step_ids(Program& program, Diagnostics& diags)
{
   IdAssigner ids(diags);
   if (program.root) assign_file(*program.root, "", ids, diags);
   for (auto& [name, module] : program.modules)
      if (module) assign_file(*module, name, ids, diags);
}

}  // namespace runbook
