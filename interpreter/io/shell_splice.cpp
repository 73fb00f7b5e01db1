// Splicing values into a `sh` command by quoting context (see shell_splice.hpp).
#include "io/shell_splice.hpp"

namespace runbook {

namespace {

/// True when `value` reads as itself in a bare word anywhere: only
/// characters no shell gives a meaning to, never a reserved word (`if` at a
/// command's start is syntax) and never empty (that would drop the word).
/// `=` is left out: `A=1` at a command's start is an assignment; `~` too.
bool plain_word(std::string_view value)
{
   static constexpr std::string_view reserved[] = {"if", "then", "else", "elif", "fi", "do", "done", "case",
                                                   "esac", "while", "until", "for", "in", "function", "select", "time"};
   if (value.empty()) return false;
   for (const char c : value) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && std::string_view("_@%+:,./-").find(c) == std::string_view::npos) return false;
   }
   for (const auto word : reserved)
      if (value == word) return false;
   return true;
}

/// Bare word: as is when it is a plain word (so the plan reads like the
/// command the author wrote), else single quotes, where nothing is special
/// but the quote itself, which is closed, escaped and reopened: it's -> 'it'\''s'.
std::string quote_bare(std::string_view value)
{
   if (plain_word(value)) return std::string(value);
   std::string out = "'";
   for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
   return out + "'";
}

/// Inside "...": only $ ` " and \ are special there, and a backslash before
/// each of them stands for the character itself. A newline is literal.
std::string quote_double(std::string_view value)
{
   std::string out;
   for (char c : value) {
      if (c == '$' || c == '`' || c == '"' || c == '\\') out += '\\';
      out += c;
   }
   return out;
}

/// Inside '...': the value's own quotes close, escape and reopen.
std::string quote_single(std::string_view value)
{
   std::string out;
   for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
   return out;
}

}  // namespace

ShellCommand::ShellCommand()
{
   stack_.push_back({Frame::Bare});
}

void ShellCommand::append_text(std::string_view text)
{
   command_ += text;
   as_written_ += text;
   for (char c : text) scan(c);
}

void ShellCommand::append_placeholder(std::string_view shown)
{
   refuse_here();
   command_ += shown;
   as_written_ += shown;
   word_start_ = false;
   word_ += '$';
}

void ShellCommand::append_value(std::string_view value)
{
   if (value.find('\0') != std::string_view::npos)
      throw ShellSpliceError("the value holds a NUL byte, which no shell command can carry");
   refuse_here();
   switch (top()) {
      case Frame::Bare:
         command_ += quote_bare(value);
         word_start_ = false;
         word_ += '\'';   // A quoted word is never a keyword.
         after_less_ = false;
         break;
      case Frame::Double: command_ += quote_double(value); break;
      case Frame::Single: command_ += quote_single(value); break;
      default: break;   // refuse_here() threw.
   }
   as_written_ += value;
}

void ShellCommand::refuse_here() const
{
   if (uncertain_)
      throw ShellSpliceError("a value cannot be spliced after a `case` inside $(...) of a sh command: "
                             "which `)` ends the $(...) cannot be told, so neither can the quoting; "
                             "move the case into a script");
   if (escaped_)
      throw ShellSpliceError("a value cannot be spliced right after a backslash in a sh command "
                             "(the backslash would apply to the value)");
   if (after_dollar_)
      throw ShellSpliceError("a value cannot be spliced right after a `$` in a sh command");
   switch (top()) {
      case Frame::Bare:
      case Frame::Double:
      case Frame::Single: return;
      case Frame::Backquote:
         throw ShellSpliceError("a value cannot be spliced inside backquotes `...` of a sh command "
                                "(their quoting rules differ); write $(...) instead");
      case Frame::Param:
         throw ShellSpliceError("a value cannot be spliced inside the shell's own ${...} expansion");
      case Frame::AnsiC:
         throw ShellSpliceError("a value cannot be spliced inside $'...' of a sh command "
                                "(bash reads backslash escapes there); use '...' or \"...\"");
      case Frame::Comment:
         throw ShellSpliceError("a value cannot be spliced into a shell comment "
                                "(a newline in it would end the comment and run the rest)");
      case Frame::HereDoc:
         throw ShellSpliceError("a value cannot be spliced into a here-document body "
                                "(the shell expands $ and ` there); pass it as an argument, e.g. printf '%s\\n' ${value}");
   }
}

