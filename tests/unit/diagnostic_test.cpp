// Rendering of diagnostics: the text an operator reads and the JSON editors read.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "syntax/diagnostic.hpp"

using namespace runbook;

namespace {

Location at(const SourceFile& file, std::size_t line, std::size_t column, std::size_t offset = 0)
{
   return Location{&file, line, column, offset};
}

}  // namespace

TEST_CASE("text: location, message, source line, caret, notes", "[syntax]")
{
   const SourceFile file{"runbooks/rollout.rb", "phase \"A\" {\n  watch 30m every soon {\n"};
   Diagnostic d{Severity::Error, at(file, 2, 19), "expected a duration such as 30s or 5m after 'every'", "syntax",
                {"durations are written 30s, 5m, 1h"}};
   CHECK(render_text(d) ==
         "runbooks/rollout.rb:2:19: error: expected a duration such as 30s or 5m after 'every'\n"
         "  watch 30m every soon {\n"
         "                  ^\n"
         "  note: durations are written 30s, 5m, 1h\n");
   d.severity = Severity::Warning;
   d.notes.clear();
   CHECK(render_text(d).rfind("runbooks/rollout.rb:2:19: warning: expected", 0) == 0);
}

TEST_CASE("text: tabs are expanded so the caret lines up", "[syntax]")
{
   const SourceFile file{"t.rb", "\tlog\t\"x\" oops\n"};
   const Diagnostic d{Severity::Error, at(file, 1, 10), "expected a new line or ';' after the step", "syntax", {}};
   CHECK(render_text(d) ==
         "t.rb:1:10: error: expected a new line or ';' after the step\n"
         "    log \"x\" oops\n"
         "            ^\n");
}

TEST_CASE("text: the caret stands under its character after accents and wide characters", "[syntax]")
{
   // é: one column in two bytes; 😀: two columns in four bytes.
   const SourceFile wide{"t.rb", "  log \"\xc3\xa9\xf0\x9f\x98\x80 ${oops}\"\n"};
   CHECK(render_text(Diagnostic{Severity::Error, at(wide, 1, 17), "undefined name 'oops'", "undefined-name", {}}) ==
         "t.rb:1:17: error: undefined name 'oops'\n"
         "  log \"\xc3\xa9\xf0\x9f\x98\x80 ${oops}\"\n"
         "             ^\n");
   // e and a combining acute accent: one column.
   const SourceFile combining{"t.rb", "  log \"e\xcc\x81 ${oops}\"\n"};
   CHECK(render_text(Diagnostic{Severity::Error, at(combining, 1, 14), "undefined name 'oops'", "undefined-name", {}}) ==
         "t.rb:1:14: error: undefined name 'oops'\n"
         "  log \"e\xcc\x81 ${oops}\"\n"
         "           ^\n");
}

TEST_CASE("text: a long line is cut around the caret", "[syntax]")
{
   const std::string line = std::string(200, 'a') + "X" + std::string(200, 'b');
   const SourceFile file{"long.rb", line + "\n"};
   const Diagnostic d{Severity::Error, at(file, 1, 201), "here", "syntax", {}};
   const std::string expected_line = "..." + std::string(60, 'a') + "X" + std::string(53, 'b') + "...";
   CHECK(render_text(d) == "long.rb:1:201: error: here\n" + expected_line + "\n" + std::string(63, ' ') + "^\n");

   // Near the start only the end is cut.
   const Diagnostic start{Severity::Error, at(file, 1, 3), "start", "syntax", {}};
   CHECK(render_text(start) == "long.rb:1:3: error: start\n" + std::string(200, 'a').substr(0, 114) + "...\n  ^\n");
}

TEST_CASE("text: a diagnostic without a position, and color", "[syntax]")
{
   const Diagnostic d{Severity::Error, Location{}, "cannot read 'x.rb': no such file", "file-not-found", {}};
   CHECK(render_text(d) == "runbook: error: cannot read 'x.rb': no such file\n");
   const SourceFile file{"c.rb", "wait\n"};
   const Diagnostic colored{Severity::Error, at(file, 1, 5), "expected a duration", "syntax", {"a note"}};
   CHECK(render_text(colored, true) ==
         "\x1b[1mc.rb:1:5:\x1b[0m \x1b[1;31merror:\x1b[0m expected a duration\n"
         "wait\n"
         "    \x1b[1;32m^\x1b[0m\n"
         "  \x1b[1;36mnote:\x1b[0m a note\n");
}

TEST_CASE("Diagnostics count, sort by position and append", "[syntax]")
{
   const SourceFile a{"a.rb", "x\ny\n"};
   const SourceFile b{"b.rb", "z\n"};
   Diagnostics ds;
   ds.warning(at(b, 1, 1), "w", "third");
   ds.error(at(a, 2, 1), "e", "second");
   ds.error(at(a, 1, 1), "e", "first");
   CHECK(ds.has_errors());
   CHECK(ds.error_count() == 2);
   CHECK(ds.warning_count() == 1);
   ds.sort();
   CHECK(ds.all()[0].message == "first");
   CHECK(ds.all()[1].message == "second");
   CHECK(ds.all()[2].message == "third");
   Diagnostics more;
   more.append(ds);
   CHECK(more.all().size() == 3);
   CHECK_FALSE(Diagnostics().has_errors());
}

TEST_CASE("JSON diagnostics in the spirit of terraform validate -json", "[syntax]")
{
   const SourceFile file{"r.rb", "wait\n"};
   Diagnostics ds;
   ds.error(at(file, 1, 5, 4), "syntax", "expected a duration", {"like 30s"});
   ds.warning(at(file, 1, 1, 0), "unreachable", "never runs");
   const auto doc = nlohmann::json::parse(render_json(ds));
   CHECK(doc["format_version"] == "1.0");
   CHECK(doc["valid"] == false);
   CHECK(doc["error_count"] == 1);
   CHECK(doc["warning_count"] == 1);
   REQUIRE(doc["diagnostics"].size() == 2);
   const auto& first = doc["diagnostics"][0];
   CHECK(first["severity"] == "error");
   CHECK(first["code"] == "syntax");
   CHECK(first["message"] == "expected a duration");
   CHECK(first["notes"] == nlohmann::json::array({"like 30s"}));
   CHECK(first["range"]["filename"] == "r.rb");
   CHECK(first["range"]["start"] == nlohmann::json({{"line", 1}, {"column", 5}, {"byte", 4}}));
   CHECK(doc["diagnostics"][1]["severity"] == "warning");

   const auto empty = nlohmann::json::parse(render_json(Diagnostics()));
   CHECK(empty["valid"] == true);
   CHECK(empty["diagnostics"].empty());
}
