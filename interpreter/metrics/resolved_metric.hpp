// A metric source with every value filled in, ready to sample: what the
// interpreter hands a World (exec/world.hpp) and what metric_source.hpp samples.
// It lives in metrics/ so that sampling needs nothing from exec/.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "syntax/ast.hpp"

namespace runbook {

/// A fully resolved metric source, ready to sample (secrets already spliced in
/// `headers`, `target`; `display` is the redacted description).
struct ResolvedMetric {
   std::string name;
   ast::MetricSource::Kind kind = ast::MetricSource::Kind::Http;
   std::string target;            ///< URL, Prometheus base URL, or shell command.
   std::string query;             ///< PromQL.
   std::string json_path;
   std::vector<std::pair<std::string, std::string>> headers;
   double scale = 1;              ///< Raw number * scale = value in the unit base.
   double timeout_ms = 10000;
   std::string display;           ///< Redacted, for output.
   std::string display_target;    ///< Redacted `target` (URL or command) for error text; empty: `display`.
   /// When it turns true (Ctrl-C) a sample in progress is abandoned instead
   /// of waiting out `timeout_ms`. Null: only the timeout ends it.
   const std::atomic<bool>* cancel = nullptr;
};

}  // namespace runbook
