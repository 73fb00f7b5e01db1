// Every construct of docs/language.md parses into the expected AST.
#include <catch2/catch.hpp>

#include "check/signature.hpp"
#include "syntax/parser.hpp"

using namespace runbook;

namespace {

/// Parses `text`, requiring it to be free of errors.
struct Parsed {
   SourceFile source;
   Diagnostics diags;
   std::unique_ptr<ast::File> file;

   explicit Parsed(std::string text) : source{"test.rb", std::move(text)}
   {
      file = parse_file(source, diags);
      INFO(render_text(diags));
      REQUIRE_FALSE(diags.has_errors());
   }
};

/// The steps of a one-phase runbook whose body is `steps`.
struct Steps : Parsed {
   explicit Steps(const std::string& steps) : Parsed("phase \"P\" {\n" + steps + "\n}\n") {}
   const ast::Block& all() const { return file->phases.at(0).body; }
   const ast::Step& at(std::size_t i) const { return *all().at(i); }
   template <typename T>
   const T& as(std::size_t i) const
   {
      REQUIRE(std::holds_alternative<T>(at(i).node));
      return std::get<T>(at(i).node);
   }
};

/// The expression of `let v = TEXT`.
struct Expression : Steps {
   explicit Expression(const std::string& text) : Steps("let v = " + text) {}
   const ast::Expr& expr() const { return *as<ast::LetStep>(0).value; }
};

template <typename T>
const T& node(const ast::Expr& expr)
{
   REQUIRE(std::holds_alternative<T>(expr.node));
   return std::get<T>(expr.node);
}

template <typename T>
const T& node(const ast::ExprPtr& expr)
{
   REQUIRE(expr != nullptr);
   return node<T>(*expr);
}

std::string text_of(const ast::ExprPtr& expr)
{
   const auto& literal = node<ast::StringLit>(expr);
   REQUIRE(literal.parts.size() == 1);
   REQUIRE(literal.parts[0].expr == nullptr);
   return literal.parts[0].text;
}

double number_of(const ast::ExprPtr& expr, ast::Unit unit = ast::Unit::None)
{
   const auto& number = node<ast::NumberLit>(expr);
   CHECK(number.unit == unit);
   return number.value;
}

std::string name_of(const ast::ExprPtr& expr)
{
   return node<ast::NameRef>(expr).name;
}

/// Renders an expression as a fully parenthesised string, to check
/// precedence and associativity.
std::string shape(const ast::Expr& expr)
{
   return std::visit(
      [](const auto& n) -> std::string {
         using T = std::decay_t<decltype(n)>;
         if constexpr (std::is_same_v<T, ast::NumberLit>) return n.spelling;
         else if constexpr (std::is_same_v<T, ast::NameRef>) return n.name;
         else if constexpr (std::is_same_v<T, ast::BoolLit>) return n.value ? "true" : "false";
         else if constexpr (std::is_same_v<T, ast::StringLit>) return "\"" + (n.parts.empty() ? "" : n.parts[0].text) + "\"";
         else if constexpr (std::is_same_v<T, ast::Binary>) return "(" + shape(*n.lhs) + " " + n.op + " " + shape(*n.rhs) + ")";
         else if constexpr (std::is_same_v<T, ast::Unary>) return "(" + n.op + " " + shape(*n.operand) + ")";
         else if constexpr (std::is_same_v<T, ast::Ternary>) return "(" + shape(*n.cond) + " ? " + shape(*n.then_expr) + " : " + shape(*n.else_expr) + ")";
         else if constexpr (std::is_same_v<T, ast::Member>) return shape(*n.object) + "." + n.member;
         else if constexpr (std::is_same_v<T, ast::Index>) return shape(*n.object) + "[" + shape(*n.index) + "]";
         else if constexpr (std::is_same_v<T, ast::Call>) {
            std::string out = shape(*n.callee) + "(";
            for (std::size_t i = 0; i < n.args.size(); ++i) out += (i ? ", " : "") + shape(*n.args[i]);
            return out + ")";
         }
         else return "?";
      },
      expr.node);
}

}  // namespace

// ---------------------------------------------------------------- declarations

TEST_CASE("runbook header gives the title", "[syntax]")
{
   Parsed p("runbook \"Tracking v3.0.0 production rollout\"\n");
   CHECK(p.file->title == "Tracking v3.0.0 production rollout");
   CHECK(p.file->title_loc.line == 1);
   CHECK(p.file->title_loc.column == 1);
}

TEST_CASE("use: stdlib, relative file and alias", "[syntax]")
{
   Parsed p("use \"std/traffic\"            # a stdlib module\n"
            "use \"./shared/checks.rb\"\n"
            "use \"std/notify\" as alert\n");
   REQUIRE(p.file->uses.size() == 3);
   CHECK(p.file->uses[0].path == "std/traffic");
   CHECK(p.file->uses[0].alias.empty());
   CHECK(p.file->uses[1].path == "./shared/checks.rb");
   CHECK(p.file->uses[2].path == "std/notify");
   CHECK(p.file->uses[2].alias == "alert");
   CHECK(p.file->uses[2].loc.line == 3);
}

