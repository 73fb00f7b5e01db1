// The scenario parser: PEGTL grammar, actions that fill a Scenario, and the
// conversion of parse errors into Diagnostics.
//
// Implementation notes. A scenario is line oriented: every non-blank line is
// one statement, led by a keyword (scenario, runbook, param, start, limit,
// metric, sh, http, answer, interrupt, expect). Each line is parsed on its own
// input that keeps the file's line and column numbers, which gives error
// recovery for free: a bad line is reported and the next one is parsed.
//
// Every alternative in the grammar starts with its own keyword and commits
// with if_must, so an action never fires on a branch that later backtracks.
// Actions write into a LineBuilder; the statement's rule, once the whole
// line matched, moves the built rule into the Scenario. Checks that need a
// position (a sh answer given a status, a ramp mixing units) throw a
// parse_error from the action, so they read like syntax errors.
#include "simulate/scenario_parser.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/core.h>
#include <tao/pegtl.hpp>

#include "simulate/scenario_grammar.hpp"
#include "syntax/rate_unit.hpp"

namespace runbook::sim {

namespace pegtl = tao::pegtl;

// ---------------------------------------------------------------- quantities

namespace {

struct UnitSuffix {
   std::string_view suffix;
   ast::Unit unit;
   double factor;
};

// Longest suffixes first where one is a prefix of another (ms before m).
constexpr UnitSuffix unit_suffixes[] = {
   {"%", ast::Unit::Percent, 1},
   {"ms", ast::Unit::Duration, 1},
   {"s", ast::Unit::Duration, 1000},
   {"m", ast::Unit::Duration, 60 * 1000},
   {"h", ast::Unit::Duration, 3600 * 1000},
   {"d", ast::Unit::Duration, 24 * 3600 * 1000},
   {"B", ast::Unit::Bytes, 1},
   {"KB", ast::Unit::Bytes, 1024},
   {"MB", ast::Unit::Bytes, 1024.0 * 1024},
   {"GB", ast::Unit::Bytes, 1024.0 * 1024 * 1024},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool parse_quantity(std::string_view text, Quantity& out, std::string& error)
{
   Quantity result;
   result.spelling = std::string(text);
   std::size_t i = 0;
   bool negative = false;
   if (i < text.size() && text[i] == '-') {
      negative = true;
      ++i;
   }
   bool first = true;
   while (i < text.size() || first) {
      // One segment: digits [. digits] [unit]
      const std::size_t number_start = i;
      while (i < text.size() && is_digit(text[i])) ++i;
      if (i == number_start) {
         error = fmt::format("expected a number in '{}'", text);
         return false;
      }
      if (i < text.size() && text[i] == '.') {
         ++i;
         const std::size_t fraction_start = i;
         while (i < text.size() && is_digit(text[i])) ++i;
         if (i == fraction_start) {
            error = fmt::format("expected digits after the decimal point in '{}'", text);
            return false;
         }
      }
      // from_chars, not std::stod: stod throws out_of_range on a number that
      // over- or underflows a double (hundreds of digits; found by
      // scenario_fuzz), and it follows the locale's decimal point.
      double number = 0;
      const auto [end, status] = std::from_chars(text.data() + number_start, text.data() + i, number);
      if (status == std::errc::result_out_of_range) {
         error = fmt::format("'{}' is out of range: too many digits", text);
         return false;
      }
      if (status != std::errc() || end != text.data() + i) {
         error = fmt::format("expected a number in '{}'", text);
         return false;
      }
      const std::size_t unit_start = i;
      while (i < text.size() && !is_digit(text[i])) ++i;
      const std::string_view suffix = text.substr(unit_start, i - unit_start);
      ast::Unit unit = ast::Unit::None;
      double factor = 1;
      if (!suffix.empty()) {
         bool known = false;
         for (const auto& candidate : unit_suffixes) {
            if (candidate.suffix == suffix) {
               unit = candidate.unit;
               factor = candidate.factor;
               known = true;
            }
         }
         if (const auto rate = byte_rate_factor(suffix)) {   // 12MB/min, read as in a runbook
            unit = ast::Unit::ByteRate;
            factor = *rate;
            known = true;
         }
         if (!known) {
            error = fmt::format("unknown unit '{}' in '{}': expected %, ms, s, m, h, d, B, KB, MB, GB or a size per "
                                "time such as MB/min",
                                suffix, text);
            return false;
         }
      }
      if (!first && (unit != ast::Unit::Duration || result.unit != ast::Unit::Duration)) {
         error = fmt::format("'{}' is not a quantity: only durations combine, as in 1h30m", text);
         return false;
      }
      if (first) result.unit = unit;
      result.value += number * factor;
      first = false;
   }
   if (!std::isfinite(result.value)) {
      error = fmt::format("'{}' is too large", text);
      return false;
   }
   if (negative) result.value = -result.value;
   out = std::move(result);
   return true;
}

// ---------------------------------------------------------------- the line builder

namespace {

enum class Statement { None, Scenario, Runbook, Param, Start, Limit, Metric, Effect, Answer, Interrupt, Action, Expect };

/// What the actions of one line build.
struct LineBuilder {
   LineBuilder(const SourceFile* f, Scenario& s) : file(f), scenario(s) {}
   const SourceFile* file = nullptr;
   Scenario& scenario;
   Statement statement = Statement::None;
   std::string param_name;
   MetricRule metric;
   EffectRule effect;
   AnswerRule answer;
   InterruptRule interrupt;
   ActionRule action;
   ExpectRule expect;
   Anchor anchor;               ///< The anchor being read; clauses take it when it is complete.
   Window* window = nullptr;    ///< The window of the rule on this line, if it has one.
   bool seen_answer_clause = false;
   bool seen_rollback_completed = false;

   template <typename Input>
   Location location(const Input& in) const
   {
      const auto p = in.position();
      return Location{file, p.line, p.column, p.byte};
   }
};

template <typename Input>
[[noreturn]] void fail(const Input& in, const std::string& message)
{
   throw pegtl::parse_error(message, in);
}

/// The text of a string literal without its quotes, escapes resolved ("..."), or verbatim ('...').
std::string decode_string(std::string_view token)
{
   if (token.size() < 2) return {};
   const bool raw = token.front() == '\'';
   const std::string_view inner = token.substr(1, token.size() - 2);
   if (raw) return std::string(inner);
   std::string out;
   for (std::size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '\\' && i + 1 < inner.size()) {
         const char next = inner[++i];
         out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
      } else {
         out += inner[i];
      }
   }
   return out;
}

template <typename Input>
Quantity quantity_of(const Input& in)
{
   Quantity q;
   std::string error;
   if (!parse_quantity(in.string_view(), q, error)) fail(in, error);
   return q;
}

template <typename Input>
double duration_of(const Input& in)
{
   const Quantity q = quantity_of(in);
   if (q.unit != ast::Unit::Duration) fail(in, fmt::format("expected a duration such as 30s or 5m, not '{}'", in.string_view()));
   if (q.value < 0) fail(in, fmt::format("a duration cannot be negative: '{}'", in.string_view()));
   return q.value;
}

template <typename Input>
int count_of(const Input& in, int minimum)
{
   const std::string_view text = in.string_view();
   if (text.size() > 9) fail(in, fmt::format("'{}' is too large", text));
   const int value = std::stoi(std::string(text));
   if (value < minimum) fail(in, fmt::format("expected a number of at least {}, not {}", minimum, value));
   return value;
}

/// Parses "2026-01-06T14:00:00Z" into ms since the epoch; false if it is not that shape.
bool parse_utc_time(std::string_view text, double& ms)
{
   int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
   char tail = 0;
   const std::string s(text);
   if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute, &second, &tail) != 7 ||
       tail != 'Z' || s.size() != 20)
      return false;
   if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return false;
   // Days from civil (Howard Hinnant's algorithm): exact for the proleptic Gregorian calendar.
   const int y = year - (month <= 2 ? 1 : 0);
   const int era = (y >= 0 ? y : y - 399) / 400;
   const int yoe = y - era * 400;
   const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
   const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
   const long long days = static_cast<long long>(era) * 146097 + doe - 719468;
   ms = static_cast<double>(((days * 24 + hour) * 60 + minute) * 60 + second) * 1000.0;
   return true;
}

}  // namespace


