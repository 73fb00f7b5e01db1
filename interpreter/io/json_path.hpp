// jq-style paths into JSON documents, and JSON parsing with words for errors.
//
// Used wherever runbook reads a value out of a response: `expect json`, `as`
// captures, probes in expressions and HTTP metric sources. The subset of jq
// is the part that names one value:
//
//   .                 the whole document
//   .a.b              object members (identifiers: [A-Za-z_][A-Za-z0-9_]*)
//   .a[0]  .a[-1]     array elements, negative counts from the end
//   .["key with space"]  .a["x"]   members by a JSON string (escapes allowed)
//
// Lookups never throw: a missing member or index is an error text that says
// where the path stopped ("no key 'value' at .data").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace runbook {

class JsonPath {
public:
   /// One step of a path: a member name or an array index.
   using Segment = std::variant<std::string, long long>;

   /// Parses `text`; on a malformed path returns nullopt and sets `error`.
   static std::optional<JsonPath> parse(std::string_view text, std::string& error);

   /// The value the path names in `document`, or nullptr with `error` set.
   const nlohmann::json* find(const nlohmann::json& document, std::string& error) const;

   const std::string& text() const { return text_; }
   const std::vector<Segment>& segments() const { return segments_; }

private:
   std::string text_;
   std::vector<Segment> segments_;
};

/// The outcome of reading one path out of one document.
struct JsonLookup {
   const nlohmann::json* value = nullptr;   ///< Points into the document; null on error.
   std::string error;
   bool ok() const { return value != nullptr; }
};

/// Parses `path` and finds it in `document` (a malformed path is an error too).
JsonLookup lookup_json_path(const nlohmann::json& document, std::string_view path);

/// Deepest nesting accepted from the outside world; deeper documents are refused.
inline constexpr int max_json_depth = 256;

/// Parses untrusted JSON text. On failure returns nullopt and sets `error` to
/// words such as "not JSON: syntax error at line 1, column 1 near '<html>'".
std::optional<nlohmann::json> parse_json_text(std::string_view text, std::string& error);

/// A short, single-line rendering of a JSON value for error messages
/// (strings quoted, long values cut with "...").
std::string json_excerpt(const nlohmann::json& value, std::size_t max_chars = 80);

}  // namespace runbook
