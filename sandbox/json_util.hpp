// Small JSON helpers shared by the routes and the state file.
#pragma once

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

namespace sandbox {

/// 25.0 is written as 25 (what a client comparing {"green": 25} expects),
/// 2.5 stays 2.5.
inline nlohmann::json number_json(double value)
{
   if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) < 9e15) return static_cast<long long>(value);
   return value;
}

/// Serializes without ever throwing: bytes that are not UTF-8 (a hostile
/// client can send any) become U+FFFD.
inline std::string dump_json(const nlohmann::json& value, int indent = -1)
{
   return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// A request body as it should appear in the request log: the JSON value if
/// it is JSON, the text otherwise (cut at 64 KiB: the log is for tests).
inline nlohmann::json body_json(const std::string& body)
{
   if (body.empty()) return nullptr;
   auto parsed = nlohmann::json::parse(body, nullptr, false);
   if (!parsed.is_discarded()) return parsed;
   constexpr std::size_t limit = 64 * 1024;
   // Invalid UTF-8 would make nlohmann::json::dump throw; replace it.
   const std::string text = body.size() > limit ? body.substr(0, limit) : body;
   return nlohmann::json::parse(dump_json(nlohmann::json(text)));
}

}  // namespace sandbox