// ---------------------------------------------------------------- actions

namespace {

using namespace scenario_grammar::rules;


template <typename Rule> struct action : tao::pegtl::nothing<Rule> {};

// ---- anchors
template <> struct action<anchor_begin> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.anchor = Anchor{};
      b.anchor.loc = b.location(in);
   }
};
template <> struct action<anchor_offset_value> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.anchor.kind = Anchor::Kind::Start;
      b.anchor.offset_ms = duration_of(in);
   }
};
template <> struct action<anchor_relative_offset> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.anchor.offset_ms = duration_of(in); }
};
template <> struct action<traffic_environment> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.anchor.kind = Anchor::Kind::TrafficReaches;
      b.anchor.environment = in.string();
   }
};
template <> struct action<traffic_percent> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      const Quantity q = quantity_of(in);
      if (q.unit != ast::Unit::Percent || q.value < 0 || q.value > 100)
         fail(in, fmt::format("expected a percentage between 0% and 100%, not '{}'", in.string_view()));
      b.anchor.percent = q.value;
   }
};
template <> struct action<event_pattern> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.anchor.pattern = in.string_view() == "*" ? std::string("*") : decode_string(in.string_view());
   }
};
template <> struct action<step_starts> {
   static void apply0(LineBuilder& b) { b.anchor.kind = Anchor::Kind::StepStarts; }
};
template <> struct action<step_finishes> {
   static void apply0(LineBuilder& b) { b.anchor.kind = Anchor::Kind::StepFinishes; }
};
template <> struct action<event_phase> {
   static void apply0(LineBuilder& b) { b.anchor.kind = Anchor::Kind::PhaseStarts; }
};
template <> struct action<event_rollback> {
   static void apply0(LineBuilder& b) { b.anchor.kind = Anchor::Kind::RollbackStarts; }
};
template <> struct action<rollback_event_name> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.anchor.pattern = in.string(); }
};
template <> struct action<trigger_event_name> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.anchor.kind = Anchor::Kind::TriggerFires;
      b.anchor.pattern = in.string();
   }
};

