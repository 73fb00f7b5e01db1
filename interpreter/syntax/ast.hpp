// The abstract syntax tree of a runbook.
//
// The parser builds it, the checker annotates it (step ids, resolved names),
// and the planner and interpreter walk it. Nodes own their children through
// unique_ptr / vectors; everything carries a Location for diagnostics.
//
// The tree mirrors the language one to one (see docs/language.md): a
// newcomer should be able to find each construct of the manual here.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "syntax/source.hpp"

namespace runbook::ast {

struct Expr;
struct Step;
using ExprPtr = std::unique_ptr<Expr>;
using StepPtr = std::unique_ptr<Step>;
using Block = std::vector<StepPtr>;

// ---------------------------------------------------------------- values

/// The unit of a quantity. Quantities compare only with the same unit.
/// ByteRate is a size per time (`10MB/min`), held in bytes per second.
enum class Unit { None, Percent, Duration, Bytes, ByteRate };

/// Value types as written in `param name: type`.
enum class Type { Any, String, Number, Bool, Percent, Duration, Bytes, Rate, List, Map };

// ---------------------------------------------------------------- expressions

/// One piece of an interpolated string: literal text or `${expr}`.
struct StringPart {
   std::string text;   ///< Used when expr is null.
   ExprPtr expr;
};

struct StringLit { std::vector<StringPart> parts; bool raw = false; };
/// A number, possibly with a unit. Durations are stored in milliseconds,
/// percents as the percentage (0.1% -> 0.1), bytes in bytes, rates in bytes per second.
struct NumberLit { double value = 0; Unit unit = Unit::None; std::string spelling; };
struct BoolLit { bool value = false; };
struct ListLit { std::vector<ExprPtr> items; };
struct MapLit { std::vector<std::pair<std::string, ExprPtr>> entries; };
/// A bare name: a param, secret, metric, variable or loop variable.
struct NameRef { std::string name; };
/// `object.member`; also how module functions are named (`traffic.route`).
struct Member { ExprPtr object; std::string member; };
struct Index { ExprPtr object; ExprPtr index; };
struct Call { ExprPtr callee; std::vector<ExprPtr> args; };
struct Unary { std::string op; ExprPtr operand; };             ///< "not", "-"
struct Binary { std::string op; ExprPtr lhs, rhs; };           ///< + - * / < <= > >= == != and or
struct Ternary { ExprPtr cond, then_expr, else_expr; };
/// `http get URL json ".path"` used as a value: sends a GET and reads the path.
struct HttpProbe { ExprPtr url; std::string json_path; std::vector<std::pair<std::string, ExprPtr>> headers; };
/// `env("VAR")`: only valid as the value of a secret.
struct EnvRef { std::string variable; };

struct Expr {
   Location loc;
   std::variant<StringLit, NumberLit, BoolLit, ListLit, MapLit, NameRef, Member, Index,
                Call, Unary, Binary, Ternary, HttpProbe, EnvRef>
       node;
};

// ---------------------------------------------------------------- durations known before the run

/// A duration where the language needs its value before the run (`for`,
/// `grace`, a trigger's `every`, `timeout`, `retry ... every`) may be written
/// as the name of a param instead of a literal: `for p0_window`. The parser
/// keeps the name here; the checker (check/duration_params.hpp) checks it is a
/// duration param and writes its value (the default, or the -p value) into the
/// matching `*_ms` field, so every later pass reads a number as if a literal
/// had been written.
struct DurationParam {
   std::string name;                      ///< Empty: a literal (or nothing) was written.
   Location loc;
   explicit operator bool() const { return !name.empty(); }
};

// ---------------------------------------------------------------- conditions

enum class OnLost { Default, Pause, Fail, Rollback };

/// `on fail rollback NAME | stop | { steps }`: where a failure goes
/// (docs/language.md, "Failure routes"). Written on a condition, a step, a
/// phase or the whole runbook; the innermost one written wins.
struct FailRoute {
   enum class Kind { None, Rollback, Stop, Steps } kind = Kind::None;
   Location loc;
   std::string rollback;                  ///< Kind::Rollback: the rollback block.
   Block steps;                           ///< Kind::Steps: run, then the run goes on after the failed step.
   explicit operator bool() const { return kind != Kind::None; }
};

/// A boolean expression with the watching clauses of the language.
struct Condition {
   Location loc;
   ExprPtr expr;
   std::optional<double> for_ms;          ///< `for 5m`: sustained window.
   DurationParam for_param;               ///< `for p0_window` (resolved into for_ms by the checker).
   bool for_consecutive = false;          ///< `for 5m consecutive`: in a watch, one unbroken span (else the total).
   std::optional<int> after_failures;     ///< `after K failures`: failure budget.
   bool consecutive = false;              ///< `after K consecutive failures`.
   std::optional<int> lost_after_errors;  ///< `lost after N errors`.
   OnLost on_lost = OnLost::Default;
   std::string on_lost_rollback;          ///< For OnLost::Rollback.
   Location on_lost_loc;
   FailRoute on_fail;                     ///< `on fail ROUTE`: where this condition's failure goes.
};

// ---------------------------------------------------------------- steps

struct StepOptions {
   std::optional<double> timeout_ms;
   std::optional<int> retry_count;
   std::optional<double> retry_every_ms;
   DurationParam timeout_param;           ///< `timeout restore_timeout` (resolved into timeout_ms).
   DurationParam retry_every_param;       ///< `retry 3 every backoff` (resolved into retry_every_ms).
   bool idempotent = false;
   std::string explicit_id;               ///< `id "name"`.
   std::string capture;                   ///< `as NAME`.
   Block undo;                            ///< `undo { ... }` compensation.
   bool has_undo = false;
   FailRoute on_fail;                     ///< `on fail ROUTE`: where this step's failure goes.
   bool soft = false;                     ///< `soft`: a failure is recorded, the block goes on and fails at its end.
};

struct Expectation {
   Location loc;
   enum class Kind { Status, Json, Exit } kind = Kind::Status;
   std::string json_path;                 ///< Kind::Json.
   std::string op = "==";                 ///< Kind::Json: comparison operator.
   ExprPtr value;                         ///< Status code, exit code or expected JSON value.
   int status_class = 0;                  ///< Kind::Status `2xx`: 2 (and no value).