TEST_CASE("param: typed, untyped, without default", "[syntax]")
{
   Parsed p("param api: string = \"https://api.mailsender.app\"\n"
            "param soak: duration = 30m\n"
            "param steps: list = [1, 5, 10, 25, 50]\n"
            "param version: string              # no default\n"
            "param limit = 512KB\n"
            "param ratio: percent = 0.5%\n");
   const auto& params = p.file->params;
   REQUIRE(params.size() == 6);
   CHECK(params[0].name == "api");
   CHECK(params[0].type == ast::Type::String);
   CHECK(text_of(params[0].default_value) == "https://api.mailsender.app");
   CHECK(params[1].type == ast::Type::Duration);
   CHECK(number_of(params[1].default_value, ast::Unit::Duration) == 30 * 60 * 1000);
   CHECK(params[2].type == ast::Type::List);
   CHECK(node<ast::ListLit>(params[2].default_value).items.size() == 5);
   CHECK(params[3].type == ast::Type::String);
   CHECK(params[3].default_value == nullptr);
   CHECK(params[4].type == ast::Type::Any);
   CHECK(number_of(params[4].default_value, ast::Unit::Bytes) == 512 * 1024);
   CHECK(params[5].type == ast::Type::Percent);
   CHECK(number_of(params[5].default_value, ast::Unit::Percent) == 0.5);
}

TEST_CASE("secret reads an environment variable", "[syntax]")
{
   Parsed p("secret lb_token = env(\"LB_ADMIN_TOKEN\")\n");
   REQUIRE(p.file->secrets.size() == 1);
   CHECK(p.file->secrets[0].name == "lb_token");
   CHECK(p.file->secrets[0].env_var == "LB_ADMIN_TOKEN");
}

TEST_CASE("metric: http, prometheus and sh sources with their clauses", "[syntax]")
{
   Parsed p(
      "metric error_rate = http get \"${monitor}/api/metrics/error-rate\" json \".value\" unit %\n"
      "metric api_p99    = prometheus \"${prom}\" query 'histogram_quantile(0.99, sum by (le) (rate(x[5m])))' unit s\n"
      "metric db_errors  = sh \"psql -tAc 'select count(*) from conn_errors'\" unit count\n"
      "metric cpu        = http get \"${monitor}/api/cpu\" json \".data.cpu[0]\" unit % header \"Authorization\" = "
      "\"Bearer ${token}\" timeout 5s lost after 5 errors\n"
      "metric success    = http get \"u\" json \".ok\" unit ratio\n"
      "metric latency    = http get \"u\" json \".ms\" unit ms\n"
      "metric heap       = sh \"heap\" unit MB\n");
   const auto& metrics = p.file->metrics;
   REQUIRE(metrics.size() == 7);

   CHECK(metrics[0].name == "error_rate");
   CHECK(metrics[0].source().kind == ast::MetricSource::Kind::Http);
   CHECK(metrics[0].source().json_path == ".value");
   CHECK(metrics[0].unit == ast::Unit::Percent);
   CHECK(metrics[0].scale == 1);
   CHECK(metrics[0].unit_spelling == "%");
   const auto& url = node<ast::StringLit>(metrics[0].source().target);
   REQUIRE(url.parts.size() == 2);
   CHECK(name_of(url.parts[0].expr) == "monitor");
   CHECK(url.parts[1].text == "/api/metrics/error-rate");

   CHECK(metrics[1].source().kind == ast::MetricSource::Kind::Prometheus);
   CHECK(text_of(metrics[1].source().query) == "histogram_quantile(0.99, sum by (le) (rate(x[5m])))");
   CHECK(node<ast::StringLit>(metrics[1].source().query).raw);
   CHECK(metrics[1].unit == ast::Unit::Duration);
   CHECK(metrics[1].scale == 1000);

   CHECK(metrics[2].source().kind == ast::MetricSource::Kind::Shell);
   CHECK(text_of(metrics[2].source().target) == "psql -tAc 'select count(*) from conn_errors'");
   CHECK(metrics[2].unit == ast::Unit::None);

   REQUIRE(metrics[3].source().headers.size() == 1);
   CHECK(metrics[3].source().headers[0].first == "Authorization");
   CHECK(metrics[3].timeout_ms == 5000);
   CHECK(metrics[3].lost_after_errors == 5);
   CHECK(metrics[0].lost_after_errors == 3);

   CHECK(metrics[4].unit == ast::Unit::Percent);
   CHECK(metrics[4].scale == 100);
   CHECK(metrics[5].unit == ast::Unit::Duration);
   CHECK(metrics[5].scale == 1);
   CHECK(metrics[6].unit == ast::Unit::Bytes);
   CHECK(metrics[6].scale == 1024 * 1024);
}