// ---- windows
template <typename Input> void check_window_order(const Input& in, const Window& w)
{
   if (w.until && w.for_ms) fail(in, "a rule ends either 'until' a point or 'for' a duration, not both");
}
template <> struct action<from_anchor> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.window == nullptr) fail(in, "'from' does not apply here");
      if (b.window->from) fail(in, "this rule already has a 'from'");
      b.window->from = b.anchor;
   }
};
template <> struct action<until_anchor> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.window == nullptr) fail(in, "'until' does not apply here");
      b.window->until = b.anchor;
      check_window_order(in, *b.window);
   }
};
template <> struct action<by_anchor> {   // `by A`: until A, said the way a deadline is
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.window == nullptr) fail(in, "'by' does not apply here");
      if (b.window->until) fail(in, "this rule already has an 'until' or 'by'");
      b.window->until = b.anchor;
      check_window_order(in, *b.window);
   }
};
template <> struct action<for_duration> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.window == nullptr) fail(in, "'for' does not apply here");
      b.window->for_ms = duration_of(in);
      check_window_order(in, *b.window);
   }
};

// ---- header statements
template <> struct action<scenario_title> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (!b.scenario.title.empty()) fail(in, "the scenario already has a title");
      b.scenario.title = decode_string(in.string_view());
   }
};
template <> struct action<runbook_path> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (!b.scenario.runbook.empty()) fail(in, "the scenario already names its runbook");
      b.scenario.runbook = decode_string(in.string_view());
      if (b.scenario.runbook.empty()) fail(in, "the runbook's path is empty");
      b.scenario.runbook_loc = b.location(in);
   }
};
template <> struct action<param_name> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.param_name = in.string(); }
};
template <> struct action<param_value> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      const std::string_view text = in.string_view();
      const bool quoted = text.front() == '"' || text.front() == '\'';
      for (const auto& [name, value] : b.scenario.params)
         if (name == b.param_name) fail(in, fmt::format("param '{}' is already set", name));
      b.scenario.params.emplace_back(b.param_name, quoted ? decode_string(text) : std::string(text));
   }
};
template <> struct action<start_time> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      double ms = 0;
      if (!parse_utc_time(decode_string(in.string_view()), ms))
         fail(in, "expected a UTC time such as \"2026-01-06T14:00:00Z\"");
      b.scenario.start_ms = ms;
   }
};
template <> struct action<limit_duration> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      const double ms = duration_of(in);
      if (ms <= 0) fail(in, "the limit must be longer than 0s");
      b.scenario.limit_ms = ms;
   }
};

