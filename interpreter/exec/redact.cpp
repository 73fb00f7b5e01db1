#include "exec/redact.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>

namespace runbook {

namespace {

std::string url_encoded(const std::string& s)
{
   std::string out;
   for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
      else out += fmt::format("%{:02X}", c);
   }
   return out;
}

std::string json_escaped(const std::string& s)
{
   const std::string dumped = journal_json(nlohmann::json(s));
   return dumped.substr(1, dumped.size() - 2);
}

}  // namespace

void Redactor::add(const std::string& secret)
{
   if (secret.empty()) return;
   for (const std::string& spelling : {secret, url_encoded(secret), json_escaped(secret)})
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
