#include "metrics/prometheus.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/json_path.hpp"
#include "io/url.hpp"
#include "metrics/numbers.hpp"

namespace runbook {

namespace {

/// The string member `key` of `object`, or "" (never throws on a wrong type).
std::string string_member(const nlohmann::json& object, const char* key)
{
   if (!object.is_object()) return {};
   const auto member = object.find(key);
   return member != object.end() && member->is_string() ? member->get<std::string>() : std::string();
}

/// Reads the [timestamp, "value"] pair Prometheus uses for scalars and vector elements.
Sample read_value_pair(const nlohmann::json& pair, double at)
{
   if (!pair.is_array() || pair.size() != 2 || !pair[1].is_string()) {
      return Sample::failed(fmt::format("malformed answer: expected [time, \"value\"], got {}", json_excerpt(pair)), at);
   }
   const std::string text = pair[1].get<std::string>();
   const auto value = parse_number_text(text);
   if (!value) return Sample::failed(fmt::format("malformed answer: the value \"{}\" is not a number", text), at);
   Sample sample = finite_sample(*value, at);
   if (!sample.ok) sample.error = fmt::format("the query returned {}", text);
   return sample;
}

/// {job="api", environment="green"} for error text.
std::string label_set(const nlohmann::json& series)
{
   const auto metric = series.find("metric");
   if (metric == series.end() || !metric->is_object() || metric->empty()) return "{}";
   std::string out = "{";
   for (const auto& [name, value] : metric->items()) {
      if (out.size() > 1) out += ", ";
      out += name + "=" + json_excerpt(value, 40);
   }
   return out + "}";
}

Sample read_vector(const nlohmann::json& result, double at)
{
   if (result.empty()) return Sample::failed("no data: the query returned an empty vector", at);
   if (result.size() > 1) {
      std::string examples;
      for (std::size_t i = 0; i < result.size() && i < 3; ++i) examples += (i > 0 ? ", " : "") + label_set(result[i]);
      if (result.size() > 3) examples += ", ...";
      return Sample::failed(fmt::format("ambiguous: the query returned {} series ({}); aggregate it to one, e.g. with sum() or max()",
                                        result.size(), examples),
                            at);
   }
   const auto& series = result[0];
   const auto value = series.is_object() ? series.find("value") : series.end();
   if (!series.is_object() || value == series.end()) {
      return Sample::failed(fmt::format("malformed answer: a vector element without a value: {}", json_excerpt(series)), at);
   }
   return read_value_pair(*value, at);
}

}  // namespace

std::string prometheus_query_url(std::string_view base, std::string_view query)
{
   while (!base.empty() && base.back() == '/') base.remove_suffix(1);
   return fmt::format("{}/api/v1/query?query={}", base, url_encode(query));
}

Sample read_prometheus_answer(long status, std::string_view body, std::string_view source, double at)
{
   std::string parse_error;
   const auto answer = parse_json_text(body, parse_error);
   // Prometheus explains its failures (bad PromQL: 400, timeouts: 503) in a JSON body: prefer its words.
   if (answer && string_member(*answer, "status") == "error") {
      const std::string type = string_member(*answer, "errorType");
      std::string text = string_member(*answer, "error");
      if (text.empty()) text = "no error text";
      return Sample::failed(type.empty() ? fmt::format("Prometheus error from {}: {}", source, text)
                                         : fmt::format("Prometheus error ({}) from {}: {}", type, source, text),
                            at);
   }
   if (status >= 400) return Sample::failed(fmt::format("HTTP {} from {}", status, source), at);
   if (!answer) return Sample::failed(fmt::format("the answer from {} is {}", source, parse_error), at);

   const auto data = answer->is_object() ? answer->find("data") : answer->end();
   if (string_member(*answer, "status") != "success" || data == answer->end() || !data->is_object()) {
      return Sample::failed(fmt::format("malformed answer from {}: expected {{\"status\": \"success\", \"data\": ...}}, got {}", source, json_excerpt(*answer)), at);
   }
   const std::string type = string_member(*data, "resultType");
   const auto result = data->find("result");
   if (result == data->end()) return Sample::failed(fmt::format("malformed answer from {}: no data.result", source), at);
   if (type == "scalar") return read_value_pair(*result, at);
   if (type == "vector" && result->is_array()) return read_vector(*result, at);
   if (type == "matrix") {
      return Sample::failed("the query returned a range vector (matrix); an instant query must return a scalar or one series", at);
   }
   return Sample::failed(fmt::format("the query returned a {}, not a number", type.empty() ? "result of no type" : type), at);
}

}  // namespace runbook
