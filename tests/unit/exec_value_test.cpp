// Runtime values: units, arithmetic, display, JSON; the redactor.
#include <catch2/catch.hpp>

#include "check/quantity.hpp"
#include "exec/redact.hpp"
#include "exec/step_kind.hpp"
#include "exec/value.hpp"

using namespace runbook;
using ast::Unit;

TEST_CASE("values display as the language writes them", "[exec][value]")
{
   CHECK(Value(300000.0, Unit::Duration).display() == "5m");
   CHECK(Value(0.1, Unit::Percent).display() == "0.1%");
   CHECK(Value(25.0).display() == "25");
   CHECK(Value(true).display() == "true");
   CHECK(Value(ValueList{Value(1), Value("a")}).display() == "[1, \"a\"]");
}

TEST_CASE("numbers for people are rounded, splices keep the exact value (issue 13)", "[exec][value]")
{
   CHECK(format_number_for_people(3.237184907301121) == "3.24");
   CHECK(format_number_for_people(56.199999999999996) == "56.2");
   CHECK(format_number_for_people(2.999) == "3");
   CHECK(format_number_for_people(-1.005001) == "-1.01");
   CHECK(format_number_for_people(25) == "25");
   CHECK(format_number_for_people(0.25) == "0.25");
   CHECK(format_number_for_people(0.0042317) == "0.0042");   // Small, not zero: two significant digits.
   CHECK(format_number_for_people(-0.0001) == "-0.0001");

   const Value pct(3.237184907301121, Unit::Percent);
   CHECK(pct.display_for_people() == "3.24%");
   CHECK(pct.display() == "3.237184907301121%");   // What a command or a request body gets.
   CHECK(Value(ValueMap{{"p", pct}}).display_for_people() == "{\"p\": 3.24%}");
   CHECK(Value(ValueList{pct, Value("a")}).display() == "[3.237184907301121%, \"a\"]");
   CHECK(Value(90000.0, Unit::Duration).display_for_people() == "1m30s");

   CHECK(respell_for_people("3.237184907301121%") == "3.24%");
   CHECK(respell_for_people("0.020000000000000004%") == "0.02%");
   CHECK(respell_for_people("250ms") == "250ms");
   CHECK(respell_for_people("1.25") == "1.25");
   CHECK(respell_for_people("1e-07") == "1e-07");
   CHECK(respell_for_people("healthy") == "healthy");
}

TEST_CASE("a plan shows a typed value exactly and a computed one to six digits, marked (issue 13)", "[exec][value]")
{
   CHECK(format_quantity_for_review(0.1234567, Unit::Percent) == "0.1234567%");   // as typed
   CHECK(format_quantity_for_review(300000, Unit::Duration) == "5m");
   CHECK(format_quantity_for_review(25, Unit::None) == "25");
   CHECK(format_quantity_for_review(1.0 / 3, Unit::None) == "≈0.333333");
   CHECK(format_quantity_for_review(0.1 + 0.2, Unit::Percent) == "≈0.3%");
   CHECK(format_quantity_for_review(60000.0 / 7, Unit::Duration) == "≈8571.43ms");
   CHECK(format_quantity(1.0 / 3, Unit::None) == "0.3333333333333333");   // what a splice gets
}

TEST_CASE("arithmetic and comparison check units", "[exec][value]")
{
   const Value soak(90000.0, Unit::Duration);
   CHECK(apply_binary("*", soak, Value(2)).display() == "3m");
   CHECK(apply_binary(">", Value(2.0, Unit::Percent), Value(1.0, Unit::Percent)).as_bool());
   CHECK(apply_binary("<", Value(70), Value(80.0, Unit::Percent)).as_bool());   // Plain numbers mix.
   CHECK(apply_binary("+", Value("a"), Value("b")).as_string() == "ab");
   // Two quantities of one unit: a ratio, as a percent (issue 13).
   CHECK(apply_binary("/", Value(600000.0, Unit::Duration), Value(30000.0, Unit::Duration)).display() == "2000%");
   CHECK(apply_binary("<", apply_binary("/", Value(0.2, Unit::Percent), Value(4.0, Unit::Percent)), Value(5.0, Unit::Percent))
             .as_bool() == false);   // 0.2% / 4% is 5%, not below 5%
   CHECK(apply_binary("/", Value(6), Value(3)).as_number().unit == Unit::None);
   CHECK_THROWS_WITH(apply_binary("<", Value(100.0, Unit::Duration), Value(0.1, Unit::Percent)),
                     Catch::Contains("a duration") && Catch::Contains("a percent"));
   CHECK_THROWS_WITH(apply_binary("/", Value(1), Value(0)), Catch::Contains("division by zero"));
   CHECK_THROWS_WITH(apply_binary("-", Value("a"), Value(1)), Catch::Contains("a string"));
}