   /// `2xx` for status_class 2.
   std::string status_class_word() const { return std::to_string(status_class) + "xx"; }
};

struct ShStep { ExprPtr command; std::vector<Expectation> expects; };
struct HttpStep {
   std::string method;                    ///< Upper-case: GET, POST, ...
   ExprPtr url;
   std::vector<std::pair<std::string, ExprPtr>> headers;
   ExprPtr body;                          ///< May be null.
   std::vector<Expectation> expects;
};
struct ChecklistItem { Location loc; ExprPtr text; };
/// What an operator's question does when nobody answers, and where a "no"
/// goes: `timeout D default no|yes` (the timeout is the step's option) and
/// `else ROUTE` on approve and checklist (docs/language.md, "Decisions").
struct Decision {
   std::optional<std::string> default_answer;   ///< Chosen when the step's timeout passes unanswered.
   Location default_loc;
   FailRoute otherwise;                         ///< `else ROUTE`: where a "no" goes (else: the failure's route).
};
struct ChecklistStep { ExprPtr title; std::vector<ChecklistItem> items; Decision decision; };
struct ApproveStep { ExprPtr prompt; Decision decision; };
/// `ask "question" choices ["a", "b"] timeout D default "a" as NAME`: the
/// operator picks one of fixed choices; `as NAME` captures it as a string.
/// Nobody answering within the timeout takes the default; without one it is
/// a failure of the step (docs/language.md, "Decisions").
struct AskStep {
   ExprPtr question;
   std::vector<std::string> choices;
   Location choices_loc;
   Decision decision;                     ///< Only `default`: an ask has no "no" for an `else`.
};
struct WaitStep { ExprPtr duration; };
struct WatchStep { ExprPtr duration; ExprPtr every; std::vector<Condition> conditions; };
struct AwaitStep { Condition condition; ExprPtr timeout; ExprPtr every; };
struct AssertStep { Condition condition; ExprPtr message; };
struct RollbackStep { std::string target; Location target_loc; };
struct AbortStep { ExprPtr reason; };
struct LogStep { ExprPtr message; };
struct NotifyStep { ExprPtr message; };
struct LetStep { std::string name; ExprPtr value; };
struct IfStep { ExprPtr cond; Block then_block; Block else_block; };
struct ForStep { std::string variable; Location variable_loc; ExprPtr items; Block body; };
struct CallStep { ExprPtr call; };       ///< An Expr holding a Call.
struct ReturnStep { ExprPtr value; };
struct UndoAllStep {};
/// `undo "full-rollout/update-dns"`: runs the `undo` block of that one step,
/// only if it completed in this run and was not undone yet.
struct UndoStep {
   std::string target;                    ///< As written.
   Location target_loc;
   std::string step_id;                   ///< Filled by the checker: the static id of the step it names.
};

// ---------------------------------------------------------------- timed actions (signals, timers)

/// `after 15m unless resolved { steps }`: arms a timer and goes on at once;
/// when the delay has passed the steps run beside whatever runs then, unless
/// the signal was given first (docs/language.md, "Timers and signals").
struct AfterStep {
   ExprPtr delay;                         ///< A duration.
   std::string signal;                    ///< Empty: no `unless`.
   Location signal_loc;
   Block body;
};

struct Step {
   Location loc;
   std::variant<ShStep, HttpStep, ChecklistStep, ApproveStep, AskStep, WaitStep, WatchStep, AwaitStep,
                AssertStep, RollbackStep, AbortStep, LogStep, NotifyStep, LetStep, IfStep,
                ForStep, CallStep, ReturnStep, UndoAllStep, AfterStep, UndoStep>
       node;
   StepOptions options;
   /// Filled by the checker: the static part of the step's stable id, e.g.
   /// "canary-deployment/3" or "canary-deployment/route-green". The interpreter
   /// appends loop iterations and call frames at run time.
   std::string id;
};

// ---------------------------------------------------------------- declarations

struct Use { Location loc; std::string path; std::string alias; };
struct Param { Location loc; std::string name; Type type = Type::Any; ExprPtr default_value; };
struct Secret { Location loc; std::string name; std::string env_var; };

struct MetricSource {
   enum class Kind { Http, Prometheus, Shell } kind = Kind::Http;
   ExprPtr target;                        ///< URL (http), server URL (prometheus), command (sh).
   ExprPtr query;                         ///< PromQL for prometheus.
   std::string json_path;                 ///< For http.
   std::vector<std::pair<std::string, ExprPtr>> headers;
};

/// One source of a metric. `metric x = SOURCE ...` has one, unconditional;
/// `metric x unit U { SOURCE if COND ... }` lists alternatives, first
/// applicable wins (docs/language.md, "metric").
struct MetricAlternative {
   Location loc;
   MetricSource source;
   ExprPtr condition;                     ///< `if COND` on params only; null: always applies.
};

struct Metric {
   Location loc;
   std::string name;
   std::vector<MetricAlternative> alternatives;
   /// Filled by the checker (check/metric_choice.hpp) from the params, so
   /// check, plan, simulate and run read the same source.
   std::size_t chosen = 0;
   /// The params whose values decided the choice (empty for one source).
   std::vector<std::string> chosen_by;
   const MetricSource& source() const { return alternatives.at(chosen).source; }
   std::string unit_spelling;             ///< As written: "%", "ratio", "ms", "s", "count"...
   Unit unit = Unit::None;
   double scale = 1;                      ///< Raw sample * scale = value in the unit's base (ms, %, bytes, bytes/s).
   std::optional<double> timeout_ms;
   DurationParam timeout_param;           ///< `timeout sample_timeout` (resolved into timeout_ms).
   int lost_after_errors = 3;
};

enum class Severity { P0, P1, P2, P3 };

struct TriggerAction {
   Location loc;
   enum class Kind { Rollback, Notify, Record, Call } kind = Kind::Record;
   std::string rollback;                  ///< Kind::Rollback.
   ExprPtr value;                         ///< Notify text or the call expression.
};

struct Trigger {
   Location loc;
   bool is_warning = false;
   std::string name;
   std::string title;                     ///< Defaults to name.
   Condition condition;
   Severity severity = Severity::P0;
   std::optional<double> grace_ms;        ///< P1 grace period (default 15m).
   std::optional<double> every_ms;        ///< Sampling interval (default 30s).
   DurationParam grace_param;             ///< `grace p1_grace` (resolved into grace_ms).
   DurationParam every_param;             ///< `every trigger_every` (resolved into every_ms).
   TriggerAction action;
   /// `manual`: no condition; fired by `runbook fire RUN NAME` (condition.expr stays null).
   bool manual = false;
   /// P2 `decide within D default CHOICE`: the question's deadline and its answer after it.
   std::optional<double> decide_ms;
   DurationParam decide_param;
   std::string decide_default;            ///< "continue", "rollback" or "abort"; empty: not written.
};

/// `signal resolved "The incident is resolved"`: a fact an operator gives a
/// running run (`runbook signal RUN NAME`); it cancels the timers `unless` it.
struct Signal { Location loc; std::string name; std::string title; };

/// `ensure "traffic is 100% on one environment" traffic.one_environment(lb, lb_token)`:
/// an end-state invariant, evaluated once when the run ends (docs/verify.md, "ensure").
struct Ensure {
   Location loc;
   std::string title;
   ExprPtr expr;                          ///< Boolean, over params, secrets and calls (no metrics).
};

struct Function {
   Location loc;
   std::string name;
   std::vector<std::pair<std::string, Location>> params;
   Block body;
};

struct Phase {
   Location loc;
   std::string title;
   std::string slug;                      ///< "Canary deployment" -> "canary-deployment".
   bool arms_all = false;
   std::vector<std::pair<std::string, Location>> arms;
   FailRoute on_fail;                     ///< `on fail ROUTE` before the body: the phase's route.
   Block body;
   Block finally;                         ///< `finally { }`: runs whether the body succeeded or failed.
};

struct RollbackBlock {
   Location loc;
   std::string name;
   Block body;
   Block finally;                         ///< `finally { }`: runs whether the rollback succeeded or failed.
   /// `rollback NAME within 5m [-> ACTION]`: the bound, and what runs when it is exceeded.
   std::optional<double> within_ms;
   DurationParam within_param;
   std::optional<TriggerAction> overrun_action;
};

/// One parsed file: a runbook or a module. Modules hold functions (and may
/// hold params, metrics and triggers that the importing runbook can use).
struct File {
   const SourceFile* source = nullptr;
   std::string title;                     ///< From `runbook "title"`; empty for modules.
   Location title_loc;
   /// From `lock "name"`: runbooks naming one lock exclude each other's
   /// runs. Empty: the lock is the runbook itself (its path and title).
   std::string lock;
   Location lock_loc;
   std::vector<Use> uses;
   std::vector<Param> params;
   std::vector<Secret> secrets;
   std::vector<Metric> metrics;
   std::vector<Trigger> triggers;
   std::vector<Signal> signals;
   std::vector<Function> functions;
   std::vector<Phase> phases;
   std::vector<RollbackBlock> rollbacks;
   std::vector<Ensure> ensures;           ///< In declaration order: `ensure/1`, `ensure/2`, ...
   FailRoute on_fail;                     ///< Top-level `on fail ROUTE`: the runbook-wide default.
};

}  // namespace runbook::ast