TEST_CASE("metric with alternative sources: block clauses, per-source headers and conditions", "[syntax]")
{
   Parsed p("metric error_rate unit % timeout 5s lost after 4 errors {\n"
            "  prometheus \"${prometheus}\" query 'sum(rate(errors[5m]))' header \"X-Org\" = \"a\" if prometheus != \"\"\n"
            "  sh \"errors\" if use_shell\n"
            "  http get \"${monitor}/api/metrics/error-rate\" json \".value\"\n"
            "}\n"
            "metric cpu = sh \"cpu\" unit count\n");
   const auto& metrics = p.file->metrics;
   REQUIRE(metrics.size() == 2);
   const auto& alternatives = metrics[0].alternatives;
   REQUIRE(alternatives.size() == 3);
   CHECK(metrics[0].unit == ast::Unit::Percent);
   CHECK(metrics[0].timeout_ms == 5000);
   CHECK(metrics[0].lost_after_errors == 4);
   CHECK(alternatives[0].source.kind == ast::MetricSource::Kind::Prometheus);
   REQUIRE(alternatives[0].source.headers.size() == 1);
   CHECK(alternatives[0].source.headers[0].first == "X-Org");
   REQUIRE(alternatives[0].condition);
   CHECK(std::holds_alternative<ast::Binary>(alternatives[0].condition->node));
   CHECK(alternatives[1].source.kind == ast::MetricSource::Kind::Shell);
   CHECK(name_of(alternatives[1].condition) == "use_shell");
   CHECK(alternatives[2].source.kind == ast::MetricSource::Kind::Http);
   CHECK_FALSE(alternatives[2].condition);
   CHECK(alternatives[2].loc.line == 4);
   // The one-source form is one unconditional alternative.
   REQUIRE(metrics[1].alternatives.size() == 1);
   CHECK_FALSE(metrics[1].alternatives[0].condition);
}

TEST_CASE("trigger and warning: condition, window, severity, grace, every, actions", "[syntax]")
{
   Parsed p(
      "trigger high_errors \"High error rate\" when error_rate > 1% for 5m severity P0 -> rollback emergency\n"
      "trigger slow \"Slow responses\" when api_p99 > 500ms for 5m severity P1 grace 15m -> rollback emergency\n"
      "trigger degraded when api_p99 > 300ms for 10m severity P2 every 1m -> rollback emergency\n"
      "trigger cosmetic when error_rate > 0.2% severity P3 -> record\n"
      "warning latency \"Elevated response time\" when api_p99 > 200ms for 10m -> notify \"API p99 above 200ms\"\n"
      "warning cpu_high when cpu > 80% for 15m -> notify.team(\"prepare scaling\")\n");
   const auto& triggers = p.file->triggers;
   REQUIRE(triggers.size() == 6);

   CHECK(triggers[0].name == "high_errors");
   CHECK(triggers[0].title == "High error rate");
   CHECK_FALSE(triggers[0].is_warning);
   CHECK(shape(*triggers[0].condition.expr) == "(error_rate > 1%)");
   CHECK(triggers[0].condition.for_ms == 5 * 60 * 1000);
   CHECK(triggers[0].severity == ast::Severity::P0);
   CHECK(triggers[0].action.kind == ast::TriggerAction::Kind::Rollback);
   CHECK(triggers[0].action.rollback == "emergency");
   CHECK(triggers[0].action.loc.column == 91);

   CHECK(triggers[1].severity == ast::Severity::P1);
   CHECK(triggers[1].grace_ms == 15 * 60 * 1000);
   CHECK(triggers[2].title == "degraded");
   CHECK(triggers[2].every_ms == 60 * 1000);
   CHECK(triggers[2].severity == ast::Severity::P2);
   CHECK(triggers[3].severity == ast::Severity::P3);
   CHECK_FALSE(triggers[3].condition.for_ms.has_value());
   CHECK(triggers[3].action.kind == ast::TriggerAction::Kind::Record);

   CHECK(triggers[4].is_warning);
   CHECK(triggers[4].action.kind == ast::TriggerAction::Kind::Notify);
   CHECK(text_of(triggers[4].action.value) == "API p99 above 200ms");
   CHECK(triggers[5].action.kind == ast::TriggerAction::Kind::Call);
   CHECK(shape(*triggers[5].action.value) == "notify.team(\"prepare scaling\")");
}

TEST_CASE("fn: parameters and body", "[syntax]")
{
   Parsed p("fn route(lb, token, environment, pct) {\n"
            "  http post \"${lb}/api/traffic\" header \"Authorization\" = \"Bearer ${token}\"\n"
            "       body {\"environment\": environment, \"percentage\": pct}\n"
            "       expect status 200\n"
            "  return pct\n"
            "}\n"
            "fn nothing() {\n}\n");
   REQUIRE(p.file->functions.size() == 2);
   const auto& fn = p.file->functions[0];
   CHECK(fn.name == "route");
   REQUIRE(fn.params.size() == 4);
   CHECK(fn.params[3].first == "pct");
   CHECK(fn.params[3].second.column == 34);
   REQUIRE(fn.body.size() == 2);
   const auto& http = std::get<ast::HttpStep>(fn.body[0]->node);
   CHECK(http.method == "POST");
   REQUIRE(http.headers.size() == 1);
   const auto& body = node<ast::MapLit>(http.body);
   REQUIRE(body.entries.size() == 2);
   CHECK(body.entries[0].first == "environment");
   CHECK(name_of(body.entries[0].second) == "environment");
   REQUIRE(http.expects.size() == 1);
   CHECK(http.expects[0].kind == ast::Expectation::Kind::Status);
   CHECK(number_of(http.expects[0].value) == 200);
   CHECK(name_of(std::get<ast::ReturnStep>(fn.body[1]->node).value) == "pct");
   CHECK(p.file->functions[1].params.empty());
   CHECK(p.file->functions[1].body.empty());
}