TEST_CASE("rates convert between their units and show as the language writes them", "[exec][value][rates]")
{
   const double mb = 1024.0 * 1024;
   const Value growth(12 * mb / 60, Unit::ByteRate);   // a sample of a `unit MB/min` metric: 12
   CHECK(growth.display() == "12MB/min");
   CHECK(Value(600 * 1024.0, Unit::ByteRate).display() == "600KB/s");
   CHECK(Value(mb * 1024 / 3600, Unit::ByteRate).display() == "1GB/h");
   CHECK(Value(12.3456 * mb / 60, Unit::ByteRate).display_for_people() == "12.35MB/min");
   CHECK(format_quantity(0, Unit::ByteRate) == "0B/s");
   // 600KB/s is 35.16MB/min: more than 12MB/min, and than 10MB/min.
   CHECK(apply_binary(">", Value(600 * 1024.0, Unit::ByteRate), growth).as_bool());
   CHECK(apply_binary("<", Value(10 * mb / 60, Unit::ByteRate), growth).as_bool());
   CHECK(apply_binary("*", growth, Value(2)).display() == "24MB/min");
   CHECK_THROWS_WITH(apply_binary("<", growth, Value(10 * mb, Unit::Bytes)),
                     Catch::Contains("a size per time") && Catch::Contains("a byte size"));
   const Value restored = Value::from_typed_json(growth.to_typed_json());
   CHECK(restored.as_number().unit == Unit::ByteRate);
   CHECK(restored.display() == "12MB/min");
}

TEST_CASE("typed JSON keeps units across the journal", "[exec][value]")
{
   ValueMap m{{"soak", Value(300000.0, Unit::Duration)}, {"pcts", Value(ValueList{Value(1), Value(5)})}, {"ok", Value(true)}};
   const Value restored = Value::from_typed_json(Value(m).to_typed_json());
   CHECK(values_equal(restored, Value(m)));
   CHECK(restored.as_map().at("soak").as_number().unit == Unit::Duration);
   CHECK(Value(m).to_json()["soak"] == 300000);
}

TEST_CASE("the redactor hides every spelling of a secret, in text and JSON", "[exec][redact]")
{
   Redactor r;
   r.add("p@ss word");
   r.add("");   // Ignored.
   CHECK(r.redact("curl -u admin:p@ss word") == "curl -u admin:***");
   CHECK(r.redact("https://x/?t=p%40ss%20word") == "https://x/?t=***");
   const nlohmann::json doc{{"token", "p@ss word"}, {"nested", {{"list", {"a", "xp@ss wordx"}}}}};
   const std::string out = r.redact_json(doc).dump();
   CHECK(out.find("p@ss") == std::string::npos);
   CHECK(r.contains_secret("...p@ss word..."));
   CHECK_FALSE(r.contains_secret("nothing here"));
}

TEST_CASE("step kinds are journaled as fixed words and read back", "[exec][value]")
{
   // The words are the journal's format: a resumed run reads them back.
   CHECK(to_string(StepKind::Sh) == "sh");
   CHECK(to_string(StepKind::UndoAll) == "undo_all");
   CHECK(to_string(StepKind::Timer) == "timer");
   for (int i = 0; i <= static_cast<int>(StepKind::Timer); ++i) {
      const auto kind = static_cast<StepKind>(i);
      CHECK(step_kind_from_string(to_string(kind)) == kind);
   }
   CHECK_FALSE(step_kind_from_string("decision").has_value());
   CHECK_FALSE(step_kind_from_string("").has_value());
}
