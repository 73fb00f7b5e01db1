#include "check/suggest.hpp"

namespace runbook {

std::vector<std::string> did_you_mean(std::string_view name, const std::vector<std::string>& candidates)
{
   const std::string best = closest_name(name, candidates);
   if (best.empty() || best == name) return {};
   return {"did you mean '" + best + "'?"};
}

}  // namespace runbook
