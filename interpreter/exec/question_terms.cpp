#include "exec/question_terms.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "io/human_units.hpp"
#include "journal/utc_time.hpp"

namespace runbook {

std::vector<std::string> question_choices(const nlohmann::json& data)
{
   std::vector<std::string> choices;
   if (!data.is_object() || !data.contains("choices") || !data["choices"].is_array()) return choices;
   for (const auto& choice : data["choices"])
      if (choice.is_string()) choices.push_back(choice.get<std::string>());
   return choices;
}

std::string choice_list(const std::vector<std::string>& choices)
{
   std::string out;
   for (const auto& choice : choices) out += (out.empty() ? "" : " | ") + choice;
   return out;
}

std::string unanswered_terms(double deadline, double now, const std::string& timeout_default)
{
   // Whole seconds, rounded up: "in 0s" only once it is over.
   const double left = std::ceil(std::max(0.0, deadline - now) / 1000 - 1e-6) * 1000;
   return fmt::format("unanswered by {}, in {}: {}", utc_text(deadline, "%H:%M:%S"), format_duration_ms(left),
                      timeout_default.empty() ? std::string("the step fails") : "\"" + timeout_default + "\" by default");
}

}  // namespace runbook
