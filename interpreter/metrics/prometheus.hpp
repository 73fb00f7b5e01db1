// Prometheus instant queries: the URL and the reading of the answer.
//
// An instant query (`GET /api/v1/query?query=...`) must come back as a
// scalar or as a vector of exactly one series to be a sample. Everything
// else is an error sample that says what came back: an empty vector ("no
// data"), several series ("ambiguous"), a matrix, NaN or Inf, or
// Prometheus' own error text.
#pragma once

#include <string>
#include <string_view>

#include "metrics/sample.hpp"

namespace runbook {

/// `base` (a server URL, trailing slashes ignored) + "/api/v1/query?query=" + the encoded query.
std::string prometheus_query_url(std::string_view base, std::string_view query);

/// Reads a /api/v1/query answer (HTTP `status` and `body`) into a raw sample
/// (unscaled) taken at `at`. `source` names the server in error text.
Sample read_prometheus_answer(long status, std::string_view body, std::string_view source, double at);

}  // namespace runbook
