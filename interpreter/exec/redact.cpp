#include "exec/redact.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>

#include "io/shell.hpp"

namespace runbook {

namespace {

std::string url_encoded(const std::string& s, bool lower_hex)
{
   std::string out;
   for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
      else if (lower_hex) out += fmt::format("%{:02x}", c);
      else out += fmt::format("%{:02X}", c);
   }
   return out;
}

/// As a JSON string's contents; `ascii`: every non-ASCII character as \uXXXX
/// (`upper`: with upper-case hex digits, as some servers write them).
std::string json_escaped(const std::string& s, bool ascii, bool upper)
{
   const std::string dumped = nlohmann::json(s).dump(-1, ' ', ascii, nlohmann::json::error_handler_t::replace);
   std::string inner = dumped.substr(1, dumped.size() - 2);
   if (upper) {
      for (std::size_t i = 0; i + 5 < inner.size() + 1; ++i) {
         if (inner.compare(i, 2, "\\u") != 0) continue;
         for (std::size_t j = i + 2; j < i + 6 && j < inner.size(); ++j)
            inner[j] = static_cast<char>(std::toupper(static_cast<unsigned char>(inner[j])));
         i += 5;
      }
   }
   return inner;
}

/// `/` written `\/`, as PHP's json_encode (and every Slack webhook secret has `/`).
std::string slashes_escaped(const std::string& json_inner)
{
   std::string out;
   for (char c : json_inner) out += c == '/' ? std::string("\\/") : std::string(1, c);
   return out;
}

/// HTML entities: `&` `<` `>` `"` and `'` in the three spellings servers use for it.
std::vector<std::string> html_escaped(const std::string& s)
{
   std::vector<std::string> out;
   for (const char* apostrophe : {"&#39;", "&#x27;", "&apos;"}) {
      std::string escaped;
      for (char c : s) {
         switch (c) {
         case '&': escaped += "&amp;"; break;
         case '<': escaped += "&lt;"; break;
         case '>': escaped += "&gt;"; break;
         case '"': escaped += "&quot;"; break;
         case '\'': escaped += apostrophe; break;
         default: escaped += c;
         }
      }
      out.push_back(escaped);
   }
   return out;
}

std::string base64(const std::string& bytes)
{
   static const char* const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
   std::string out;
   std::size_t i = 0;
   for (; i + 2 < bytes.size(); i += 3) {
      const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                         static_cast<unsigned char>(bytes[i + 2]);
      for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(n >> shift) & 63];
   }
   if (i < bytes.size()) {
      unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
      if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
      out += alphabet[(n >> 18) & 63];
      out += alphabet[(n >> 12) & 63];
      out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
      out += '=';
   }
   return out;
}

/// The base64 characters that depend only on the secret, at each of the three
/// alignments it can have inside a longer base64 text ("user:SECRET" in a
/// Basic header). Unaligned cores shorter than 8 characters are left out:
/// they would hide ordinary text.
std::vector<std::string> base64_cores(const std::string& secret)
{
   std::vector<std::string> out;
   const std::size_t bits = secret.size() * 8;
   for (std::size_t offset = 0; offset < 3; ++offset) {
      const std::string encoded = base64(std::string(offset, '\0') + secret);
      const std::size_t first = (offset * 8 + 5) / 6;           // The first character wholly inside the secret.
      const std::size_t end = (offset * 8 + bits) / 6;           // One past the last.
      if (end <= first) continue;
      const std::string core = encoded.substr(first, end - first);
      if (offset == 0 || core.size() >= 8) out.push_back(core);
   }
   return out;
}

/// Inside single quotes, as io/shell.cpp's shell_quote() writes a value: it's -> it'\''s.
std::string shell_quoted_inner(const std::string& s)
{
   const std::string quoted = shell_quote(s);
   return quoted.substr(1, quoted.size() - 2);
}

}  // namespace

std::vector<std::string> secret_spellings(const std::string& secret)
{
   std::vector<std::string> spellings{secret, url_encoded(secret, false), url_encoded(secret, true),
                                      shell_quoted_inner(secret)};
   for (const bool ascii : {false, true}) {
      for (const bool upper : {false, true}) {
         const std::string json = json_escaped(secret, ascii, upper);
         spellings.push_back(json);
         spellings.push_back(slashes_escaped(json));
      }
   }
   for (auto& html : html_escaped(secret)) spellings.push_back(std::move(html));
   for (auto& core : base64_cores(secret)) spellings.push_back(std::move(core));
   std::vector<std::string> unique;
   for (auto& spelling : spellings)
      if (!spelling.empty() && std::find(unique.begin(), unique.end(), spelling) == unique.end())
         unique.push_back(std::move(spelling));
   return unique;
}

void Redactor::add(const std::string& secret)
{
   if (secret.empty()) return;
   for (const std::string& spelling : secret_spellings(secret))
      if (std::find(secrets_.begin(), secrets_.end(), spelling) == secrets_.end()) secrets_.push_back(spelling);
   std::stable_sort(secrets_.begin(), secrets_.end(),
                    [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::redact(std::string_view text) const
{
   std::string out(text);
   for (const auto& secret : secrets_) {
      std::size_t pos = 0;
      while ((pos = out.find(secret, pos)) != std::string::npos) {
         out.replace(pos, secret.size(), mask);
         pos += std::char_traits<char>::length(mask);
      }
   }
   return out;
}

nlohmann::json Redactor::redact_json(const nlohmann::json& json) const
{
   if (secrets_.empty()) return json;
   if (json.is_string()) return redact(std::string_view(json.get_ref<const std::string&>()));
   if (json.is_array()) {
      auto out = nlohmann::json::array();
      for (const auto& item : json) out.push_back(redact_json(item));
      return out;
   }
   if (json.is_object()) {
      auto out = nlohmann::json::object();
      for (const auto& [key, item] : json.items()) out[redact(key)] = redact_json(item);
      return out;
   }
   // A numeric secret (a PIN) is still a secret when it appears as a number.
   if (json.is_number() && contains_secret(journal_json(json))) return mask;
   return json;
}

std::string journal_json(const nlohmann::json& json)
{
   return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool Redactor::contains_secret(std::string_view text) const
{
   return std::any_of(secrets_.begin(), secrets_.end(),
                      [&](const std::string& s) { return text.find(s) != std::string_view::npos; });
}

}  // namespace runbook
