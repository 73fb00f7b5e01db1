// What an operator needs to read beside a question: its choices, and what
// nobody answering decides and when. One wording for the terminal's prompt,
// the plain lines and the live view, in words (an operator at 3 a.m. may be
// reading a colourless log).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace runbook {

/// A Question event's choices (its data's "choices"), in order; none if absent.
std::vector<std::string> question_choices(const nlohmann::json& data);

/// "yes | no", "wait | roll back | skip DNS".
std::string choice_list(const std::vector<std::string>& choices);

/// What the question's deadline decides, seen at runbook time `now`:
///   "unanswered by 10:42:00, in 30m0s: \"roll back\" by default"
///   "unanswered by 10:42:00, in 30m0s: the step fails"
/// Times are runbook time (UTC), as every line of the run shows them.
std::string unanswered_terms(double deadline, double now, const std::string& timeout_default);

}  // namespace runbook
