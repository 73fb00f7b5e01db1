// How `runbook verify` tells what it found: text for a terminal, markdown
// for a pull-request comment, JSON for tools; and, for each unsafe path, a
// scenario file that reproduces it with `runbook simulate`.
#pragma once

#include <string>

#include "verify/verify.hpp"

namespace runbook::verify {

enum class ReportFormat { Text, Markdown, Json };
bool parse_report_format(const std::string& word, ReportFormat& out);

/// Writes one scenario per unsafe path into `dir` (created if needed),
/// `001-step-fails.scenario`..., naming the runbook relative to `dir`;
/// records each file in its verdict. False with `error` set when it cannot.
bool write_reproductions(VerifyReport& report, const std::string& dir, std::string& error);

std::string render_report(const VerifyReport& report, ReportFormat format);

}  // namespace runbook::verify