// ---- metric
template <> struct action<kw_metric> {
   static void apply0(LineBuilder& b)
   {
      b.statement = Statement::Metric;
      b.metric = MetricRule{};
      b.window = &b.metric.window;
   }
};
template <> struct action<metric_name> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.metric.metric = in.string();
      b.metric.loc = b.location(in);
   }
};
template <> struct action<constant_value> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.metric.shape = MetricRule::Shape::Constant;
      b.metric.value = quantity_of(in);
   }
};
template <> struct action<ramp_start> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.metric.shape = MetricRule::Shape::Ramp;
      b.metric.value = quantity_of(in);
   }
};
template <> struct action<ramp_end> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.metric.to = quantity_of(in);
      if (b.metric.to.unit != b.metric.value.unit)
         fail(in, fmt::format("a ramp goes between values of one unit: '{}' and '{}' differ", b.metric.value.spelling, b.metric.to.spelling));
   }
};
template <> struct action<ramp_duration> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.metric.over_ms = duration_of(in); }
};
template <> struct action<unreachable_value> {
   static void apply0(LineBuilder& b)
   {
      b.metric.shape = MetricRule::Shape::Unreachable;
      if (b.metric.error.empty()) b.metric.error = "source unreachable (scenario)";
   }
};
template <> struct action<unreachable_message> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.statement == Statement::Metric) b.metric.error = decode_string(in.string_view());
      else b.effect.error = decode_string(in.string_view());
   }
};
template <> struct action<noise_amplitude> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      const Quantity q = quantity_of(in);
      if (b.metric.shape == MetricRule::Shape::Unreachable) fail(in, "an unreachable source has no noise");
      if (q.unit != b.metric.value.unit)
         fail(in, fmt::format("the noise '{}' must have the unit of the value '{}'", q.spelling, b.metric.value.spelling));
      if (q.value < 0) fail(in, "the noise amplitude cannot be negative");
      b.metric.noise = q;
   }
};
template <> struct action<seed_number> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.metric.seed = static_cast<std::uint64_t>(count_of(in, 0));
   }
};

// ---- sh / http
template <> struct action<sh_begin> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.statement = Statement::Effect;
      b.effect = EffectRule{};
      b.effect.loc = b.location(in);
      b.effect.target = EffectRule::Target::Shell;
      b.window = &b.effect.window;
   }
};
template <> struct action<http_begin> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.statement = Statement::Effect;
      b.effect = EffectRule{};
      b.effect.loc = b.location(in);
      b.effect.target = EffectRule::Target::Http;
      b.window = &b.effect.window;
   }
};
template <> struct action<http_method> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      std::string method = in.string();
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      static const char* const known[] = {"*", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
      bool ok = false;
      for (const char* k : known) ok = ok || method == k;
      if (!ok) fail(in, fmt::format("unknown HTTP method '{}': expected GET, HEAD, POST, PUT, PATCH, DELETE or '*'", in.string_view()));
      b.effect.method = method;
   }
};
template <> struct action<effect_pattern> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.effect.pattern = in.string_view() == "*" ? std::string("*") : decode_string(in.string_view());
   }
};
template <> struct action<fails_clause> {
   static void apply0(LineBuilder& b) { b.effect.fails = true; }
};
template <> struct action<succeeds_clause> {
   static void apply0(LineBuilder& b) { b.effect.fails = false; }
};
template <> struct action<unreachable_clause> {
   static void apply0(LineBuilder& b)
   {
      b.effect.unreachable = true;
      if (b.effect.error.empty())
         b.effect.error = b.effect.target == EffectRule::Target::Http ? "could not connect (scenario: unreachable)"
                                                                      : "could not start the command (scenario: unreachable)";
   }
};
template <> struct action<times_out_clause> {
   static void apply0(LineBuilder& b) { b.effect.times_out = true; }
};
template <> struct action<crashes_clause> {
   static void apply0(LineBuilder& b) { b.effect.crashes = true; }
};
template <> struct action<status_code> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.effect.target != EffectRule::Target::Http) fail(in, "'status' answers an http request; a sh command is answered with 'exit N'");
      const int code = count_of(in, 100);
      if (code > 599) fail(in, fmt::format("{} is not an HTTP status code (100 to 599)", code));
      b.effect.status = code;
   }
};
template <> struct action<exit_code> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.effect.target != EffectRule::Target::Shell) fail(in, "'exit' answers a sh command; an http request is answered with 'status N'");
      const int code = count_of(in, 0);
      if (code > 255) fail(in, fmt::format("{} is not an exit code (0 to 255)", code));
      b.effect.exit_code = code;
   }
};
template <> struct action<body_text> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.effect.target != EffectRule::Target::Http) fail(in, "'body' answers an http request; a sh command is answered with 'prints \"...\"'");
      b.effect.body = decode_string(in.string_view());
   }
};
template <> struct action<output_text> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.effect.target != EffectRule::Target::Shell) fail(in, "'prints' answers a sh command; an http request is answered with 'body \"...\"'");
      b.effect.output = decode_string(in.string_view());
   }
};
template <> struct action<takes_duration> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.effect.takes_ms = duration_of(in); }
};
template <> struct action<on_call_number> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.effect.from_call > 0) fail(in, "a rule answers either 'on call N' or 'from call N', not both");
      b.effect.on_call = count_of(in, 1);
   }
};
template <> struct action<from_call_number> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.effect.on_call > 0) fail(in, "a rule answers either 'on call N' or 'from call N', not both");
      b.effect.from_call = count_of(in, 1);
   }
};

