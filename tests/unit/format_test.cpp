// runbook fmt (syntax/format.hpp): the layout, and its promises: idempotent,
// comments, blank lines and strings kept, the same tree and the same plan.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../../fuzz/fuzz_inputs.hpp"
#include "plan/plan.hpp"
#include "plan/render.hpp"
#include "syntax/format.hpp"
#include "syntax/parser.hpp"

using runbook::format_source;

namespace {

std::string read_text(const std::filesystem::path& path)
{
   std::ifstream in(path, std::ios::binary);
   std::ostringstream text;
   text << in.rdbuf();
   return text.str();
}

std::vector<std::filesystem::path> shipped_runbooks()
{
   std::vector<std::filesystem::path> files;
   for (const char* dir : {"runbooks", "stdlib"})
      for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(RUNBOOK_SOURCE_DIR) / dir))
         if (entry.path().extension() == ".rb") files.push_back(entry.path());
   std::sort(files.begin(), files.end());
   return files;
}

/// The text plan of `text` (as runbooks/NAME, with the real stdlib), and its diagnostics.
std::string plan_of(const std::string& name, const std::string& text)
{
   runbook::InMemorySources sources;
   sources.files = runbook::fuzz::stdlib_files();
   sources.files["runbooks/" + name] = text;
   runbook::LoadOptions options;
   options.search_path = {"stdlib"};
   runbook::Diagnostics diags;
   runbook::Program program = runbook::load_program("runbooks/" + name, sources, options, diags);
   if (program.root && !diags.has_errors()) runbook::check_program(program, diags, runbook::CheckOptions{});
   std::string out = runbook::render_text(diags, false);
   if (program.root && !diags.has_errors()) out += runbook::plan::render_json(runbook::plan::build_plan(program, {}));
   return out;
}

/// `text` with its layout undone: no indentation, blanks doubled between
/// tokens (outside strings and comments), trailing blanks. Line numbers stay.
std::string messy(const std::string& text)
{
   std::string out;
   bool line_start = true, in_string = false, in_comment = false;
   char quote = 0;
   for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\n') {
         out += "  \n";
         line_start = true;
         in_comment = false;
         in_string = false;
         continue;
      }
      if (line_start && c == ' ') continue;
      line_start = false;
      if (!in_string && !in_comment) {
         if (c == '#') in_comment = true;
         else if (c == '"' || c == '\'') { in_string = true; quote = c; }
         else if (c == ' ') { out += "  "; continue; }
      } else if (in_string) {
         // (Interpolations with nested strings are rare enough in the shipped
         // runbooks that ending at the matching quote is close enough: the
         // test compares trees, so a mistake here would only show up as a
         // string whose blanks were doubled, and fail loudly.)
         if (c == '\\') { out += c; out += text[++i]; continue; }
         if (c == quote) in_string = false;
      }
      out += c;
   }
   return out;
}

}  // namespace

TEST_CASE("fmt: indentation follows the brackets, 2 spaces", "[syntax][fmt]")
{
   CHECK(format_source("phase \"P\" {\nsh \"a\"\n      if x {\nlog \"y\"\n   }\n}\n") ==
         "phase \"P\" {\n  sh \"a\"\n  if x {\n    log \"y\"\n  }\n}\n");
   // `} else {` closes and opens: back to the `if`, then in again.
   CHECK(format_source("phase \"P\" {\n if a {\n log 1\n    } else {\n log 2\n}\n}\n") ==
         "phase \"P\" {\n  if a {\n    log 1\n  } else {\n    log 2\n  }\n}\n");
   // A list over several lines, closed on its own line.
   CHECK(format_source("param xs: list = [\n      \"a\",\n      \"b\",\n      ]\n") == "param xs: list = [\n  \"a\",\n  \"b\",\n]\n");
   // The parser says which lines start a step: a step written too deep is
   // put back, a clause on the next line keeps its extra depth.
   CHECK(format_source("phase \"P\" {\n  sh \"a\"\n       sh \"b\"\n         timeout 5m\n}\n") ==
         "phase \"P\" {\n  sh \"a\"\n  sh \"b\"\n    timeout 5m\n}\n");
}

TEST_CASE("fmt: continuation lines keep their extra depth, arguments line up under the bracket", "[syntax][fmt]")
{
   const std::string text = "phase \"P\" {\n  sh \"a\"\n     idempotent timeout 1m\n  notify.slack(a,\n    b)\n}\n";
   CHECK(format_source(text) == "phase \"P\" {\n  sh \"a\"\n     idempotent timeout 1m\n  notify.slack(a,\n              b)\n}\n");
   // A clause block on a continuation line nests under that line.
   CHECK(format_source("phase \"P\" {\n  sh \"a\"\n    undo {\n  sh \"b\"\n  }\n}\n") ==
         "phase \"P\" {\n  sh \"a\"\n    undo {\n      sh \"b\"\n    }\n}\n");
   // A top-level declaration's body does not, however its header is split.
   CHECK(format_source("rollback r within 5m\n    -> notify \"late\" {\n  log 1\n}\n") ==
         "rollback r within 5m\n    -> notify \"late\" {\n  log 1\n}\n");
}

