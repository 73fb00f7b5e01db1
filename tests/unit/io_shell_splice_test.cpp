// Values spliced into a `sh` command by quoting context (io/shell_splice.hpp):
// in a bare word, inside "..." and inside '...' the shell receives exactly the
// value's characters and nothing runs that the author did not write. Every
// case here runs the real /bin/sh and compares the bytes that arrive.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/shell.hpp"
#include "io/shell_splice.hpp"

using runbook::run_shell;
using runbook::ShellCommand;
using runbook::ShellOptions;
using runbook::ShellSpliceError;

namespace {

/// A fresh directory the commands run in, so a successful injection leaves a file behind.
struct Sandbox {
   std::filesystem::path dir;
   Sandbox()
   {
      char pattern[] = "/tmp/runbook-splice-XXXXXX";
      dir = ::mkdtemp(pattern);
   }
   ~Sandbox() { std::filesystem::remove_all(dir); }
   std::string path(const std::string& name) const { return (dir / name).string(); }
   std::string read(const std::string& name) const
   {
      std::ifstream in(path(name), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      return text.str();
   }
   std::vector<std::string> files() const
   {
      std::vector<std::string> names;
      for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
      return names;
   }
};

/// Builds `parts` (text, value, text, value, ..., text) and runs it in `box`.
std::string build(const std::vector<std::string>& parts)
{
   ShellCommand command;
   for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i % 2 == 0)
         command.append_text(parts[i]);
      else
         command.append_value(parts[i]);
   }
   return command.command();
}

int run_in(const Sandbox& box, const std::string& command)
{
   ShellOptions options;
   options.timeout_ms = 10000;
   return run_shell("cd '" + box.dir.string() + "' && " + command, options).exit_code;
}

const std::vector<std::string>& hostile_values()
{
   static const std::vector<std::string> values = {
      "plain",
      "",
      "x\"; touch INJECTED; echo \"",
      "x'; touch INJECTED; echo '",
      "$(touch INJECTED)",
      "`touch INJECTED`",
      "\"$(touch INJECTED)\"",
      "'$(touch INJECTED)'",
      "\\\"; touch INJECTED; echo \\\"",
      "\\",
      "\\\\",
      "ends with a backslash\\",
      "a\ntouch INJECTED\n",
      "line\n",
      "$HOME ${HOME} $((1+1)) $1 $@ $$ $",
      "!! !$ !-1 history!",
      "* ? [a-z] ~ ~root {a,b}",
      "; | & && || > < >> << ( ) { }",
      "'\\''",
      "\"\\\"\"",
      "-n",
      "%s %d %%",
      "tab\there",
      "\xff\xfe not utf-8",
      "#not a comment",
      "create publication upgrade_pub for all tables",
   };
   return values;
}

}  // namespace

TEST_CASE("shell splice: a bare word, \"...\" and '...' each receive exactly the value", "[io][shell][hostile]")
{
   // Each context writes what it received into its own file.
   struct Context { const char* name; std::string before; std::string after; std::string prefix; std::string suffix; };
   const std::vector<Context> contexts = {
      {"bare word", "printf '%s' ", " > out", "", ""},
      {"bare word, glued to text", "printf '%s' pre", "post > out", "pre", "post"},
      {"inside \"...\"", "printf '%s' \"", "\" > out", "", ""},
      {"inside \"...\" with text around", "printf '%s' \"v=", "!\" > out", "v=", "!"},
      {"inside '...'", "printf '%s' '", "' > out", "", ""},
      {"inside '...' with text around", "printf '%s' 'v=", " $x' > out", "v=", " $x"},
      {"after an assignment", "v=", "; printf '%s' \"$v\" > out", "", ""},
      {"inside \"$(...)\"", "x=\"$(printf '%s.' ", ")\"; printf '%s' \"${x%.}\" > out", "", ""},
      {"inside $(\"...\") inside \"...\"", "x=\"$(printf '%s.' \"", "\")\"; printf '%s' \"${x%.}\" > out", "", ""},
      {"after a closed quote", "printf '%s' \"a\"'b'", " > out", "ab", ""},
   };
   for (const auto& context : contexts) {
      for (const std::string& value : hostile_values()) {
         INFO("context: " << context.name << "\nvalue: " << value);
         Sandbox box;
         const std::string command = build({context.before, value, context.after});
         INFO("command: " << command);
         CHECK(run_in(box, command) == 0);
         CHECK(box.read("out") == context.prefix + value + context.suffix);
         CHECK(box.files() == std::vector<std::string>{"out"});   // Nothing else ran.
      }
   }
}