// ---- answer
template <> struct action<kw_answer> {
   static void apply0(LineBuilder& b)
   {
      b.statement = Statement::Answer;
      b.answer = AnswerRule{};
   }
};
template <> struct action<answer_kind> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      static const char* const known[] = {"*", "checklist", "approve", "ask", "decision", "in-doubt", "monitoring-lost"};
      const std::string kind = in.string();
      bool ok = false;
      for (const char* k : known) ok = ok || kind == k;
      if (!ok)
         fail(in, fmt::format("unknown question kind '{}': expected checklist, approve, ask, decision, in-doubt, monitoring-lost or '*'", kind));
      b.answer.kind = kind;
      b.answer.loc = b.location(in);
   }
};
template <> struct action<answer_pattern> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.answer.pattern = in.string_view() == "*" ? std::string("*") : decode_string(in.string_view());
   }
};
template <> struct action<answer_never> {
   static void apply0(LineBuilder& b) { b.answer.never = true; }
};
template <> struct action<answer_choice_word> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.answer.choice = in.string(); }
};
template <> struct action<answer_choice_string> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.answer.choice = decode_string(in.string_view()); }
};
template <> struct action<answer_delay> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.answer.never) fail(in, "'never' has no delay");
      b.answer.after_ms = duration_of(in);
   }
};

// ---- interrupt
template <> struct action<kw_interrupt> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.statement = Statement::Interrupt;
      b.interrupt = InterruptRule{};
      b.interrupt.loc = b.location(in);
      b.window = nullptr;
   }
};
template <> struct action<interrupt_anchor> {
   static void apply0(LineBuilder& b) { b.interrupt.at = b.anchor; }
};
template <> struct action<resume_delay> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.interrupt.resume_after_ms = duration_of(in); }
};

// ---- at WHEN signal NAME | fire NAME
template <> struct action<kw_at> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (b.statement != Statement::None) return;   // `interrupt at`, `sent at`
      b.statement = Statement::Action;
      b.action = ActionRule{};
      b.action.loc = b.location(in);
      b.window = nullptr;
   }
};
template <> struct action<action_offset> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.anchor = Anchor{};
      b.anchor.loc = b.location(in);
      b.anchor.offset_ms = duration_of(in);
   }
};
template <> struct action<action_when> {
   static void apply0(LineBuilder& b) { b.action.at = b.anchor; }
};
template <> struct action<action_fire> {
   static void apply0(LineBuilder& b) { b.action.kind = ActionRule::Kind::Fire; }
};
template <> struct action<action_name> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.action.name = in.string(); }
};
template <> struct action<at_statement> {
   static void apply0(LineBuilder& b) { b.scenario.actions.push_back(std::move(b.action)); }
};

