// The built-in functions at run time (exec/builtin_calls.cpp): range(),
// timestamp(), since(), and that every entry of the checker's table has an
// implementation.
#include "exec_test_support.hpp"

#include "check/builtins.hpp"
#include "exec/builtin_calls.hpp"
#include "exec/exit_codes.hpp"

using namespace runbook;
using ast::Unit;
using Catch::Matchers::Contains;

namespace {

constexpr double a_minute_past_epoch_ms = 60'000;

Value call(const std::string& name, std::vector<Value> args, double now_ms = a_minute_past_epoch_ms)
{
   std::optional<Value> result = call_builtin(name, args, now_ms);
   REQUIRE(result.has_value());
   return *result;
}

}  // namespace

TEST_CASE("range() lists the whole numbers from a to b, both included", "[exec][builtins]")
{
   CHECK(call("range", {Value(1), Value(5)}).display() == "[1, 2, 3, 4, 5]");
   CHECK(call("range", {Value(3), Value(3)}).display() == "[3]");
   CHECK(call("range", {Value(-2), Value(1)}).display() == "[-2, -1, 0, 1]");
   CHECK(call("range", {Value(5), Value(1)}).as_list().empty());   // b < a: nothing to count
   CHECK(call("range", {Value(1), Value(10000)}).as_list().size() == 10000);
}

TEST_CASE("range() refuses fractions, quantities and more than 10000 items", "[exec][builtins]")
{
   CHECK_THROWS_WITH(call("range", {Value(1), Value(2.5)}), Contains("whole numbers") && Contains("2.5"));
   CHECK_THROWS_WITH(call("range", {Value(1000.0, Unit::Duration), Value(5000.0, Unit::Duration)}),
                     Contains("plain whole numbers") && Contains("a duration"));
   CHECK_THROWS_WITH(call("range", {Value(1), Value(10001)}),
                     Contains("range(1, 10001) would have 10001 items; at most 10000 are allowed"));
   CHECK_FALSE(range_problem(1, 10000).has_value());
   CHECK(range_problem(0, 1e9).value_or("") == "range(0, 1000000000) would have 1000000001 items; at most 10000 are allowed");
}

TEST_CASE("timestamp() is ISO 8601 UTC, whole seconds", "[exec][builtins]")
{
   CHECK(call("timestamp", {Value(0)}).as_string() == "1970-01-01T00:00:00Z");
   CHECK(call("timestamp", {Value(1795705445.75)}).as_string() == "2026-11-26T15:04:05Z");
   CHECK(call("timestamp", {Value(-0.5)}).as_string() == "1969-12-31T23:59:59Z");   // rounded down, not to zero
   CHECK(iso8601_utc(1767225600) == "2026-01-01T00:00:00Z");
   CHECK_THROWS_WITH(call("timestamp", {Value(300000.0, Unit::Duration)}),
                     Contains("seconds since the epoch") && Contains("5m"));
   CHECK_THROWS_WITH(call("timestamp", {Value(1e20)}), Contains("not a time between the years 0 and 9999"));
   CHECK_THROWS_WITH(call("timestamp", {Value("2026-11-26")}), Contains("a number"));
}

TEST_CASE("since() is a duration on the run's clock", "[exec][builtins]")
{
   const Value took = call("since", {Value(1795705445)}, 1795705445 * 1000.0 + 200'000);
   CHECK(took.as_number().unit == Unit::Duration);
   CHECK(took.display() == "3m20s");
   // Whole seconds, toward zero: for people, as timestamp() is.
   CHECK(call("since", {Value(1795705445)}, 1795705445 * 1000.0 + 200'999.5).display() == "3m20s");
   CHECK(call("since", {Value(1795705445.5)}, 1795705445 * 1000.0).display() == "0s");
   // now() and since() read one clock: since(now()) is zero.
   const double clock_ms = 1795705445123;
   CHECK(call("since", {call("now", {}, clock_ms)}, clock_ms).as_double() == Approx(0).margin(1e-3));
   CHECK_THROWS_WITH(call("since", {Value(60000.0, Unit::Duration)}), Contains("seconds since the epoch"));
}

TEST_CASE("every builtin of the checker's table is implemented", "[exec][builtins]")
{
   for (const Builtin& builtin : builtins()) {
      INFO(builtin.name);
      std::vector<Value> args(builtin.min_args, Value(1));
      bool implemented = true;
      try {
         implemented = call_builtin(std::string(builtin.name), args, a_minute_past_epoch_ms).has_value();
      } catch (const ValueError&) {
         // Refused its argument: implemented all the same.
      }
      CHECK(implemented);
   }
   CHECK_FALSE(call_builtin("no_such_builtin", {}, 0).has_value());
}

TEST_CASE("a range too long to be known before the run fails its step at run time", "[exec][builtins]")
{
   testing::Harness h(R"(runbook "t"
phase "Probe" on fail stop {
  http get "http://svc.test/count" as r
  for i in range(1, r.json.count) {
    sh "probe ${i}"
  }
}
)");
   h.world.on_http = [](const HttpRequest&) {
      HttpResponse res;
      res.ok = true;
      res.status = 200;
      res.body = R"({"count": 20000})";
      return res;
   };
   const RunOutcome out = h.run();
   INFO(h.observer.all_text());
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(h.world.shell_calls.empty());
   CHECK(h.observer.all_text().find("range(1, 20000) would have 20000 items; at most 10000 are allowed") !=
         std::string::npos);
}
