#include "io/json_path.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace runbook {

namespace {

bool is_identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }

/// Reads the JSON string literal starting at text[pos] == '"'; advances pos past it.
std::optional<std::string> read_string_literal(std::string_view text, std::size_t& pos)
{
   std::size_t end = pos + 1;
   while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
   if (end >= text.size()) return std::nullopt;
   const auto literal = nlohmann::json::parse(text.substr(pos, end - pos + 1), nullptr, false);
   if (!literal.is_string()) return std::nullopt;
   pos = end + 1;
   return literal.get<std::string>();
}

std::string describe_char(std::string_view text, std::size_t pos)
{
   if (pos >= text.size()) return "the end of the path";
   const unsigned char c = static_cast<unsigned char>(text[pos]);
   if (std::isprint(c) != 0) return fmt::format("'{}' at offset {}", static_cast<char>(c), pos);
   return fmt::format("byte 0x{:02x} at offset {}", c, pos);
}

/// ".a.b[0]" for the first `count` segments; "." for none.
std::string render_prefix(const std::vector<JsonPath::Segment>& segments, std::size_t count)
{
   std::string out;
   for (std::size_t i = 0; i < count; ++i) {
      if (const auto* key = std::get_if<std::string>(&segments[i])) {
         const bool plain = !key->empty() && is_identifier_start((*key)[0]) &&
                            std::all_of(key->begin(), key->end(), is_identifier_char);
         out += plain ? "." + *key : (out.empty() ? ".[" : "[") + nlohmann::json(*key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "]";
      } else {
         out += (out.empty() ? ".[" : "[") + std::to_string(std::get<long long>(segments[i])) + "]";
      }
   }
   return out.empty() ? "." : out;
}

const char* kind_of(const nlohmann::json& value)
{
   switch (value.type()) {
      case nlohmann::json::value_t::null: return "null";
      case nlohmann::json::value_t::object: return "an object";
      case nlohmann::json::value_t::array: return "an array";
      case nlohmann::json::value_t::string: return "a string";
      case nlohmann::json::value_t::boolean: return "a boolean";
      case nlohmann::json::value_t::binary: return "binary data";
      case nlohmann::json::value_t::discarded: return "nothing";
      default: return "a number";
   }
}

struct TooDeep {};

/// nlohmann's messages start with "[json.exception.parse_error.101] ": an operator needs only the rest.
std::string without_exception_id(std::string message)
{
   const auto bracket = message.find("] ");
   if (message.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) message.erase(0, bracket + 2);
   return message;
}

}  // namespace

std::optional<JsonPath> JsonPath::parse(std::string_view text, std::string& error)
{
   JsonPath path;
   path.text_ = std::string(text);
   const auto fail = [&](const std::string& why) {
      error = fmt::format("malformed JSON path '{}': {}", text, why);
      return std::nullopt;
   };
   if (text.empty()) return fail("it is empty; use '.' for the whole document");
   if (text[0] != '.') return fail("a path starts with '.', as in '.data.value'");
   if (text == ".") return path;

   std::size_t pos = 0;
   while (pos < text.size()) {
      if (text[pos] == '.') {
         ++pos;
         if (pos < text.size() && is_identifier_start(text[pos])) {
            const std::size_t start = pos;
            while (pos < text.size() && is_identifier_char(text[pos])) ++pos;
            path.segments_.emplace_back(std::string(text.substr(start, pos - start)));
         } else if (pos < text.size() && text[pos] == '"') {
            auto key = read_string_literal(text, pos);
            if (!key) return fail(fmt::format("unterminated or invalid string at offset {}", pos));
            path.segments_.emplace_back(std::move(*key));
         } else if (pos < text.size() && text[pos] == '[') {
            continue;   // ".[0]" and ".["key"]" are spellings of "[0]" and "["key"]".
         } else {
            return fail(fmt::format("expected a name, '[' or '\"' after '.', found {}", describe_char(text, pos)));
         }
      } else if (text[pos] == '[') {
         ++pos;
         if (pos < text.size() && text[pos] == '"') {
            auto key = read_string_literal(text, pos);
            if (!key) return fail(fmt::format("unterminated or invalid string at offset {}", pos));
            path.segments_.emplace_back(std::move(*key));
         } else {
            long long index = 0;
            const char* first = text.data() + pos;
            const auto [end, ec] = std::from_chars(first, text.data() + text.size(), index);
            if (ec != std::errc() || end == first) return fail(fmt::format("expected a number or a string after '[', found {}", describe_char(text, pos)));
            pos += static_cast<std::size_t>(end - first);
            path.segments_.emplace_back(index);
         }
         if (pos >= text.size() || text[pos] != ']') return fail(fmt::format("expected ']', found {}", describe_char(text, pos)));
         ++pos;
      } else {
         return fail(fmt::format("unexpected {}", describe_char(text, pos)));
      }
   }
   return path;
}