TEST_CASE("phase: title, slug and armed triggers", "[syntax]")
{
   Parsed p("phase \"Canary deployment\" arms high_errors, slow {\n  wait 1s\n}\n"
            "phase \"Full rollout\" arms all { wait 1s }\n"
            "phase \"Pre-production  validation!\" {\n}\n");
   const auto& phases = p.file->phases;
   REQUIRE(phases.size() == 3);
   CHECK(phases[0].title == "Canary deployment");
   CHECK(phases[0].slug == "canary-deployment");
   CHECK_FALSE(phases[0].arms_all);
   REQUIRE(phases[0].arms.size() == 2);
   CHECK(phases[0].arms[1].first == "slow");
   CHECK(phases[0].body.size() == 1);
   CHECK(phases[1].arms_all);
   CHECK(phases[1].body.size() == 1);
   CHECK(phases[2].slug == "pre-production-validation");
   CHECK(phases[2].body.empty());
}

TEST_CASE("rollback block with undo all", "[syntax]")
{
   Parsed p("rollback emergency {\n  undo all\n  traffic.route(api, lb_token, \"blue\", 100)\n}\n");
   REQUIRE(p.file->rollbacks.size() == 1);
   const auto& rollback = p.file->rollbacks[0];
   CHECK(rollback.name == "emergency");
   REQUIRE(rollback.body.size() == 2);
   CHECK(std::holds_alternative<ast::UndoAllStep>(rollback.body[0]->node));
   CHECK(shape(*std::get<ast::CallStep>(rollback.body[1]->node).call) == "traffic.route(api, lb_token, \"blue\", 100)");
}

TEST_CASE("undo all takes a failure route, and no other option", "[syntax]")
{
   Parsed p("rollback back {\n  undo all on fail stop\n  undo all on fail { notify \"undo failed\" }\n}\n");
   REQUIRE(p.file->rollbacks.size() == 1);
   const auto& body = p.file->rollbacks[0].body;
   REQUIRE(body.size() == 2);
   CHECK(std::holds_alternative<ast::UndoAllStep>(body[0]->node));
   CHECK(body[0]->options.on_fail.kind == ast::FailRoute::Kind::Stop);
   CHECK(body[1]->options.on_fail.kind == ast::FailRoute::Kind::Steps);
   CHECK(body[1]->options.on_fail.steps.size() == 1);
   SourceFile bad{"bad.rb", "rollback back {\n  undo all timeout 5m\n}\n"};
   Diagnostics diags;
   parse_file(bad, diags);
   CHECK(diags.has_errors());
}

// ---------------------------------------------------------------- steps

TEST_CASE("sh step with options and capture", "[syntax]")
{
   Steps s("sh \"npm run test:performance:staging\" timeout 20m as perf\n"
           "sh \"make check\" expect exit 1\n"
           "sh \"kubectl apply\" retry 3 every 10s idempotent id \"apply\" undo {\n"
           "  sh \"kubectl rollout undo\"\n"
           "}");
   const auto& first = s.as<ast::ShStep>(0);
   CHECK(text_of(first.command) == "npm run test:performance:staging");
   CHECK(s.at(0).options.timeout_ms == 20 * 60 * 1000);
   CHECK(s.at(0).options.capture == "perf");
   const auto& second = s.as<ast::ShStep>(1);
   REQUIRE(second.expects.size() == 1);
   CHECK(second.expects[0].kind == ast::Expectation::Kind::Exit);
   CHECK(number_of(second.expects[0].value) == 1);
   const auto& options = s.at(2).options;
   CHECK(options.retry_count == 3);
   CHECK(options.retry_every_ms == 10000);
   CHECK(options.idempotent);
   CHECK(options.explicit_id == "apply");
   CHECK(options.has_undo);
   REQUIRE(options.undo.size() == 1);
   CHECK(std::holds_alternative<ast::ShStep>(options.undo[0]->node));
}

TEST_CASE("http step: headers, body, expectations and capture", "[syntax]")
{
   Steps s("http post \"${lb}/api/traffic\" header \"Authorization\" = \"Bearer ${t}\" body {\"environment\": "
           "\"green\", \"percentage\": 5} expect status 200, json \".ok\" == true as resp\n"
           "http get \"${api}/health\"\n"
           "  expect status 200\n"
           "  expect json '.checks[\"db\"]' != \"down\"\n"
           "http delete \"u\"");
   const auto& post = s.as<ast::HttpStep>(0);
   CHECK(post.method == "POST");
   REQUIRE(post.headers.size() == 1);
   CHECK(post.headers[0].first == "Authorization");
   REQUIRE(post.expects.size() == 2);
   CHECK(post.expects[1].kind == ast::Expectation::Kind::Json);
   CHECK(post.expects[1].json_path == ".ok");
   CHECK(post.expects[1].op == "==");
   CHECK(node<ast::BoolLit>(post.expects[1].value).value);
   CHECK(s.at(0).options.capture == "resp");
   const auto& get = s.as<ast::HttpStep>(1);
   CHECK(get.method == "GET");
   CHECK(get.body == nullptr);
   REQUIRE(get.expects.size() == 2);
   CHECK(get.expects[1].json_path == ".checks[\"db\"]");
   CHECK(get.expects[1].op == "!=");
   CHECK(s.as<ast::HttpStep>(2).method == "DELETE");
}