TEST_CASE("shell splice: several values in several contexts of one command", "[io][shell][hostile]")
{
   for (const std::string& value : hostile_values()) {
      INFO("value: " << value);
      Sandbox box;
      const std::string command =
          build({"printf '%s|' ", value, " \"", value, "\" '", value, "' \"$(printf '%s' ", value, ")\" > out"});
      CHECK(run_in(box, command) == 0);
      std::string substituted = value;   // $(...) drops trailing newlines, as it always does.
      while (!substituted.empty() && substituted.back() == '\n') substituted.pop_back();
      CHECK(box.read("out") == value + "|" + value + "|" + value + "|" + substituted + "|");
      CHECK(box.files() == std::vector<std::string>{"out"});
   }
}

TEST_CASE("shell splice: the double-quoted SQL of the issue arrives as written", "[io][shell]")
{
   ShellCommand command;
   command.append_text("psql -c \"create publication ");
   command.append_value("upgrade_pub");
   command.append_text(" for all tables\"");
   CHECK(command.command() == "psql -c \"create publication upgrade_pub for all tables\"");
   CHECK(command.as_written() == "psql -c \"create publication upgrade_pub for all tables\"");

   // A plain word needs no quotes; a reserved word, `=`, `~` or nothing at all do.
   for (const char* plain : {"v1.2.3-rc1", "mailsender-api", "10m", "a_b@c%d+e:f,g/h"}) {
      ShellCommand command;
      command.append_text("deploy ");
      command.append_value(plain);
      CHECK(command.command() == std::string("deploy ") + plain);
   }
   for (const char* special : {"if", "A=1", "~root", "", "a b", "*"}) {
      ShellCommand command;
      command.append_value(special);
      CHECK(command.command().front() == '\'');
   }

   ShellCommand quoted;
   quoted.append_text("echo \"v=");
   quoted.append_value("a\"b$c`d\\e");
   quoted.append_text("\" '");
   quoted.append_value("it's");
   quoted.append_text("' ");
   quoted.append_value("x y");
   CHECK(quoted.command() == "echo \"v=a\\\"b\\$c\\`d\\\\e\" 'it'\\''s' 'x y'");
   CHECK(quoted.as_written() == "echo \"v=a\"b$c`d\\e\" 'it's' x y");
}

TEST_CASE("shell splice: contexts that cannot be quoted exactly are refused, whatever the value", "[io][shell][hostile]")
{
   const std::vector<std::pair<std::string, std::string>> refused = {
      {"echo `echo ", "backquotes"},
      {"echo \"`echo ", "backquotes"},
      {"echo ok # note ", "comment"},
      {"cat <<EOF\n", "here-document"},
      {"cat <<'EOF'\nline\n", "here-document"},
      {"echo \\", "backslash"},
      {"echo \"\\", "backslash"},
      {"echo $", "`$`"},
      {"echo \"$", "`$`"},
      {"echo ${HOME:-", "${...}"},
      {"echo $'", "$'...'"},
      {"x=$(case a in a) echo ", "case"},
   };
   for (const auto& [text, why] : refused) {
      INFO("text: " << text);
      ShellCommand command;
      command.append_text(text);
      CHECK_THROWS_WITH(command.append_value("harmless"), Catch::Matchers::Contains(why));
      CHECK_THROWS_AS(command.append_placeholder("${x}"), ShellSpliceError);
   }
   // A comment ends at the newline; a here-document's opening line is still a command.
   ShellCommand after_comment;
   after_comment.append_text("true # note\necho ");
   CHECK_NOTHROW(after_comment.append_value("x"));
   ShellCommand heredoc_line;
   heredoc_line.append_text("cat <<EOF > ");
   CHECK_NOTHROW(heredoc_line.append_value("file"));
   // `#` inside a word is no comment; `$(...)` closed, the outer context is back.
   ShellCommand mid_word;
   mid_word.append_text("echo a#");
   CHECK_NOTHROW(mid_word.append_value("x"));
   ShellCommand closed;
   closed.append_text("echo \"$(date) ");
   closed.append_value("a\"b");
   CHECK(closed.command() == "echo \"$(date) a\\\"b");
}

TEST_CASE("shell splice: a NUL byte is refused, and no command can carry it", "[io][shell][hostile]")
{
   for (const char* before : {"echo ", "echo \"", "echo '"}) {
      ShellCommand command;
      command.append_text(before);
      CHECK_THROWS_WITH(command.append_value(std::string("a\0b", 3)), Catch::Matchers::Contains("NUL"));
   }
}