// ---- expect
template <> struct action<kw_expect> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.statement = Statement::Expect;
      b.expect = ExpectRule{};
      b.expect.loc = b.location(in);
      b.window = nullptr;
   }
};
template <> struct action<expect_outcome> {
   static void apply0(LineBuilder& b) { b.expect.kind = ExpectRule::Kind::Outcome; }
};
template <> struct action<outcome_completed> {
   static void apply0(LineBuilder& b) { b.expect.outcome = "completed"; }
};
template <> struct action<outcome_failed> {
   static void apply0(LineBuilder& b) { b.expect.outcome = "failed"; }
};
template <> struct action<outcome_aborted> {
   static void apply0(LineBuilder& b) { b.expect.outcome = "aborted"; }
};
template <> struct action<outcome_interrupted> {
   static void apply0(LineBuilder& b) { b.expect.outcome = "interrupted"; }
};
template <> struct action<outcome_rolled_back> {
   static void apply0(LineBuilder& b) { b.expect.outcome = "rolled_back"; }
};
template <> struct action<outcome_rollback_failed> {
   static void apply0(LineBuilder& b) { b.expect.outcome = "rollback_failed"; }
};
template <> struct action<outcome_rollback_name> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.expect.name = in.string(); }
};
template <> struct action<expected_exit> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::ExitCode;
      b.expect.number = count_of(in, 0);
   }
};
template <> struct action<expected_trigger> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Trigger;
      b.expect.name = in.string();
   }
};
template <> struct action<trigger_not_fired> {
   static void apply0(LineBuilder& b) { b.expect.negated = true; }
};
template <> struct action<within_duration> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::RollbackWithin;
      b.expect.within_ms = duration_of(in);
   }
};
template <> struct action<of_anchor> {
   static void apply0(LineBuilder& b) { b.expect.of = b.anchor; }
};
template <> struct action<of_trigger> {
   static void apply0(LineBuilder& b) { b.expect.of_trigger = true; }
};
template <> struct action<expect_rollback> {
   static void apply0(LineBuilder& b)
   {
      if (b.seen_rollback_completed) b.expect.kind = ExpectRule::Kind::RollbackCompleted;
   }
};
template <> struct action<rollback_completed> {
   static void apply0(LineBuilder& b) { b.seen_rollback_completed = true; }
};
template <> struct action<expected_step> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Step;
      b.expect.pattern = in.string_view() == "*" ? std::string("*") : decode_string(in.string_view());
   }
};
template <> struct action<step_never_ran> {
   static void apply0(LineBuilder& b) { b.expect.negated = true; }
};
template <> struct action<variable_name> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Variable;
      b.expect.name = in.string();
   }
};
template <> struct action<compare_op> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.expect.op = in.string(); }
};
template <> struct action<expected_string> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.value_text = decode_string(in.string_view());
      b.expect.value_is_string = true;
      if (b.expect.op != "==" && b.expect.op != "!=") fail(in, "a string compares only with == or !=");
   }
};
template <> struct action<expected_bool> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.value_text = in.string();
      if (b.expect.op != "==" && b.expect.op != "!=") fail(in, "true and false compare only with == or !=");
   }
};
template <> struct action<expected_quantity> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.value = quantity_of(in);
      b.expect.value_text = in.string();
   }
};
template <> struct action<expected_environment> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Traffic;
      b.expect.name = in.string();
   }
};
template <> struct action<expected_share> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      const Quantity q = quantity_of(in);
      if (q.unit != ast::Unit::Percent || q.value < 0 || q.value > 100)
         fail(in, fmt::format("expected a percentage between 0% and 100%, not '{}'", in.string_view()));
      b.expect.value = q;
   }
};
template <> struct action<traffic_one_environment> {
   static void apply0(LineBuilder& b) { b.expect.kind = ExpectRule::Kind::OneEnvironment; }
};
template <> struct action<expected_notification> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Notification;
      b.expect.pattern = in.string_view() == "*" ? std::string("*") : decode_string(in.string_view());
      b.expect.number = -1;
      b.window = &b.expect.window;
   }
};
template <> struct action<notification_at> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.expect.at_ms = duration_of(in); }
};
template <> struct action<notification_count_number> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.expect.number = count_of(in, 1); }
};
template <> struct action<notification_never_sent> {
   static void apply0(LineBuilder& b)
   {
      b.expect.negated = true;
      b.expect.number = 0;
   }
};
template <> struct action<expected_question> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Question;
      b.expect.pattern = in.string_view() == "*" ? std::string("*") : decode_string(in.string_view());
   }
};
template <> struct action<question_never_asked> {
   static void apply0(LineBuilder& b) { b.expect.negated = true; }
};
template <> struct action<expected_ensure> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Ensure;
      b.expect.pattern = decode_string(in.string_view());
   }
};
template <> struct action<ensure_broken> {
   static void apply0(LineBuilder& b) { b.expect.negated = true; }
};
template <> struct action<expected_command> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Calls;
      b.expect.shell = true;
      b.expect.pattern = in.string_view() == "*" ? std::string("*") : decode_string(in.string_view());
   }
};
template <> struct action<expected_method> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.kind = ExpectRule::Kind::Calls;
      b.expect.shell = false;
      std::string method = in.string();
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      b.expect.method = method;
   }
};
template <> struct action<expected_url> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      b.expect.pattern = in.string_view() == "*" ? std::string("*") : decode_string(in.string_view());
   }
};
template <> struct action<call_count_number> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b) { b.expect.number = count_of(in, 0); }
};
template <> struct action<never_called> {
   static void apply0(LineBuilder& b) { b.expect.number = 0; }
};