TEST_CASE("checklist, approve, wait", "[syntax]")
{
   Steps s("checklist \"Staging\" { - \"Deploy to staging\" - \"Run the test suite\" }\n"
           "checklist \"Go\" {\n  - \"one\"\n\n  - 'two'\n}\n"
           "approve \"Proceed to 100% traffic?\"\n"
           "wait 30s\n"
           "wait soak * 2");
   const auto& checklist = s.as<ast::ChecklistStep>(0);
   CHECK(text_of(checklist.title) == "Staging");
   REQUIRE(checklist.items.size() == 2);
   CHECK(text_of(checklist.items[1].text) == "Run the test suite");
   CHECK(s.as<ast::ChecklistStep>(1).items.size() == 2);
   CHECK(text_of(s.as<ast::ApproveStep>(2).prompt) == "Proceed to 100% traffic?");
   CHECK(number_of(s.as<ast::WaitStep>(3).duration, ast::Unit::Duration) == 30000);
   CHECK(shape(*s.as<ast::WaitStep>(4).duration) == "(soak * 2)");
}

TEST_CASE("watch with conditions and their clauses", "[syntax]")
{
   Steps s("watch 30m every 30s { error_rate < 0.1%  api_p99 < 100ms for 2m }\n"
           "watch (pct >= 25 ? 1h : soak) every 30s {\n"
           "  error_rate < 0.1% after 3 failures\n"
           "  error_rate < 0.1% after 3 consecutive failures\n"
           "  api_p99 < 100ms on lost rollback emergency\n"
           "  db_up == 1 lost after 2 errors on lost fail\n"
           "  x < 1 on lost pause\n"
           "}");
   const auto& first = s.as<ast::WatchStep>(0);
   CHECK(number_of(first.duration, ast::Unit::Duration) == 30 * 60 * 1000);
   CHECK(number_of(first.every, ast::Unit::Duration) == 30000);
   REQUIRE(first.conditions.size() == 2);
   CHECK(shape(*first.conditions[0].expr) == "(error_rate < 0.1%)");
   CHECK(first.conditions[1].for_ms == 120000);

   const auto& second = s.as<ast::WatchStep>(1);
   CHECK(shape(*second.duration) == "((pct >= 25) ? 1h : soak)");
   const auto& c = second.conditions;
   REQUIRE(c.size() == 5);
   CHECK(c[0].after_failures == 3);
   CHECK_FALSE(c[0].consecutive);
   CHECK(c[1].consecutive);
   CHECK(c[2].on_lost == ast::OnLost::Rollback);
   CHECK(c[2].on_lost_rollback == "emergency");
   CHECK(c[3].lost_after_errors == 2);
   CHECK(c[3].on_lost == ast::OnLost::Fail);
   CHECK(c[4].on_lost == ast::OnLost::Pause);
   CHECK(c[0].on_lost == ast::OnLost::Default);
   CHECK(c[0].loc.line == 4);
}

TEST_CASE("watch condition: for W in total, or for W consecutive", "[syntax]")
{
   Steps s("watch 30m every 30s {\n"
           "  error_rate < 0.1% for 2m\n"
           "  api_p99 < 100ms for 2m consecutive\n"
           "  cpu < 70% for criteria_window consecutive after 2 consecutive failures\n"
           "  memory < 80% for 2m consecutive lost after 2 errors\n"
           "}");
   const auto& c = s.as<ast::WatchStep>(0).conditions;
   REQUIRE(c.size() == 4);
   CHECK(c[0].for_ms == 120000);
   CHECK_FALSE(c[0].for_consecutive);
   CHECK(c[1].for_ms == 120000);
   CHECK(c[1].for_consecutive);
   CHECK_FALSE(c[1].consecutive);   // `after K consecutive failures` is a clause of its own
   CHECK(c[2].for_param.name == "criteria_window");
   CHECK(c[2].for_consecutive);
   CHECK(c[2].consecutive);
   CHECK(c[2].after_failures == 2);
   CHECK(c[3].for_consecutive);
   CHECK(c[3].lost_after_errors == 2);
   CHECK(runbook::condition_source(c[1]) == "api_p99 < 100ms for 2m consecutive");
}

TEST_CASE("await with a probe, timeout and interval", "[syntax]")
{
   Steps s("await http get \"${api}/health\" json \".environment\" == \"blue\" timeout 2m every 5s\n"
           "await ready for 1m timeout 10m");
   const auto& await = s.as<ast::AwaitStep>(0);
   const auto& cmp = node<ast::Binary>(await.condition.expr);
   CHECK(cmp.op == "==");
   const auto& probe = node<ast::HttpProbe>(cmp.lhs);
   CHECK(probe.json_path == ".environment");
   CHECK(number_of(await.timeout, ast::Unit::Duration) == 120000);
   CHECK(number_of(await.every, ast::Unit::Duration) == 5000);
   const auto& second = s.as<ast::AwaitStep>(1);
   CHECK(second.condition.for_ms == 60000);
   CHECK(second.every == nullptr);
}

