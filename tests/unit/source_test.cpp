#include <catch2/catch.hpp>

#include "syntax/source.hpp"

using runbook::SourceFile;

TEST_CASE("line_text returns one line without its newline", "[syntax]")
{
   const SourceFile file{"x.rb", "first\nsecond\r\nthird"};
   CHECK(file.line_text(1) == "first");
   CHECK(file.line_text(2) == "second");
   CHECK(file.line_text(3) == "third");
   CHECK(file.line_text(4).empty());
}