TEST_CASE("fmt: spacing between tokens", "[syntax][fmt]")
{
   CHECK(format_source("param   x  =  f( 1 ,2 )  \n") == "param x = f(1, 2)\n");
   CHECK(format_source("param m = {\"a\" :  [ 1,2 ]}\n") == "param m = {\"a\" : [1, 2]}\n");
   // Written together stays together: `f (x)` and `f(x)` differ to the grammar.
   CHECK(format_source("let y = a.b(c)[0] -1\n") == "let y = a.b(c)[0] -1\n");
   CHECK(format_source("phase \"P\" {\n  on fail {  log 1  }\n}\n") == "phase \"P\" {\n  on fail { log 1 }\n}\n");
}

TEST_CASE("fmt: comments and blank lines are kept", "[syntax][fmt]")
{
   // Aligned trailing comments stay in their column; a comment the code
   // runs into moves to one space after it.
   CHECK(format_source("param a = 1      # one\nparam bb = 22    # two\n") == "param a = 1      # one\nparam bb = 22    # two\n");
   CHECK(format_source("phase \"P\" {\nsh \"a\"# x  \n}\n") == "phase \"P\" {\n  sh \"a\" # x\n}\n");
   // Runs of blank lines become one; none at either end of the file.
   CHECK(format_source("\n\n# head\n\n\n\nparam a = 1\n\n\n") == "# head\n\nparam a = 1\n");
   // A comment's text is its own, indentation aside.
   CHECK(format_source("phase \"P\" {\n        #   keep   this\n}\n") == "phase \"P\" {\n  #   keep   this\n}\n");
   CHECK(format_source("param a = 1\r\nparam b = 2\r\n") == "param a = 1\nparam b = 2\n");
   CHECK(format_source("") == "");
   CHECK(format_source("\n\n") == "");
}

TEST_CASE("fmt: string literals are never touched", "[syntax][fmt]")
{
   const std::string strings[] = {
      R"("a  b   # not a comment  ")",
      R"('raw  ${x}  "q"  ')",
      R"("esc \"  (  \\ ")",
      R"("${ f( 1 ,2 ) }  ${ "in  ner" + ' x ' }  {  ")",
      R"("unterminated  ,  )",
   };
   for (const std::string& s : strings) {
      INFO(s);
      const std::string formatted = format_source("param   x = " + s + "\n");
      CHECK(formatted == "param x = " + s + "\n");
   }
   // An interpolation may run over a newline: the string keeps it all.
   CHECK(format_source("log \"${a +\n    b}\"\n") == "log \"${a +\n    b}\"\n");
}

TEST_CASE("fmt: idempotent and tree-preserving on odd inputs", "[syntax][fmt]")
{
   const std::string inputs[] = {
      "}}} ]) phase \"P\" {\n((\n[\n",
      "phase \"P\" {\n  log \"${",
      "log \"${\n\n\n",
      "a#b\n  c  #d\n",
      "param x = [1,\n  2,\n       3]   # c\n",
      "\t\tparam\tx = 1\t\n",
      "phase \"P\" { sh \"a\"\n   sh \"b\" }\n",
   };
   for (const std::string& text : inputs) {
      INFO(text);
      CHECK(runbook::fuzz::format_roundtrip(text).empty());
   }
}

TEST_CASE("fmt: the shipped runbooks are formatted, and a messed-up copy formats to the same plan", "[syntax][fmt]")
{
   for (const auto& path : shipped_runbooks()) {
      const std::string text = read_text(path);
      INFO(path.string());
      CHECK(format_source(text) == text);
      const std::string mess = messy(text);
      REQUIRE(mess != text);
      const std::string formatted = format_source(mess);
      CHECK(format_source(formatted) == formatted);
      CHECK(runbook::fuzz::format_roundtrip(mess).empty());
      const runbook::SourceFile original{path.string(), text};
      CHECK(runbook::dump_syntax_tree(runbook::SourceFile{path.string(), formatted}) ==
            runbook::dump_syntax_tree(original));
      CHECK(runbook::dump_syntax_tree(original).find("(syntax error)") == std::string::npos);
      // Lines did not move (the mess has no blank-line runs): the plan is
      // the same, step ids and line numbers included.
      const std::string name = path.filename().string();
      CHECK(plan_of(name, formatted) == plan_of(name, text));
   }
}