TEST_CASE("assert, rollback, abort, log, notify", "[syntax]")
{
   Steps s("assert error_rate < 0.1% \"error rate must be low before we start\"\n"
           "assert ok\n"
           "rollback emergency\n"
           "abort \"green failed its health checks\"\n"
           "log \"routing ${pct}% to green\"\n"
           "notify \"canary at ${pct}%\"");
   const auto& assert_step = s.as<ast::AssertStep>(0);
   CHECK(shape(*assert_step.condition.expr) == "(error_rate < 0.1%)");
   CHECK(text_of(assert_step.message) == "error rate must be low before we start");
   CHECK(s.as<ast::AssertStep>(1).message == nullptr);
   CHECK(s.as<ast::RollbackStep>(2).target == "emergency");
   CHECK(s.as<ast::RollbackStep>(2).target_loc.column == 10);
   CHECK(text_of(s.as<ast::AbortStep>(3).reason) == "green failed its health checks");
   const auto& log = node<ast::StringLit>(s.as<ast::LogStep>(4).message);
   REQUIRE(log.parts.size() == 3);
   CHECK(log.parts[0].text == "routing ");
   CHECK(name_of(log.parts[1].expr) == "pct");
   CHECK(log.parts[2].text == "% to green");
   CHECK(node<ast::StringLit>(s.as<ast::NotifyStep>(5).message).parts.size() == 3);
}

TEST_CASE("let, if/else if/else, for, call, return", "[syntax]")
{
   Steps s("let started = now()\n"
           "if pct >= 25 { log \"big\" } else { log \"small\" }\n"
           "if a {\n  log \"a\"\n} else if b {\n  log \"b\"\n} else {\n  log \"c\"\n}\n"
           "for pct in [1, 5, 10] {\n  log \"${pct}\"\n  wait 1s\n}\n"
           "traffic.route(lb, token, \"green\", pct) id \"route\"\n"
           "return\n"
           "return resp.status");
   CHECK(s.as<ast::LetStep>(0).name == "started");
   CHECK(shape(*s.as<ast::LetStep>(0).value) == "now()");
   const auto& branch = s.as<ast::IfStep>(1);
   CHECK(branch.then_block.size() == 1);
   CHECK(branch.else_block.size() == 1);
   const auto& chain = s.as<ast::IfStep>(2);
   REQUIRE(chain.else_block.size() == 1);
   const auto& inner = std::get<ast::IfStep>(chain.else_block[0]->node);
   CHECK(name_of(inner.cond) == "b");
   CHECK(inner.else_block.size() == 1);
   const auto& loop = s.as<ast::ForStep>(3);
   CHECK(loop.variable == "pct");
   CHECK(node<ast::ListLit>(loop.items).items.size() == 3);
   CHECK(loop.body.size() == 2);
   CHECK(shape(*s.as<ast::CallStep>(4).call) == "traffic.route(lb, token, \"green\", pct)");
   CHECK(s.at(4).options.explicit_id == "route");
   CHECK(s.as<ast::ReturnStep>(5).value == nullptr);
   CHECK(shape(*s.as<ast::ReturnStep>(6).value) == "resp.status");
}

TEST_CASE("steps are separated by newlines or semicolons, options may continue on the next line", "[syntax]")
{
   Steps s("wait 1s; wait 2s;; wait 3s   # comment\n"
           "sh \"deploy\"\n"
           "   timeout 5m\n"
           "   retry 2 every 1s\n"
           "for x in xs { wait 1s }");
   REQUIRE(s.all().size() == 5);
   CHECK(s.at(3).options.timeout_ms == 300000);
   CHECK(s.at(3).options.retry_count == 2);
   CHECK(std::holds_alternative<ast::ForStep>(s.at(4).node));
}

TEST_CASE("step keywords followed by '.' or '(' are calls, keywords are contextual", "[syntax]")
{
   Steps s("notify.team(\"x\")\n"
           "log(\"direct\")\n"
           "let status = resp.status\n"
           "let every = 1\n"
           "let query = {status: 1, \"for\": 2}");
   CHECK(shape(*s.as<ast::CallStep>(0).call) == "notify.team(\"x\")");
   CHECK(shape(*s.as<ast::CallStep>(1).call) == "log(\"direct\")");
   CHECK(s.as<ast::LetStep>(2).name == "status");
   CHECK(s.as<ast::LetStep>(3).name == "every");
   CHECK(node<ast::MapLit>(s.as<ast::LetStep>(4).value).entries[1].first == "for");
}

TEST_CASE("locations point at the first character of each step", "[syntax]")
{
   Steps s("  wait 1s\n\twait 2s");
   CHECK(s.at(0).loc.line == 2);
   CHECK(s.at(0).loc.column == 3);
   CHECK(s.at(0).loc.offset == 14);
   CHECK(s.at(1).loc.line == 3);
   CHECK(s.at(1).loc.column == 2);
}

// ---------------------------------------------------------------- values and expressions