// ---- a complete statement: move what was built into the scenario
template <> struct action<metric_statement> {
   static void apply0(LineBuilder& b) { b.scenario.metrics.push_back(std::move(b.metric)); }
};
template <> struct action<sh_statement> {
   static void apply0(LineBuilder& b) { b.scenario.effects.push_back(std::move(b.effect)); }
};
template <> struct action<http_statement> {
   static void apply0(LineBuilder& b) { b.scenario.effects.push_back(std::move(b.effect)); }
};
template <> struct action<answer_statement> {
   template <typename Input> static void apply(const Input& in, LineBuilder& b)
   {
      if (!b.answer.never && b.answer.choice.empty()) fail(in, "an answer needs a choice");
      b.scenario.answers.push_back(std::move(b.answer));
   }
};
template <> struct action<interrupt_statement> {
   static void apply0(LineBuilder& b) { b.scenario.interrupts.push_back(std::move(b.interrupt)); }
};
template <> struct action<expect_statement> {
   static void apply0(LineBuilder& b) { b.scenario.expectations.push_back(std::move(b.expect)); }
};

constexpr std::size_t max_errors = 20;

}  // namespace

// ---------------------------------------------------------------- entry points

using scenario_grammar::errors::control;

Scenario parse_scenario(const std::string& path, std::string text, Diagnostics& diags)
{
   Scenario scenario;
   scenario.source = std::make_shared<SourceFile>(SourceFile{path, std::move(text)});
   const SourceFile* file = scenario.source.get();
   const std::string& all = file->text;

   std::size_t errors = 0;
   std::size_t line_start = 0;
   std::size_t line_number = 1;
   while (line_start <= all.size() && errors < max_errors) {
      std::size_t line_end = all.find('\n', line_start);
      const bool last = line_end == std::string::npos;
      if (last) line_end = all.size();
      std::size_t content_end = line_end;
      if (content_end > line_start && all[content_end - 1] == '\r') --content_end;

      LineBuilder builder(file, scenario);
      pegtl::memory_input<> in(all.data() + line_start, all.data() + content_end, path, line_start, line_number, 1);
      try {
         pegtl::parse<scenario_grammar::rules::line, action, control>(in, builder);
      } catch (const pegtl::parse_error& e) {
         const auto& p = e.positions().front();
         diags.error(Location{file, p.line, p.column, p.byte}, "scenario-syntax", std::string(e.message()));
         ++errors;
      }
      if (last) break;
      line_start = line_end + 1;
      ++line_number;
   }

   if (errors == 0 && scenario.runbook.empty())
      diags.error(Location{file, 1, 1, 0}, "scenario-no-runbook",
                  "the scenario does not name its runbook: add a line such as runbook \"../rollout.rb\"");
   return scenario;
}

Scenario load_scenario(const std::string& path, Diagnostics& diags)
{
   std::ifstream stream(path, std::ios::binary);
   if (!stream) {
      Scenario empty;
      empty.source = std::make_shared<SourceFile>(SourceFile{path, ""});
      diags.error(Location{empty.source.get(), 1, 1, 0}, "scenario-unreadable", fmt::format("cannot read the scenario file '{}'", path));
      return empty;
   }
   std::ostringstream text;
   text << stream.rdbuf();
   return parse_scenario(path, text.str(), diags);
}

}  // namespace runbook::sim