void ShellCommand::scan(char c)
{
   switch (top()) {
      case Frame::Single:
         if (c == '\'') stack_.pop_back();
         return;
      case Frame::HereDoc: return;   // To the end: its delimiter is not tracked.
      case Frame::Comment:
         if (c != '\n') return;
         stack_.pop_back();
         scan_bare(c);
         return;
      case Frame::Backquote:
      case Frame::Param:
      case Frame::AnsiC:
         if (escaped_) {
            escaped_ = false;
         } else if (c == '\\') {
            escaped_ = true;
         } else if (c == '`' && top() == Frame::Backquote) {
            stack_.pop_back();
         } else if ((c == '}' && top() == Frame::Param) || (c == '\'' && top() == Frame::AnsiC)) {
            stack_.pop_back();
         } else if (top() == Frame::Param && (c == '\'' || c == '"' || c == '`' || c == '$' || c == '{')) {
            // Quotes and nesting inside the shell's ${...} follow rules this
            // scan does not model: stop trusting it.
            uncertain_ = true;
         }
         return;
      case Frame::Double: scan_double(c); return;
      case Frame::Bare: scan_bare(c); return;
   }
}

bool ShellCommand::opens_after_dollar(char c)
{
   if (c == '(') {
      // $( starts a new command: its first word may be a keyword.
      stack_.push_back({Frame::Bare});
      word_.clear();
      word_start_ = true;
      return true;
   }
   if (c == '{') {
      stack_.push_back({Frame::Param});
      return true;
   }
   return false;
}

void ShellCommand::scan_double(char c)
{
   if (escaped_) {
      escaped_ = false;
      return;
   }
   if (after_dollar_) {
      after_dollar_ = false;
      if (opens_after_dollar(c)) return;
   }
   switch (c) {
      case '\\': escaped_ = true; break;
      case '"': stack_.pop_back(); break;
      case '`': stack_.push_back({Frame::Backquote}); break;
      case '$': after_dollar_ = true; break;
      default: break;
   }
}

void ShellCommand::scan_bare(char c)
{
   const bool after_less = after_less_;
   after_less_ = false;
   if (escaped_) {
      escaped_ = false;
      word_ += c;
      word_start_ = false;
      return;
   }
   if (after_dollar_) {
      after_dollar_ = false;
      if (opens_after_dollar(c)) return;
      if (c == '\'') return stack_.push_back({Frame::AnsiC});   // bash's $'...' (backslash escapes).
   }
   switch (c) {
      case '\\': escaped_ = true; return;
      case '\'':
         stack_.push_back({Frame::Single});
         word_ += c;
         word_start_ = false;
         return;
      case '"':
         stack_.push_back({Frame::Double});
         word_ += c;
         word_start_ = false;
         return;
      case '`':
         stack_.push_back({Frame::Backquote});
         word_ += c;
         word_start_ = false;
         return;
      case '$':
         after_dollar_ = true;
         word_ += c;
         word_start_ = false;
         return;
      case '#':
         if (word_start_) return stack_.push_back({Frame::Comment});
         word_ += c;
         return;
      case '(':
         end_word();
         ++stack_.back().parens;
         return;
      case ')':
         end_word();
         if (stack_.back().parens > 0) {
            --stack_.back().parens;
         } else if (stack_.size() > 1) {
            stack_.pop_back();   // The end of a $(...), which goes on the word it stands in.
            word_start_ = false;
            word_ += '$';
         }
         return;
      case '\n':
         end_word();
         if (heredoc_pending_) stack_.push_back({Frame::HereDoc});
         return;
      case '<':
         end_word();
         if (after_less) heredoc_pending_ = true;
         after_less_ = true;
         return;
      case ' ':
      case '\t':
      case ';':
      case '&':
      case '|':
      case '>':
         end_word();
         return;
      default:
         word_ += c;
         word_start_ = false;
         return;
   }
}

void ShellCommand::end_word()
{
   // `case x in a) ...` has a `)` that does not close anything: inside
   // $(...) the scan can no longer tell where the substitution ends.
   if (word_ == "case" && stack_.size() > 1) uncertain_ = true;
   word_.clear();
   word_start_ = true;
}

std::string shell_unquoted(std::string_view command)
{
   std::string out;
   enum class In { Bare, Single, Double } in = In::Bare;
   for (std::size_t i = 0; i < command.size(); ++i) {
      const char c = command[i];
      const bool has_next = i + 1 < command.size();
      switch (in) {
         case In::Single:
            if (c == '\'') in = In::Bare; else out += c;
            break;
         case In::Double:
            if (c == '"') {
               in = In::Bare;
            } else if (c == '\\' && has_next && std::string_view("$`\"\\").find(command[i + 1]) != std::string_view::npos) {
               out += command[++i];
            } else {
               out += c;
            }
            break;
         case In::Bare:
            if (c == '\'') {
               in = In::Single;
            } else if (c == '"') {
               in = In::Double;
            } else if (c == '\\' && has_next) {
               out += command[++i];
            } else {
               out += c;
            }
            break;
      }
   }
   return out;
}

}  // namespace runbook
