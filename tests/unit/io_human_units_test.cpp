// The three duration spellings (io/human_units.hpp): each keeps its promise
// where the other two would not, so a call site that picks the wrong one
// shows here as a different string.
#include <limits>

#include <catch2/catch.hpp>

#include "io/human_units.hpp"

using runbook::format_duration;
using runbook::format_duration_ms;
using runbook::format_elapsed;
using runbook::format_number;

TEST_CASE("format_number keeps every digit and drops a trailing .0", "[io][human_units]")
{
   CHECK(format_number(5) == "5");
   CHECK(format_number(0.25) == "0.25");
   CHECK(format_number(-3) == "-3");
   CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
}

TEST_CASE("format_duration is exact: a plan shows the value the runbook holds", "[io][human_units]")
{
   CHECK(format_duration(0) == "0s");
   CHECK(format_duration(90000) == "1m30s");
   CHECK(format_duration(500) == "500ms");
   CHECK(format_duration(1500) == "1500ms");   // Not "1.5s" nor "2s": it parses back to 1500ms.
   CHECK(format_duration(90 * 60 * 1000.0) == "1h30m");
   CHECK(format_duration(86400000.0 + 1000) == "1d1s");
   CHECK(format_duration(-60000) == "-1m");
}

TEST_CASE("format_elapsed rounds a measured span to the second", "[io][human_units]")
{
   CHECK(format_elapsed(0) == "0s");
   CHECK(format_elapsed(259600) == "4m20s");   // 4m19.6s measured.
   CHECK(format_elapsed(1499) == "1s");
   CHECK(format_elapsed(1500) == "2s");
   CHECK(format_elapsed(750) == "750ms");      // Under a second it says so rather than "1s".
   CHECK(format_elapsed(0.4) == "0s");
   CHECK(format_elapsed(999.6) == "1s");
   CHECK(format_elapsed(90 * 60 * 1000.0) == "1h30m");
   CHECK(format_elapsed(-2000) == "-2s");
}

TEST_CASE("format_duration_ms keeps decimals of a second, Go-style", "[io][human_units]")
{
   CHECK(format_duration_ms(250) == "250ms");
   CHECK(format_duration_ms(1500) == "1.5s");
   CHECK(format_duration_ms(1200000) == "20m0s");
   CHECK(format_duration_ms(5400000) == "1h30m0s");
   CHECK(format_duration_ms(std::numeric_limits<double>::infinity()) == "forever");
}
