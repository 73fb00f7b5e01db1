// Redaction by value: every secret the run knows is replaced with `***` in any
// text or JSON before it reaches the terminal, events or the journal.
//
// Matching by value (not by variable) is what catches a secret spliced into a
// URL, echoed back in a response body, or printed by a command. The URL- and
// JSON-escaped spellings of each secret are hidden too, since that is how a
// secret appears inside a query string or a JSON document.
//
// The spellings covered (secret_spellings): raw; URL-encoded (%2F and %2f);
// shell-quoted as a splice into `sh` ('ab'\''cd'); JSON-escaped, with and
// without \uXXXX for non-ASCII (lower- and upper-case hex), each also with
// `/` as `\/` (PHP); HTML entities (&amp; &lt; &gt; &quot; and ' as &#39;,
// &#x27; or &apos;); base64 at each of its three alignments (a Basic header
// reflected), unaligned only when at least 8 characters long.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace runbook {

class Redactor {
public:
   static constexpr const char* mask = "***";

   /// Remembers a secret value. Empty values are ignored (they would match everywhere).
   void add(const std::string& secret);
   bool empty() const { return secrets_.empty(); }

   std::string redact(std::string_view text) const;
   /// Redacts every string (keys too) inside a JSON document.
   nlohmann::json redact_json(const nlohmann::json& json) const;
   /// True when `text` contains a secret (tests, and refusing to journal).
   bool contains_secret(std::string_view text) const;

private:
   std::vector<std::string> secrets_;   ///< Longest first, so a secret that contains another is hidden whole.
};

/// Every spelling of `secret` that Redactor hides (see above).
std::vector<std::string> secret_spellings(const std::string& secret);

/// JSON text for the journal. Bytes that are not UTF-8 (a binary HTTP body
/// such as a tracking pixel, a command printing Latin-1) become U+FFFD
/// instead of throwing out of nlohmann::json::dump() and killing the run.
std::string journal_json(const nlohmann::json& json);

}  // namespace runbook