TEST_CASE("numbers, percents, durations and sizes", "[syntax]")
{
   struct Case {
      const char* text;
      double value;
      ast::Unit unit;
   };
   const Case cases[] = {
      {"42", 42, ast::Unit::None},          {"0.5", 0.5, ast::Unit::None},
      {"-3", -3, ast::Unit::None},          {"0.1%", 0.1, ast::Unit::Percent},
      {"25%", 25, ast::Unit::Percent},      {"500ms", 500, ast::Unit::Duration},
      {"30s", 30000, ast::Unit::Duration},  {"5m", 300000, ast::Unit::Duration},
      {"1h", 3600000, ast::Unit::Duration}, {"2d", 172800000, ast::Unit::Duration},
      {"1h30m", 5400000, ast::Unit::Duration}, {"1.5s", 1500, ast::Unit::Duration},
      {"512KB", 512 * 1024, ast::Unit::Bytes}, {"10MB", 10 * 1024 * 1024, ast::Unit::Bytes},
      {"2GB", 2.0 * 1024 * 1024 * 1024, ast::Unit::Bytes}, {"100B", 100, ast::Unit::Bytes},
      // Rates, in bytes per second.
      {"10MB/min", 10.0 * 1024 * 1024 / 60, ast::Unit::ByteRate}, {"600KB/s", 600.0 * 1024, ast::Unit::ByteRate},
      {"1GB/h", 1024.0 * 1024 * 1024 / 3600, ast::Unit::ByteRate}, {"100B/s", 100, ast::Unit::ByteRate},
   };
   for (const auto& c : cases) {
      INFO(c.text);
      Expression e(c.text);
      const auto& number = node<ast::NumberLit>(e.expr());
      CHECK(number.value == Approx(c.value));
      CHECK(number.unit == c.unit);
      CHECK(number.spelling == c.text);
   }
}

TEST_CASE("strings: escapes, interpolation, raw strings", "[syntax]")
{
   Expression plain("\"a\\\"b\\\\c\\nd\\te\\$f $g\"");
   const auto& literal = node<ast::StringLit>(plain.expr());
   REQUIRE(literal.parts.size() == 1);
   CHECK(literal.parts[0].text == "a\"b\\c\nd\te$f $g");
   CHECK_FALSE(literal.raw);

   Expression interpolated("\"${a}-${b.c + 1}${d}\"");
   const auto& parts = node<ast::StringLit>(interpolated.expr()).parts;
   REQUIRE(parts.size() == 4);
   CHECK(name_of(parts[0].expr) == "a");
   CHECK(parts[1].text == "-");
   CHECK(shape(*parts[2].expr) == "(b.c + 1)");
   CHECK(name_of(parts[3].expr) == "d");

   Expression raw("'sum(rate(x{job=\"api\"}[5m])) ${not} \\n'");
   const auto& raw_literal = node<ast::StringLit>(raw.expr());
   CHECK(raw_literal.raw);
   REQUIRE(raw_literal.parts.size() == 1);
   CHECK(raw_literal.parts[0].text == "sum(rate(x{job=\"api\"}[5m])) ${not} \\n");

   Expression empty("\"\"");
   CHECK(node<ast::StringLit>(empty.expr()).parts.size() == 1);

   Expression utf8("\"d\xc3\xa9ploiement \xe2\x9c\x93\"");
   CHECK(node<ast::StringLit>(utf8.expr()).parts[0].text == "d\xc3\xa9ploiement \xe2\x9c\x93");
}

TEST_CASE("booleans, lists and maps", "[syntax]")
{
   CHECK(node<ast::BoolLit>(Expression("true").expr()).value);
   CHECK_FALSE(node<ast::BoolLit>(Expression("false").expr()).value);
   Expression list("[1, \"two\", [3],\n  4,\n]");
   const auto& items = node<ast::ListLit>(list.expr()).items;
   REQUIRE(items.size() == 4);
   CHECK(node<ast::ListLit>(items[2]).items.size() == 1);
   CHECK(node<ast::ListLit>(Expression("[]").expr()).items.empty());
   Expression map("{\"environment\": \"green\", percentage: pct, 'raw key': {}, }");
   const auto& entries = node<ast::MapLit>(map.expr()).entries;
   REQUIRE(entries.size() == 3);
   CHECK(entries[0].first == "environment");
   CHECK(entries[1].first == "percentage");
   CHECK(name_of(entries[1].second) == "pct");
   CHECK(entries[2].first == "raw key");
   CHECK(node<ast::MapLit>(Expression("{}").expr()).entries.empty());
}

TEST_CASE("operator precedence and associativity", "[syntax]")
{
   const std::pair<const char*, const char*> cases[] = {
      {"1 + 2 * 3", "(1 + (2 * 3))"},
      {"1 - 2 - 3", "((1 - 2) - 3)"},
      {"a / b * c", "((a / b) * c)"},
      {"-a * b", "((- a) * b)"},
      {"-3 + 2 * (4 - 1) / 2", "(-3 + ((2 * (4 - 1)) / 2))"},
      {"a < b and c >= d or not e == f", "(((a < b) and (c >= d)) or (not (e == f)))"},
      {"not not a", "(not (not a))"},
      {"a or b or c", "((a or b) or c)"},
      {"a and b ? x : y", "((a and b) ? x : y)"},
      {"a ? b : c ? d : e", "(a ? b : (c ? d : e))"},
      {"resp.json.items[0].name", "resp.json.items[0].name"},
      {"f(x)(y)[1]", "f(x)(y)[1]"},
      {"soak * 2 + 5m", "((soak * 2) + 5m)"},
      {"\"a\" + b", "(\"a\" + b)"},
      {"x != 1", "(x != 1)"},
      {"x <= 1", "(x <= 1)"},
      {"a\n  + b", "(a + b)"},
   };
   for (const auto& [text, expected] : cases) {
      INFO(text);
      CHECK(shape(Expression(text).expr()) == expected);
   }
}