const nlohmann::json* JsonPath::find(const nlohmann::json& document, std::string& error) const
{
   const nlohmann::json* current = &document;
   for (std::size_t i = 0; i < segments_.size(); ++i) {
      const std::string where = render_prefix(segments_, i);
      if (const auto* key = std::get_if<std::string>(&segments_[i])) {
         if (!current->is_object()) {
            error = fmt::format("cannot read key '{}' at {}: it is {}, not an object", *key, where, kind_of(*current));
            return nullptr;
         }
         const auto member = current->find(*key);
         if (member == current->end()) {
            error = fmt::format("no key '{}' at {}", *key, where);
            return nullptr;
         }
         current = &*member;
      } else {
         const long long index = std::get<long long>(segments_[i]);
         if (!current->is_array()) {
            error = fmt::format("cannot read index {} at {}: it is {}, not an array", index, where, kind_of(*current));
            return nullptr;
         }
         const auto size = static_cast<long long>(current->size());
         const long long position = index < 0 ? size + index : index;
         if (position < 0 || position >= size) {
            error = fmt::format("no index {} at {} (the array has {} element{})", index, where, size, size == 1 ? "" : "s");
            return nullptr;
         }
         current = &(*current)[static_cast<std::size_t>(position)];
      }
   }
   return current;
}

JsonLookup lookup_json_path(const nlohmann::json& document, std::string_view path)
{
   JsonLookup lookup;
   const auto parsed = JsonPath::parse(path, lookup.error);
   if (!parsed) return lookup;
   lookup.value = parsed->find(document, lookup.error);
   return lookup;
}

std::optional<nlohmann::json> parse_json_text(std::string_view text, std::string& error)
{
   if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      error = "not JSON: the body is empty";
      return std::nullopt;
   }
   // nlohmann builds the tree iteratively, but whoever walks it later may
   // recurse: refuse absurd nesting here, once, for every caller.
   const nlohmann::json::parser_callback_t limit_depth = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (depth > max_json_depth) throw TooDeep{};
      return true;
   };
   try {
      return nlohmann::json::parse(text.begin(), text.end(), limit_depth);
   } catch (const TooDeep&) {
      error = fmt::format("JSON nested deeper than {} levels", max_json_depth);
   } catch (const nlohmann::json::parse_error& e) {
      error = fmt::format("not JSON ({}); the body begins {}", without_exception_id(e.what()),
                          json_excerpt(nlohmann::json(std::string(text.substr(0, 200))), 60));
   } catch (const std::exception& e) {
      error = fmt::format("not JSON: {}", without_exception_id(e.what()));   // e.g. a number too large for a double.
   }
   return std::nullopt;
}

std::string json_excerpt(const nlohmann::json& value, std::size_t max_chars)
{
   std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
   if (text.size() > max_chars) {
      text.resize(max_chars);
      // Do not cut a UTF-8 sequence in half: drop the last one if it is incomplete.
      std::size_t start = text.size();
      while (start > 0 && text.size() - start < 4 && (static_cast<unsigned char>(text[start - 1]) & 0xC0) == 0x80) --start;
      if (start > 0) {
         const auto lead = static_cast<unsigned char>(text[start - 1]);
         const std::size_t expected = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
         if (text.size() - (start - 1) < expected) text.resize(start - 1);
      }
      text += "...";
   }
   return text;
}

}  // namespace runbook
