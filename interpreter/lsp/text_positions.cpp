#include "lsp/text_positions.hpp"

#include <algorithm>
#include <cctype>

namespace runbook::lsp {

namespace {

/// Bytes in the UTF-8 sequence that starts with `lead` (1 for a stray byte,
/// which then counts as one character: malformed text must not hang us).
std::size_t sequence_length(unsigned char lead)
{
   if (lead >= 0xF0) return 4;
   if (lead >= 0xE0) return 3;
   if (lead >= 0xC0) return 2;
   return 1;
}

/// Code units one UTF-8 sequence takes in `encoding`: a 4-byte sequence is
/// outside the Basic Multilingual Plane, a surrogate pair in UTF-16.
std::size_t units_of(std::size_t bytes, Encoding encoding)
{
   if (encoding == Encoding::Utf8) return bytes;
   return bytes == 4 ? 2 : 1;
}

bool is_word_byte(char c)
{
   const auto u = static_cast<unsigned char>(c);
   return std::isalnum(u) != 0 || c == '_' || c == '.';
}

}  // namespace

std::size_t character_of(std::string_view line, std::size_t byte, Encoding encoding)
{
   byte = std::min(byte, line.size());
   std::size_t units = 0;
   for (std::size_t at = 0; at < byte;) {
      const std::size_t bytes = std::min(sequence_length(static_cast<unsigned char>(line[at])), line.size() - at);
      units += units_of(bytes, encoding);
      at += bytes;
   }
   return units;
}

std::size_t byte_of(std::string_view line, std::size_t character, Encoding encoding)
{
   std::size_t units = 0;
   std::size_t at = 0;
   while (at < line.size() && units < character) {
      const std::size_t bytes = std::min(sequence_length(static_cast<unsigned char>(line[at])), line.size() - at);
      units += units_of(bytes, encoding);
      at += bytes;
   }
   return at;
}

Word word_at(std::string_view line, std::size_t byte)
{
   if (byte > line.size()) return {};
   std::size_t begin = byte;
   while (begin > 0 && is_word_byte(line[begin - 1])) --begin;
   std::size_t end = byte;
   while (end < line.size() && is_word_byte(line[end])) ++end;
   // A sentence's full stop or a leading dot is not part of a name.
   while (begin < end && line[begin] == '.') ++begin;
   while (end > begin && line[end - 1] == '.') --end;
   return {begin, end};
}

nlohmann::json position_json(const Location& loc, Encoding encoding)
{
   if (!loc.valid()) return {{"line", 0}, {"character", 0}};
   const std::string_view line = loc.file->line_text(loc.line);
   return {{"line", loc.line - 1}, {"character", character_of(line, loc.column - 1, encoding)}};
}

nlohmann::json range_json(const Location& loc, Encoding encoding)
{
   const nlohmann::json start = position_json(loc, encoding);
   if (!loc.valid()) return {{"start", start}, {"end", start}};
   const std::string_view line = loc.file->line_text(loc.line);
   const std::size_t byte = std::min(loc.column - 1, line.size());
   Word word = word_at(line, byte);
   std::size_t end = word.begin == byte && word.end > byte ? word.end : byte_of(line, character_of(line, byte, encoding) + 1, encoding);
   if (end <= byte) end = std::min(byte + 1, line.size());
   return {{"start", start}, {"end", {{"line", loc.line - 1}, {"character", character_of(line, end, encoding)}}}};
}

}  // namespace runbook::lsp
