// Implementation notes.
//
// The text form follows compilers and ninja: the location, the message, the
// source line, a caret.  The echoed line is normalised so the caret lines up
// in any terminal: tabs become spaces up to the next multiple of tab_width,
// UTF-8 continuation bytes take no column, and a line wider than max_width is
// cut around the caret with "..." on the cut sides.
#include "syntax/diagnostic.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace runbook {

namespace {

constexpr std::size_t tab_width = 4;
constexpr std::size_t max_width = 120;
/// When a line is cut, this much of it is shown before the caret.
constexpr std::size_t context_before = 60;

const char* severity_name(Severity severity)
{
   switch (severity) {
   case Severity::Error: return "error";
   case Severity::Warning: return "warning";
   case Severity::Note: return "note";
   }
   return "error";
}

const char* severity_color(Severity severity)
{
   switch (severity) {
   case Severity::Error: return "\x1b[1;31m";
   case Severity::Warning: return "\x1b[1;35m";
   case Severity::Note: return "\x1b[1;36m";
   }
   return "";
}

bool is_continuation(char c)
{
   return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

/// The code point of the UTF-8 sequence at `at` (a malformed one: its first byte).
char32_t code_point_at(std::string_view text, std::size_t at)
{
   const auto lead = static_cast<unsigned char>(text[at]);
   const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
   if (length == 1 || at + length > text.size()) return lead;
   char32_t point = lead & (0x7F >> length);
   for (std::size_t i = 1; i < length; ++i) point = (point << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3F);
   return point;
}

/// Terminal columns a code point takes: 2 for the wide East Asian ranges
/// and emoji, 0 for combining marks, else 1 (enough to keep a caret under
/// its character; not a full wcwidth()).
std::size_t columns_of(char32_t c)
{
   if (c >= 0x0300 && c <= 0x036F) return 0;
   const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
                     (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                     (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
                     (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
   return wide ? 2 : 1;
}

/// A source line as displayed: its text and the display column (0-based)
/// of the byte at `column` (1-based).
struct DisplayLine {
   std::string text;
   std::size_t caret = 0;
};

DisplayLine display_line(std::string_view line, std::size_t column)
{
   DisplayLine result;
   std::size_t width = 0;
   bool caret_set = false;
   for (std::size_t i = 0; i < line.size(); ++i) {
      if (i + 1 == column) {
         result.caret = width;
         caret_set = true;
      }
      const char c = line[i];
      if (c == '\t') {
         const std::size_t spaces = tab_width - width % tab_width;
         result.text.append(spaces, ' ');
         width += spaces;
      }
      else if (c == '\r') {
         // Only a CRLF line end can leave one here; it shows as nothing.
      }
      else {
         result.text += c;
         if (!is_continuation(c)) width += columns_of(code_point_at(line, i));
      }
   }
   if (!caret_set) result.caret = width + (column > line.size() + 1 ? column - line.size() - 1 : 0);
   return result;
}

/// Cuts a wide line around the caret.
void cut_line(DisplayLine& line)
{
   std::size_t total = 0;
   for (std::size_t i = 0; i < line.text.size(); ++i) {
      if (!is_continuation(line.text[i])) total += columns_of(code_point_at(line.text, i));
   }
   if (total <= max_width) return;
   const std::size_t keep = max_width - 6;  // Room for "..." on both sides.
   std::size_t first = line.caret > context_before ? line.caret - context_before : 0;
   first = std::min(first, total - std::min(total, keep));
   const std::size_t last = std::min(total, first + keep);
   // Map display columns back to bytes, never splitting a UTF-8 sequence.
   std::string cut;
   std::size_t width = 0;
   for (std::size_t i = 0; i < line.text.size(); ++i) {
      const char c = line.text[i];
      if (!is_continuation(c)) width += columns_of(code_point_at(line.text, i));
      if (width > first && width <= last) cut += c;
   }
   const bool cut_front = first > 0;
   const bool cut_back = last < total;
   line.text = (cut_front ? "..." : "") + cut + (cut_back ? "..." : "");
   line.caret = line.caret - first + (cut_front ? 3 : 0);
}

/// The source line of `loc`.  Locations made by the parser carry their byte
/// offset, which finds the line without counting the lines before it (that
/// matters for errors near the end of a large file); others fall back to
/// counting.
std::string_view source_line(const Location& loc)
{
   const std::string_view text = loc.file->text;
   const bool has_offset = loc.offset > 0 || loc.line == 1;
   if (has_offset && loc.offset <= text.size() && loc.column >= 1 && loc.column - 1 <= loc.offset) {
      const std::size_t start = loc.offset - (loc.column - 1);
      const bool starts_line = start == 0 || text[start - 1] == '\n';
      if (starts_line && text.substr(start, loc.offset - start).find('\n') == std::string_view::npos) {
         std::size_t end = text.find('\n', start);
         if (end == std::string_view::npos) end = text.size();
         if (end > start && text[end - 1] == '\r') --end;
         return text.substr(start, end - start);
      }
   }
   return loc.file->line_text(loc.line);
}

std::string display_path(const Diagnostic& d)
{
   return d.loc.file != nullptr ? d.loc.file->path : std::string("runbook");
}

}  // namespace

// ---------------------------------------------------------------- Diagnostics

void Diagnostics::error(Location loc, std::string code, std::string message, std::vector<std::string> notes)
{
   items_.push_back(Diagnostic{Severity::Error, loc, std::move(message), std::move(code), std::move(notes)});
}

void Diagnostics::warning(Location loc, std::string code, std::string message, std::vector<std::string> notes)
{
   items_.push_back(Diagnostic{Severity::Warning, loc, std::move(message), std::move(code), std::move(notes)});
}

bool Diagnostics::has_errors() const
{
   return error_count() > 0;
}

std::size_t Diagnostics::error_count() const
{
   return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::size_t Diagnostics::warning_count() const
{
   return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Warning; }));
}

void Diagnostics::sort()
{
   std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      const std::string_view path_a = a.loc.file != nullptr ? std::string_view(a.loc.file->path) : std::string_view();
      const std::string_view path_b = b.loc.file != nullptr ? std::string_view(b.loc.file->path) : std::string_view();
      if (path_a != path_b) return path_a < path_b;
      if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
      return a.loc.column < b.loc.column;
   });
}

