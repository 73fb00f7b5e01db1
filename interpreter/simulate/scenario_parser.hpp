// Reading `.scenario` files (the format is documented in docs/scenarios.md).
#pragma once

#include <string>

#include "simulate/scenario.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook::sim {

/// Parses scenario text. Each line is one statement; a line with a syntax
/// error is reported to `diags` (file:line:col, the line, a caret) and
/// skipped, so one mistake does not hide the next (at most 20 errors).
/// The returned Scenario always owns the source, so the diagnostics'
/// locations stay valid for as long as it lives: render them before dropping it.
Scenario parse_scenario(const std::string& path, std::string text, Diagnostics& diags);

/// Reads and parses a scenario file; an unreadable file is one diagnostic.
Scenario load_scenario(const std::string& path, Diagnostics& diags);

/// Parses a quantity as the scenario (and the runbook language) writes it:
/// 42, 0.5, 2%, 500ms, 1h30m, 10MB. Returns false with `error` set when it does not fit.
bool parse_quantity(std::string_view text, Quantity& out, std::string& error);

}  // namespace runbook::sim
