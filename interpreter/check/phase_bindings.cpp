#include "check/phase_bindings.hpp"

namespace runbook {

std::set<std::string> names_always_bound(const ast::Block& body)
{
   std::set<std::string> bound;
   for (const auto& step : body) {
      if (const auto* let = std::get_if<ast::LetStep>(&step->node)) bound.insert(let->name);
      const ast::StepOptions& o = step->options;
      if (!o.capture.empty() && !o.soft && !o.on_fail) bound.insert(o.capture);
   }
   return bound;
}

}  // namespace runbook