void Diagnostics::append(const Diagnostics& other)
{
   items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

// ---------------------------------------------------------------- text

std::string render_text(const Diagnostic& d, bool color)
{
   const char* bold = color ? "\x1b[1m" : "";
   const char* reset = color ? "\x1b[0m" : "";
   std::string out;
   out += bold;
   out += display_path(d);
   if (d.loc.valid()) out += ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column);
   out += ":";
   out += reset;
   out += " ";
   out += color ? severity_color(d.severity) : "";
   out += severity_name(d.severity);
   out += ":";
   out += reset;
   out += " ";
   out += d.message;
   out += "\n";
   if (d.loc.valid()) {
      DisplayLine line = display_line(source_line(d.loc), d.loc.column);
      cut_line(line);
      out += line.text;
      out += "\n";
      out += std::string(line.caret, ' ');
      out += color ? "\x1b[1;32m^\x1b[0m\n" : "^\n";
   }
   for (const auto& note : d.notes) {
      out += "  ";
      out += color ? severity_color(Severity::Note) : "";
      out += "note:";
      out += reset;
      out += " " + note + "\n";
   }
   return out;
}

std::string render_text(const Diagnostics& ds, bool color)
{
   std::string out;
   for (const auto& d : ds.all()) out += render_text(d, color);
   return out;
}

// ---------------------------------------------------------------- JSON

std::string render_json(const Diagnostics& ds)
{
   nlohmann::ordered_json diagnostics = nlohmann::ordered_json::array();
   for (const auto& d : ds.all()) {
      nlohmann::ordered_json range = {{"filename", d.loc.file != nullptr ? d.loc.file->path : std::string()}};
      if (d.loc.valid()) {
         range["start"] = {{"line", d.loc.line}, {"column", d.loc.column}, {"byte", d.loc.offset}};
      }
      diagnostics.push_back({{"severity", severity_name(d.severity)},
                             {"code", d.code},
                             {"message", d.message},
                             {"notes", d.notes},
                             {"range", std::move(range)}});
   }
   const nlohmann::ordered_json document = {{"format_version", "1.0"},
                                     {"valid", !ds.has_errors()},
                                     {"error_count", ds.error_count()},
                                     {"warning_count", ds.warning_count()},
                                     {"diagnostics", std::move(diagnostics)}};
   // Invalid UTF-8 in a message (quoted from a broken file) must not make the
   // whole document unreadable: replace it.
   return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace runbook
