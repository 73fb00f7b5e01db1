#include "syntax/format.hpp"

#include <algorithm>
#include <vector>

#include "syntax/parser.hpp"

namespace runbook {

namespace {

// ---------------------------------------------------------------- tokens

enum class FmtKind { word, open, close, comma, string };

struct FmtToken {
   FmtKind kind = FmtKind::word;
   std::string_view text;
   std::size_t offset = 0;
   bool space_before = false;   ///< Blanks separated it from the token before it.
};

/// One line as written: its indentation, its tokens and its comment. A
/// string whose `${...}` runs over a newline makes one line of several.
struct FmtLine {
   std::size_t indent = 0;           ///< Leading blanks as written.
   std::vector<FmtToken> tokens;
   std::string_view comment;         ///< Without trailing blanks; empty when none.
   std::size_t comment_column = 0;   ///< Where the comment started, 0-based.
   bool blank() const { return tokens.empty() && comment.empty(); }
};

bool fmt_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/// The end of the '...' string starting at `p`: after its closing quote, or at
/// the end of the line when it has none (the grammar's rule).
std::size_t raw_string_end(std::string_view t, std::size_t p)
{
   ++p;
   while (p < t.size() && t[p] != '\'' && t[p] != '\n') ++p;
   return p < t.size() && t[p] == '\'' ? p + 1 : p;
}

/// The end of the "..." string starting at `p`, with its escapes and its
/// interpolations, which hold code (strings, comments, braces) and may run
/// over a newline. Iterative: nesting is bounded only by the input.
std::size_t string_end(std::string_view t, std::size_t p)
{
   std::vector<int> open{-1};   // -1: inside "..."; n >= 0: inside ${...} with n braces open
   ++p;
   while (p < t.size() && !open.empty()) {
      const char c = t[p];
      int& top = open.back();
      if (top < 0) {
         if (c == '\n') open.pop_back();   // unterminated: the string ends with its line
         else if (c == '"') { open.pop_back(); ++p; }
         else if (c == '\\') p += p + 1 < t.size() && t[p + 1] != '\n' ? 2 : 1;
         else if (c == '$' && p + 1 < t.size() && t[p + 1] == '{') { open.push_back(0); p += 2; }
         else ++p;
      } else if (c == '"') { open.push_back(-1); ++p; }
      else if (c == '\'') p = raw_string_end(t, p);
      else if (c == '#') { while (p < t.size() && t[p] != '\n') ++p; }
      else if (c == '{') { ++top; ++p; }
      else if (c == '}') { if (top == 0) open.pop_back(); else --top; ++p; }
      else ++p;
   }
   // Cut off by the end of the text inside `${`: the blanks and newlines it
   // ends with are the file's, not the string's (else each run adds a line).
   if (!open.empty()) {
      while (p > 0 && (fmt_blank(t[p - 1]) || t[p - 1] == '\n')) --p;
   }
   return p;
}

bool word_char(char c)
{
   switch (c) {
   case ' ': case '\t': case '\r': case '\n': case '#': case '"': case '\'':
   case '{': case '}': case '[': case ']': case '(': case ')': case ',':
      return false;
   default:
      return true;
   }
}

std::vector<FmtLine> split_format_lines(std::string_view t)
{
   std::vector<FmtLine> lines(1);
   std::size_t p = 0;
   std::size_t line_start = 0;   // of the physical line, for comment columns
   bool at_line_start = true;
   bool space = false;
   while (p < t.size()) {
      const char c = t[p];
      FmtLine& line = lines.back();
      if (c == '\n') {
         lines.emplace_back();
         line_start = ++p;
         at_line_start = true;
         continue;
      }
      if (fmt_blank(c)) {
         if (at_line_start) ++line.indent;
         space = true;
         ++p;
         continue;
      }
      const bool spaced = space && !at_line_start;
      at_line_start = false;
      space = false;
      if (c == '#') {
         std::size_t end = t.find('\n', p);
         if (end == std::string_view::npos) end = t.size();
         std::size_t trimmed = end;
         while (trimmed > p && fmt_blank(t[trimmed - 1])) --trimmed;
         line.comment = t.substr(p, trimmed - p);
         line.comment_column = p - line_start;
         p = end;
         continue;
      }
      std::size_t end = p + 1;
      FmtKind kind = FmtKind::word;
      switch (c) {
      case '"': kind = FmtKind::string; end = string_end(t, p); break;
      case '\'': kind = FmtKind::string; end = raw_string_end(t, p); break;
      case '{': case '[': case '(': kind = FmtKind::open; break;
      case '}': case ']': case ')': kind = FmtKind::close; break;
      case ',': kind = FmtKind::comma; break;
      default:
         while (end < t.size() && word_char(t[end])) ++end;
      }
      const std::string_view text = t.substr(p, end - p);
      if (const auto nl = text.rfind('\n'); nl != std::string_view::npos) line_start = p + nl + 1;
      line.tokens.push_back(FmtToken{kind, text, p, spaced});
      p = end;
   }
   return lines;
}

// ---------------------------------------------------------------- layout

/// Whether one space goes between two tokens of a line.
bool space_between(const FmtToken& before, const FmtToken& token)
{
   const bool closes = token.kind == FmtKind::close && token.text != "}";
   if (token.kind == FmtKind::comma || closes) return false;
   if (before.kind == FmtKind::comma) return true;
   if (!token.space_before) return false;   // `f(x)`, `a.b`, `-1`: written together, kept together
   return !(before.kind == FmtKind::open && before.text != "{");
}

/// A bracket open at the end of a line.
struct FmtFrame {
   std::size_t opener_indent = 0;   ///< Indentation of the line that opened it (and of the line that closes it).
   std::size_t indent = 0;          ///< Indentation of the lines inside.
   std::size_t base = 0;            ///< How deep its first line inside was written.
   bool based = false;
};

constexpr std::size_t indent_step = 2;

/// The column where the next character of `out` goes. (A line may hold a
/// string whose `${...}` ran over a newline.)
std::size_t column_of_end(const std::string& out)
{
   const std::size_t newline = out.rfind('\n');
   return newline == std::string::npos ? out.size() : out.size() - newline - 1;
}

}  // namespace

std::string format_source(std::string_view text)
{
   const std::vector<FmtLine> lines = split_format_lines(text);
   // Which lines start a statement (a declaration, a step, a checklist item,
   // ...): every other line continues the one before it. Without a parse,
   // the first line of each block stands in for all of them.
   std::vector<std::size_t> starts;
   const bool parsed = statement_starts(SourceFile{"", std::string(text)}, starts);
   std::string out;
   out.reserve(text.size());
   std::vector<FmtFrame> frames{FmtFrame{}};
   bool blank_pending = false;
   for (const FmtLine& line : lines) {
      if (line.blank()) {
         blank_pending = !out.empty();
         continue;
      }
      if (blank_pending) out += '\n';
      blank_pending = false;

      // A line that starts by closing brackets goes back to where they opened.
      std::size_t leading_closers = 0;
      while (leading_closers < line.tokens.size() && line.tokens[leading_closers].kind == FmtKind::close)
         ++leading_closers;
      const std::size_t closed = std::min(leading_closers, frames.size() - 1);
      std::size_t indent = 0;
      if (closed > 0) {
         indent = frames[frames.size() - closed].opener_indent;
         frames.resize(frames.size() - closed);
      } else if (leading_closers == 0) {
         FmtFrame& frame = frames.back();
         const bool statement = parsed && !line.tokens.empty() &&
                                std::binary_search(starts.begin(), starts.end(), line.tokens.front().offset);
         if (!frame.based || statement) {
            frame.base = line.indent;
            frame.based = true;
         }
         indent = frame.indent + (line.indent > frame.base ? line.indent - frame.base : 0);
      }
      out.append(indent, ' ');
      for (std::size_t i = 0; i < line.tokens.size(); ++i) {
         const FmtToken& token = line.tokens[i];
         if (i > 0 && space_between(line.tokens[i - 1], token)) out += ' ';
         out += token.text;
         if (i < leading_closers) continue;   // popped above
         if (token.kind == FmtKind::open) {
            // `f(a,` / `[a,`: the next lines line up under the bracket.
            const bool aligned = token.text != "{" && i + 1 < line.tokens.size();
            // A top-level declaration's body sits at 2 and its `}` in column
            // 1, even when its header ran over several lines.
            const std::size_t from = token.text == "{" && frames.size() == 1 ? 0 : indent;
            frames.push_back(FmtFrame{from, aligned ? column_of_end(out) - 1 : from + indent_step});
         } else if (token.kind == FmtKind::close && frames.size() > 1) {
            frames.pop_back();
         }
      }
      if (!line.comment.empty()) {
         if (line.tokens.empty()) {
            out += line.comment;
         } else {
            const std::size_t column = column_of_end(out);
            out.append(line.comment_column > column ? line.comment_column - column : 1, ' ');
            out += line.comment;
         }
      }
      out += '\n';
   }
   return out;
}

}  // namespace runbook