TEST_CASE("http probe as a value", "[syntax]")
{
   Expression e("http get \"${api}/health\" json \".data.env[0]\" header \"X-Token\" = token");
   const auto& probe = node<ast::HttpProbe>(e.expr());
   CHECK(probe.json_path == ".data.env[0]");
   REQUIRE(probe.headers.size() == 1);
   CHECK(probe.headers[0].first == "X-Token");
   CHECK(name_of(probe.headers[0].second) == "token");
}

TEST_CASE("the whole example of the manual parses", "[syntax]")
{
   Parsed p("runbook \"Tracking v3.0.0 production rollout\"\n\n"
            "use \"std/traffic\"\n\n"
            "param api: string   = \"https://api.mailsender.app\"\n"
            "param soak: duration = 30m\n"
            "secret lb_token = env(\"LB_ADMIN_TOKEN\")\n\n"
            "metric error_rate = http get \"${api}/api/metrics/error-rate\" json \".value\" unit %\n\n"
            "trigger high_errors \"High error rate\" when error_rate > 1% for 5m severity P0 -> rollback emergency\n\n"
            "phase \"Canary\" arms all {\n"
            "  for pct in [1, 5, 10, 25, 50] {\n"
            "    traffic.route(api, lb_token, \"green\", pct)\n"
            "    watch soak every 30s {\n"
            "      error_rate < 0.1%\n"
            "    }\n"
            "  }\n"
            "}\n\n"
            "rollback emergency {\n"
            "  traffic.route(api, lb_token, \"blue\", 100)\n"
            "}\n");
   CHECK(p.file->title == "Tracking v3.0.0 production rollout");
   CHECK(p.file->source == &p.source);
   REQUIRE(p.file->phases.size() == 1);
   const auto& loop = std::get<ast::ForStep>(p.file->phases[0].body.at(0)->node);
   CHECK(loop.body.size() == 2);
   CHECK(p.file->rollbacks.size() == 1);
}

TEST_CASE("CRLF line ends and a missing final newline", "[syntax]")
{
   Parsed p("runbook \"x\"\r\nphase \"A\" {\r\n  wait 1s\r\n  log \"a\"\r\n}");
   REQUIRE(p.file->phases.size() == 1);
   CHECK(p.file->phases[0].body.size() == 2);
}

// ---------------------------------------------------------------- literals from the command line

TEST_CASE("parse_literal reads -p values of the declared type", "[syntax]")
{
   std::string error;
   CHECK(number_of(parse_literal("5m", ast::Type::Duration, error), ast::Unit::Duration) == 300000);
   CHECK(number_of(parse_literal("0.5%", ast::Type::Percent, error), ast::Unit::Percent) == 0.5);
   CHECK(number_of(parse_literal("-2", ast::Type::Number, error)) == -2);
   CHECK(number_of(parse_literal("1GB", ast::Type::Bytes, error), ast::Unit::Bytes) == 1024.0 * 1024 * 1024);
   CHECK(node<ast::BoolLit>(parse_literal("true", ast::Type::Bool, error)).value);
   CHECK(node<ast::ListLit>(parse_literal("[1, 5, 10]", ast::Type::List, error)).items.size() == 3);
   CHECK(node<ast::MapLit>(parse_literal("{\"a\": 1}", ast::Type::Map, error)).entries.size() == 1);
   CHECK(text_of(parse_literal("https://x.example/a b", ast::Type::String, error)) == "https://x.example/a b");
   CHECK(text_of(parse_literal("\"quoted\\n\"", ast::Type::String, error)) == "quoted\n");
   CHECK(text_of(parse_literal("v3.0.0", ast::Type::Any, error)) == "v3.0.0");
   CHECK(number_of(parse_literal("30s", ast::Type::Any, error), ast::Unit::Duration) == 30000);
   CHECK(error.empty());

   CHECK(parse_literal("soon", ast::Type::Duration, error) == nullptr);
   CHECK(error == "expected a duration such as 30s or 5m, got 'soon'");
   CHECK(parse_literal("5", ast::Type::Duration, error) == nullptr);
   CHECK(error == "expected a duration such as 30s or 5m, got '5'");
   CHECK(parse_literal("5m", ast::Type::Percent, error) == nullptr);
   CHECK(error == "expected a percentage such as 5%, got '5m'");
   CHECK(parse_literal("[1, x]", ast::Type::List, error) == nullptr);
   CHECK(parse_literal("yes", ast::Type::Bool, error) == nullptr);
   CHECK(error == "expected true or false, got 'yes'");
   CHECK(parse_literal(std::string("1\0", 2), ast::Type::Number, error) == nullptr);
}

TEST_CASE("ensure: a title and a boolean expression, several allowed, in declaration order", "[syntax]")
{
   const Parsed p("ensure \"traffic is 100% on one environment\" traffic.one_environment(lb, lb_token)\n"
                  "ensure \"the release is tagged\" tagged(version) and not dry_run  # a comment\n"
                  "phase \"P\" {\n  log \"x\"\n}\n");
   REQUIRE(p.file->ensures.size() == 2);
   CHECK(p.file->ensures[0].title == "traffic is 100% on one environment");
   CHECK(expr_source(*p.file->ensures[0].expr) == "traffic.one_environment(lb, lb_token)");
   CHECK(p.file->ensures[1].title == "the release is tagged");
   CHECK(expr_source(*p.file->ensures[1].expr) == "tagged(version) and not dry_run");
   CHECK(p.file->ensures[1].loc.line == 2);
}
