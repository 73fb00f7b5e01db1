// Scenarios for the simulate tests: the text after the `runbook` line,
// parsed, and required to have no errors (the diagnostics shown if it does).
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "simulate/scenario_parser.hpp"

namespace runbook::test {

inline sim::Scenario scenario_of(const std::string& text)
{
   Diagnostics diags;
   sim::Scenario s = sim::parse_scenario("t.scenario", "runbook \"a.rb\"\n" + text, diags);
   INFO(render_text(diags));
   REQUIRE_FALSE(diags.has_errors());
   return s;
}

}  // namespace runbook::test
