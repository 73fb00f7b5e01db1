// Splicing values into a `sh` command, quoted for where each one lands.
//
// The rule (docs/security.md): a `${...}` spliced into a `sh` command arrives
// in /bin/sh as exactly the value's characters, one piece of one word, and can
// never add shell syntax, wherever it stands:
//
//   bare word      echo ${v}        ->  echo 'it'\''s'      single-quoted (a plain word
//                                                             such as v1.2-rc stays as is)
//   "..."          echo "v=${v}"    ->  echo "v=it's \$x"   a backslash before $ ` " and itself
//   '...'          echo 'v=${v}'    ->  echo 'v=it'\''s'    ' closed, escaped, reopened
//
// To know where a value lands, the author's text is scanned as /bin/sh reads
// it: quotes, backslashes, `$(...)`, backquotes, comments, here-documents.
// Where the context cannot be quoted exactly (inside backquotes, a `${...}` of
// the shell's own, a here-document body, a comment, right after a backslash
// or a `$`, or after a `case` inside `$(...)` where the scan cannot tell which
// `)` ends it) the splice is refused rather than guessed. A value holding a
// NUL byte is refused: no argument to /bin/sh can carry one.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runbook {

/// Why a value cannot be spliced here; the message names the context.
class ShellSpliceError : public std::runtime_error {
public:
   using std::runtime_error::runtime_error;
};

/// Builds one `sh` command from the author's text and spliced values.
class ShellCommand {
public:
   ShellCommand();

   /// The author's text, as written (after the runbook string's own escapes).
   void append_text(std::string_view text);
   /// A value, quoted for the context the text so far left open. Throws
   /// ShellSpliceError when the context cannot be quoted exactly.
   void append_value(std::string_view value);
   /// A placeholder for a value only known at run time (`${name}` in a
   /// plan): shown as is, not scanned; throws where a value would be refused.
   void append_placeholder(std::string_view shown);

   /// What /bin/sh -c runs.
   const std::string& command() const { return command_; }
   /// The command as written, with values spliced in unquoted (what a
   /// scenario's `sh` pattern matches).
   const std::string& as_written() const { return as_written_; }

private:
   enum class Frame {
      Bare,          ///< Top level or inside $(...): words, operators.
      Double,        ///< Inside "...".
      Single,        ///< Inside '...'.
      Backquote,     ///< Inside `...`: splices refused.
      Param,         ///< Inside the shell's own ${...}: splices refused.
      AnsiC,         ///< Inside bash's $'...': splices refused.
      Comment,       ///< From # to the end of the line: splices refused.
      HereDoc,       ///< A here-document body (to the end): splices refused.
   };
   struct Level {
      Frame frame;
      int parens = 0;   ///< Bare inside $(...): open ( not yet closed.
   };

   /// Throws ShellSpliceError when no value can be spliced where the text stands.
   void refuse_here() const;
   void scan(char c);
   void scan_bare(char c);
   /// After a `$`: `(` opens a command, `{` a parameter. True when it did.
   bool opens_after_dollar(char c);
   void scan_double(char c);
   void end_word();
   Frame top() const { return stack_.back().frame; }

   std::string command_;
   std::string as_written_;
   std::vector<Level> stack_;
   bool escaped_ = false;        ///< The last character was an unconsumed backslash.
   bool after_dollar_ = false;   ///< The last character was an unquoted-by-backslash $.
   bool word_start_ = true;      ///< Bare: the next character starts a word.
   std::string word_;            ///< Bare: the word so far (to spot `case`, `<<`).
   bool after_less_ = false;     ///< Bare: the last character was an unquoted <.
   bool heredoc_pending_ = false;   ///< A `<<` was seen: its body starts at the next newline.
   bool uncertain_ = false;      ///< A `case` inside $(...): which `)` ends it is unknown.
};

/// `command` after the shell's quote removal, the way its words read: quotes
/// dropped, backslash escapes resolved (`--connect 'lb-edge-2'` reads
/// `--connect lb-edge-2`, `"a\"b"` reads `a"b`). What a scenario's `sh`
/// pattern is matched against besides the command itself, so it can be
/// written against the values spliced in rather than their quoting.
std::string shell_unquoted(std::string_view command);

}  // namespace runbook
