// The scenario grammar (PEGTL) and its error messages.
//
// Included only by scenario_parser.cpp, which adds the actions: keeping PEGTL
// out of every other translation unit keeps builds fast. The format is
// documented in docs/scenarios.md; every line is one statement led by a
// keyword, and every alternative commits (if_must) right after its keyword,
// so an error names what was expected at the exact column.
#pragma once

#include <tao/pegtl.hpp>

namespace runbook::sim::scenario_grammar {

// ---------------------------------------------------------------- the grammar

namespace rules {
using namespace tao::pegtl;

// clang-format off

// Blanks separate tokens; a comment runs to the end of the line.
struct ws : star< blank > {};
struct comment : seq< one< '#' >, star< any > > {};
struct statement_end : seq< opt< comment >, eof > {};

struct identifier : seq< ranges< 'a', 'z', 'A', 'Z', '_' >, star< ranges< 'a', 'z', 'A', 'Z', '0', '9', '_', '_', '-', '-' > > > {};

// "..." with \" \\ \n \t escapes; '...' verbatim. Both end on the same line.
struct escape : seq< one< '\\' >, one< '"', '\\', 'n', 't', '$' > > {};
struct dq_body : star< sor< escape, not_one< '"', '\\' > > > {};
struct dq_close : one< '"' > {};
struct dq_string : if_must< one< '"' >, dq_body, dq_close > {};
struct sq_body : star< not_one< '\'' > > {};
struct sq_close : one< '\'' > {};
struct sq_string : if_must< one< '\'' >, sq_body, sq_close > {};
struct string_lit : sor< dq_string, sq_string > {};

// A number with an optional unit (2%, 500ms, 1h30m, 10MB, 12MB/min); checked by parse_quantity.
struct quantity_token : seq< opt< one< '-' > >, digit, star< sor< digit, one< '.' >, alpha, one< '%' >, seq< one< '/' >, alpha > > > > {};
struct integer : plus< digit > {};
struct star_glob : one< '*' > {};

struct kw_scenario : TAO_PEGTL_KEYWORD( "scenario" ) {};
struct kw_runbook : TAO_PEGTL_KEYWORD( "runbook" ) {};
struct kw_param : TAO_PEGTL_KEYWORD( "param" ) {};
struct kw_start : TAO_PEGTL_KEYWORD( "start" ) {};
struct kw_limit : TAO_PEGTL_KEYWORD( "limit" ) {};
struct kw_metric : TAO_PEGTL_KEYWORD( "metric" ) {};
struct kw_sh : TAO_PEGTL_KEYWORD( "sh" ) {};
struct kw_http : TAO_PEGTL_KEYWORD( "http" ) {};
struct kw_answer : TAO_PEGTL_KEYWORD( "answer" ) {};
struct kw_interrupt : TAO_PEGTL_KEYWORD( "interrupt" ) {};
struct kw_expect : TAO_PEGTL_KEYWORD( "expect" ) {};
struct kw_ramp : TAO_PEGTL_KEYWORD( "ramp" ) {};
struct kw_to : TAO_PEGTL_KEYWORD( "to" ) {};
struct kw_over : TAO_PEGTL_KEYWORD( "over" ) {};
struct kw_unreachable : TAO_PEGTL_KEYWORD( "unreachable" ) {};
struct kw_noise : TAO_PEGTL_KEYWORD( "noise" ) {};
struct kw_seed : TAO_PEGTL_KEYWORD( "seed" ) {};
struct kw_from : TAO_PEGTL_KEYWORD( "from" ) {};
struct kw_until : TAO_PEGTL_KEYWORD( "until" ) {};
struct kw_for : TAO_PEGTL_KEYWORD( "for" ) {};
struct kw_after : TAO_PEGTL_KEYWORD( "after" ) {};
struct kw_traffic : TAO_PEGTL_KEYWORD( "traffic" ) {};
struct kw_reaches : TAO_PEGTL_KEYWORD( "reaches" ) {};
struct kw_step : TAO_PEGTL_KEYWORD( "step" ) {};
struct kw_phase : TAO_PEGTL_KEYWORD( "phase" ) {};
struct kw_rollback : TAO_PEGTL_KEYWORD( "rollback" ) {};
struct kw_trigger : TAO_PEGTL_KEYWORD( "trigger" ) {};
struct kw_starts : TAO_PEGTL_KEYWORD( "starts" ) {};
struct kw_finishes : TAO_PEGTL_KEYWORD( "finishes" ) {};
struct kw_fires : TAO_PEGTL_KEYWORD( "fires" ) {};
struct kw_fails : TAO_PEGTL_KEYWORD( "fails" ) {};
struct kw_succeeds : TAO_PEGTL_KEYWORD( "succeeds" ) {};
struct kw_times : TAO_PEGTL_KEYWORD( "times" ) {};
struct kw_time : TAO_PEGTL_KEYWORD( "time" ) {};
struct kw_out : TAO_PEGTL_KEYWORD( "out" ) {};
struct kw_status : TAO_PEGTL_KEYWORD( "status" ) {};
struct kw_exit : TAO_PEGTL_KEYWORD( "exit" ) {};
struct kw_exits : TAO_PEGTL_KEYWORD( "exits" ) {};
struct kw_body : TAO_PEGTL_KEYWORD( "body" ) {};
struct kw_prints : TAO_PEGTL_KEYWORD( "prints" ) {};
struct kw_output : TAO_PEGTL_KEYWORD( "output" ) {};
struct kw_takes : TAO_PEGTL_KEYWORD( "takes" ) {};
struct kw_crashes : TAO_PEGTL_KEYWORD( "crashes" ) {};
struct kw_on : TAO_PEGTL_KEYWORD( "on" ) {};
struct kw_call : TAO_PEGTL_KEYWORD( "call" ) {};
struct kw_with : TAO_PEGTL_KEYWORD( "with" ) {};
struct kw_returns : TAO_PEGTL_KEYWORD( "returns" ) {};
struct kw_never : TAO_PEGTL_KEYWORD( "never" ) {};
struct kw_at : TAO_PEGTL_KEYWORD( "at" ) {};
struct kw_resume : TAO_PEGTL_KEYWORD( "resume" ) {};
struct kw_outcome : TAO_PEGTL_KEYWORD( "outcome" ) {};
struct kw_completed : TAO_PEGTL_KEYWORD( "completed" ) {};
struct kw_failed : TAO_PEGTL_KEYWORD( "failed" ) {};
struct kw_aborted : TAO_PEGTL_KEYWORD( "aborted" ) {};
struct kw_interrupted : TAO_PEGTL_KEYWORD( "interrupted" ) {};
struct kw_rolled : TAO_PEGTL_KEYWORD( "rolled" ) {};
struct kw_back : TAO_PEGTL_KEYWORD( "back" ) {};
struct kw_via : TAO_PEGTL_KEYWORD( "via" ) {};
struct kw_fired : TAO_PEGTL_KEYWORD( "fired" ) {};
struct kw_not : TAO_PEGTL_KEYWORD( "not" ) {};
struct kw_within : TAO_PEGTL_KEYWORD( "within" ) {};
struct kw_of : TAO_PEGTL_KEYWORD( "of" ) {};
struct kw_fault : TAO_PEGTL_KEYWORD( "fault" ) {};
struct kw_ran : TAO_PEGTL_KEYWORD( "ran" ) {};
struct kw_variable : TAO_PEGTL_KEYWORD( "variable" ) {};
struct kw_question : TAO_PEGTL_KEYWORD( "question" ) {};
struct kw_asked : TAO_PEGTL_KEYWORD( "asked" ) {};
struct kw_ensure : TAO_PEGTL_KEYWORD( "ensure" ) {};
struct kw_held : TAO_PEGTL_KEYWORD( "held" ) {};
struct kw_broken : TAO_PEGTL_KEYWORD( "broken" ) {};
struct kw_called : TAO_PEGTL_KEYWORD( "called" ) {};
struct kw_true : TAO_PEGTL_KEYWORD( "true" ) {};
struct kw_at_signal : TAO_PEGTL_KEYWORD( "signal" ) {};
struct kw_fire : TAO_PEGTL_KEYWORD( "fire" ) {};
struct kw_notification : TAO_PEGTL_KEYWORD( "notification" ) {};
struct kw_sent : TAO_PEGTL_KEYWORD( "sent" ) {};
struct kw_by : TAO_PEGTL_KEYWORD( "by" ) {};
struct kw_one : TAO_PEGTL_KEYWORD( "one" ) {};
struct kw_environment : TAO_PEGTL_KEYWORD( "environment" ) {};
struct kw_false : TAO_PEGTL_KEYWORD( "false" ) {};

// ---- anchors: T+2h | 10m after EVENT | EVENT
struct t_plus : string< 'T', '+' > {};
struct anchor_offset_value : quantity_token {};
struct anchor_absolute : if_must< t_plus, anchor_offset_value > {};
struct traffic_environment : identifier {};
struct traffic_percent : quantity_token {};
struct event_traffic : if_must< kw_traffic, ws, traffic_environment, ws, kw_reaches, ws, traffic_percent > {};
struct event_pattern : sor< string_lit, star_glob > {};
struct step_starts : kw_starts {};
struct step_finishes : kw_finishes {};
struct step_edge : sor< step_starts, step_finishes > {};
struct event_step : if_must< kw_step, ws, event_pattern, ws, step_edge > {};
struct event_phase : if_must< kw_phase, ws, event_pattern, ws, kw_starts > {};
struct rollback_event_name : identifier {};
struct rollback_event_rest : sor< kw_starts, seq< rollback_event_name, ws, kw_starts > > {};
struct event_rollback : if_must< kw_rollback, ws, rollback_event_rest > {};
struct trigger_event_name : identifier {};
struct event_trigger : if_must< kw_trigger, ws, trigger_event_name, ws, kw_fires > {};
struct event : sor< event_traffic, event_step, event_phase, event_rollback, event_trigger > {};
struct anchor_relative_offset : quantity_token {};
struct anchor_relative : if_must< seq< anchor_relative_offset, ws, kw_after >, ws, event > {};
struct anchor_begin : success {};
struct anchor : seq< anchor_begin, sor< anchor_absolute, anchor_relative, event > > {};

// ---- windows
struct from_anchor : anchor {};
struct from_clause : if_must< kw_from, ws, from_anchor > {};
struct until_anchor : anchor {};
struct until_clause : if_must< kw_until, ws, until_anchor > {};
struct for_duration : quantity_token {};
struct for_clause : if_must< kw_for, ws, for_duration > {};

// ---- scenario "title" | runbook "path" | param name = value | start "..." | limit D
struct scenario_title : string_lit {};
struct scenario_statement : if_must< kw_scenario, ws, scenario_title, ws, statement_end > {};
struct runbook_path : string_lit {};
struct runbook_statement : if_must< kw_runbook, ws, runbook_path, ws, statement_end > {};
struct param_name : identifier {};
struct param_equals : one< '=' > {};
struct param_bare_value : plus< not_one< ' ', '\t', '#' > > {};
struct param_value : sor< string_lit, param_bare_value > {};
struct param_statement : if_must< kw_param, ws, param_name, ws, param_equals, ws, param_value, ws, statement_end > {};
struct start_time : string_lit {};
struct start_statement : if_must< kw_start, ws, start_time, ws, statement_end > {};
struct limit_duration : quantity_token {};
struct limit_statement : if_must< kw_limit, ws, limit_duration, ws, statement_end > {};

// ---- metric NAME = VALUE [noise Q] [seed N] [from A] [until A | for D]
struct metric_name : identifier {};
struct metric_equals : one< '=' > {};
struct ramp_start : quantity_token {};
struct ramp_end : quantity_token {};
struct ramp_duration : quantity_token {};
struct ramp_value : if_must< kw_ramp, ws, ramp_start, ws, kw_to, ws, ramp_end, ws, kw_over, ws, ramp_duration > {};
struct unreachable_message : string_lit {};
struct unreachable_value : seq< kw_unreachable, opt< ws, unreachable_message > > {};
struct constant_value : quantity_token {};
struct metric_value : sor< ramp_value, unreachable_value, constant_value > {};
struct noise_amplitude : quantity_token {};
struct noise_clause : if_must< kw_noise, ws, noise_amplitude > {};
struct seed_number : integer {};
struct seed_clause : if_must< kw_seed, ws, seed_number > {};
struct metric_clause : sor< noise_clause, seed_clause, from_clause, until_clause, for_clause > {};
struct metric_end : statement_end {};
struct metric_statement : if_must< kw_metric, ws, metric_name, ws, metric_equals, ws, metric_value, star< ws, metric_clause >, ws, metric_end > {};

// ---- sh PATTERN ANSWER... | http METHOD PATTERN ANSWER...
struct effect_pattern : sor< string_lit, star_glob > {};
struct http_method : sor< identifier, star_glob > {};
struct fails_clause : kw_fails {};
struct succeeds_clause : kw_succeeds {};
struct unreachable_clause : seq< kw_unreachable, opt< ws, unreachable_message > > {};
struct times_out_clause : if_must< kw_times, ws, kw_out > {};
struct crashes_clause : kw_crashes {};
struct status_code : integer {};
struct status_clause : if_must< kw_status, ws, status_code > {};
struct exit_code : integer {};
struct exit_clause : if_must< sor< kw_exits, kw_exit >, ws, exit_code > {};
struct body_text : string_lit {};
struct body_clause : if_must< kw_body, ws, body_text > {};
struct output_text : string_lit {};
struct output_clause : if_must< sor< kw_prints, kw_output >, ws, output_text > {};
struct takes_duration : quantity_token {};
struct takes_clause : if_must< kw_takes, ws, takes_duration > {};
struct on_call_number : integer {};
struct on_call_clause : if_must< kw_on, ws, kw_call, ws, on_call_number > {};
struct from_call_number : integer {};
struct from_call : if_must< kw_call, ws, from_call_number > {};
struct effect_from_target : sor< from_call, from_anchor > {};
struct effect_from_clause : if_must< kw_from, ws, effect_from_target > {};
struct filler_clause : sor< kw_with, kw_returns > {};
struct effect_clause : sor< fails_clause, succeeds_clause, unreachable_clause, times_out_clause, crashes_clause, status_clause, exit_clause,
                            body_clause, output_clause, takes_clause, on_call_clause, effect_from_clause, until_clause,
                            for_clause, filler_clause > {};
struct effect_end : statement_end {};
struct sh_begin : kw_sh {};
struct sh_statement : if_must< sh_begin, ws, effect_pattern, star< ws, effect_clause >, ws, effect_end > {};
struct http_begin : kw_http {};
struct http_statement : if_must< http_begin, ws, http_method, ws, effect_pattern, star< ws, effect_clause >, ws, effect_end > {};

// ---- answer KIND PATTERN CHOICE [after D]
struct answer_kind : sor< identifier, star_glob > {};
struct answer_pattern : sor< string_lit, star_glob > {};
struct answer_never : kw_never {};
struct answer_choice_word : identifier {};
struct answer_choice_string : string_lit {};
struct answer_choice : sor< answer_never, answer_choice_word, answer_choice_string > {};
struct answer_delay : quantity_token {};
struct answer_after : if_must< kw_after, ws, answer_delay > {};
struct answer_end : statement_end {};
struct answer_statement : if_must< kw_answer, ws, answer_kind, ws, answer_pattern, ws, answer_choice, opt< ws, answer_after >, ws, answer_end > {};

// ---- interrupt at ANCHOR [resume after D]
struct interrupt_anchor : anchor {};
struct resume_delay : quantity_token {};
struct resume_clause : if_must< kw_resume, ws, kw_after, ws, resume_delay > {};
struct interrupt_end : statement_end {};
struct interrupt_statement : if_must< kw_interrupt, ws, kw_at, ws, interrupt_anchor, opt< ws, resume_clause >, ws, interrupt_end > {};

// ---- at WHEN signal NAME | at WHEN fire NAME: an operator acting from another terminal
struct action_offset : quantity_token {};
struct action_when : sor< anchor, action_offset > {};
struct action_signal : kw_at_signal {};
struct action_fire : kw_fire {};
struct action_verb : sor< action_signal, action_fire > {};
struct action_name : identifier {};
struct action_end : statement_end {};
struct at_statement : if_must< kw_at, ws, action_when, ws, action_verb, ws, action_name, ws, action_end > {};

// ---- expect ...
struct outcome_completed : kw_completed {};
struct outcome_failed : kw_failed {};
struct outcome_aborted : kw_aborted {};
struct outcome_interrupted : kw_interrupted {};
struct outcome_rollback_name : identifier {};
struct outcome_via : if_must< kw_via, ws, outcome_rollback_name > {};
struct outcome_rolled_back : if_must< kw_rolled, ws, kw_back, opt< ws, outcome_via > > {};
struct outcome_rollback_failed : if_must< kw_rollback, ws, kw_failed > {};
struct outcome_word : sor< outcome_completed, outcome_failed, outcome_aborted, outcome_interrupted, outcome_rolled_back, outcome_rollback_failed > {};
struct expect_outcome : if_must< kw_outcome, ws, outcome_word > {};
struct expected_exit : integer {};
struct expect_exit : if_must< kw_exit, ws, expected_exit > {};
struct expected_trigger : identifier {};
struct trigger_fired : kw_fired {};
struct trigger_not_fired : if_must< kw_not, ws, kw_fired > {};
struct trigger_verdict : sor< trigger_fired, trigger_not_fired > {};
struct expect_trigger : if_must< kw_trigger, ws, expected_trigger, ws, trigger_verdict > {};
struct within_duration : quantity_token {};
struct of_fault : kw_fault {};
struct of_anchor : anchor {};
// `of trigger` (alone): the first trigger that fired.
struct of_trigger : seq< kw_trigger, ws, at< statement_end > > {};
struct of_target : sor< of_fault, of_trigger, of_anchor > {};
// `rollback completed within 5m of trigger`: the rollback block finished in time.
struct rollback_completed : kw_completed {};
struct expect_rollback : if_must< kw_rollback, ws, opt< rollback_completed, ws >, kw_within, ws, within_duration, ws, kw_of, ws, of_target > {};
struct expected_step : sor< string_lit, star_glob > {};
struct step_ran : kw_ran {};
struct step_never_ran : if_must< kw_never, ws, kw_ran > {};
struct step_verdict : sor< step_ran, step_never_ran > {};
struct expect_step : if_must< kw_step, ws, expected_step, ws, step_verdict > {};
struct variable_name : identifier {};
struct compare_op : sor< string< '=', '=' >, string< '!', '=' >, string< '<', '=' >, string< '>', '=' >, one< '<' >, one< '>' > > {};
struct expected_string : string_lit {};
struct expected_bool : sor< kw_true, kw_false > {};
struct expected_quantity : quantity_token {};
struct expected_value : sor< expected_string, expected_bool, expected_quantity > {};
struct expect_variable : if_must< kw_variable, ws, variable_name, ws, compare_op, ws, expected_value > {};
struct expected_environment : identifier {};
struct expected_share : quantity_token {};
struct traffic_one_environment : seq< kw_on, ws, kw_one, ws, kw_environment > {};
struct traffic_split : if_must< expected_environment, ws, expected_share > {};
struct expect_traffic : if_must< kw_traffic, ws, sor< traffic_one_environment, traffic_split > > {};
struct expected_question : sor< string_lit, star_glob > {};
struct question_asked : kw_asked {};
struct question_never_asked : if_must< kw_never, ws, kw_asked > {};
struct question_verdict : sor< question_asked, question_never_asked > {};
struct expect_question : if_must< kw_question, ws, expected_question, ws, question_verdict > {};
// `expect ensure "TITLE" held|broken`: the runbook's invariant, as evaluated when the run ended.
struct expected_ensure : string_lit {};
struct ensure_held : kw_held {};
struct ensure_broken : kw_broken {};
struct ensure_verdict : sor< ensure_held, ensure_broken > {};
struct expect_ensure : if_must< kw_ensure, ws, expected_ensure, ws, ensure_verdict > {};
struct call_count_number : integer {};
struct called_times : if_must< kw_called, ws, call_count_number, ws, sor< kw_times, kw_time > > {};
struct never_called : if_must< kw_never, ws, kw_called > {};
struct call_count : sor< called_times, never_called > {};
struct expected_command : sor< string_lit, star_glob > {};
struct expect_sh_calls : if_must< kw_sh, ws, expected_command, ws, call_count > {};
struct expected_method : sor< identifier, star_glob > {};
struct expected_url : sor< string_lit, star_glob > {};
struct expect_http_calls : if_must< kw_http, ws, expected_method, ws, expected_url, ws, call_count > {};
// `notification "GLOB" sent [N times] [at 15m] [from A] [until A | by A | for D]` / `never sent`:
// a notify step, or a message POSTed somewhere (Slack, the status page), in the timeline.
struct expected_notification : sor< string_lit, star_glob > {};
struct notification_count_number : integer {};
struct notification_count : if_must< notification_count_number, ws, sor< kw_times, kw_time > > {};
struct notification_at : quantity_token {};
struct notification_at_clause : if_must< kw_at, ws, notification_at > {};
struct notification_sent : seq< kw_sent, opt< ws, notification_count >, opt< ws, notification_at_clause > > {};
struct notification_never_sent : if_must< kw_never, ws, kw_sent > {};
struct notification_verdict : sor< notification_sent, notification_never_sent > {};
struct by_anchor : anchor {};
struct by_clause : if_must< kw_by, ws, by_anchor > {};
struct notification_clause : sor< from_clause, until_clause, by_clause, for_clause > {};
struct expect_notification : if_must< kw_notification, ws, expected_notification, ws, notification_verdict, star< ws, notification_clause > > {};
struct expect_body : sor< expect_outcome, expect_exit, expect_trigger, expect_rollback, expect_step, expect_variable,
                          expect_traffic, expect_question, expect_ensure, expect_sh_calls, expect_http_calls, expect_notification > {};
struct expect_end : statement_end {};
struct expect_statement : if_must< kw_expect, ws, expect_body, ws, expect_end > {};

// ---- a line
struct statement : sor< scenario_statement, runbook_statement, param_statement, start_statement, limit_statement,
                        metric_statement, sh_statement, http_statement, answer_statement, interrupt_statement,
                        at_statement, expect_statement > {};
struct blank_line : seq< opt< comment >, eof > {};
struct line : seq< ws, sor< blank_line, must< statement > > > {};

// clang-format on

}  // namespace rules

// ---------------------------------------------------------------- error messages

namespace errors {

template <typename Rule> inline constexpr const char* message = nullptr;

template <> inline constexpr const char* message<rules::ws> = "expected a space";
template <> inline constexpr const char* message<rules::statement> =
   "expected a statement: scenario, runbook, param, start, limit, metric, sh, http, answer, interrupt, at or expect";
template <> inline constexpr const char* message<rules::dq_body> = "expected the text of a string";
template <> inline constexpr const char* message<rules::dq_close> = "unterminated string: expected '\"' before the end of the line";
template <> inline constexpr const char* message<rules::sq_body> = "expected the text of a string";
template <> inline constexpr const char* message<rules::sq_close> = "unterminated string: expected ' before the end of the line";
template <> inline constexpr const char* message<rules::statement_end> = "unexpected text at the end of the statement";
// opt<> and star<> never fail; they only need a message because must<> names them.
template <typename... R> inline constexpr const char* message<tao::pegtl::opt<R...>> = "unexpected text";
template <typename... R> inline constexpr const char* message<tao::pegtl::star<R...>> = "unexpected text";
template <> inline constexpr const char* message<rules::scenario_title> = "expected the scenario's title as a string, e.g. scenario \"error spike at 25%\"";
template <> inline constexpr const char* message<rules::runbook_path> = "expected the runbook's path as a string, e.g. runbook \"../rollout.rb\"";
template <> inline constexpr const char* message<rules::param_name> = "expected a parameter name";
template <> inline constexpr const char* message<rules::param_equals> = "expected '=' after the parameter name";
template <> inline constexpr const char* message<rules::param_value> = "expected the parameter's value";
template <> inline constexpr const char* message<rules::start_time> = "expected the start time as a string, e.g. start \"2026-01-06T14:00:00Z\"";
template <> inline constexpr const char* message<rules::limit_duration> = "expected a duration such as 12h";
template <> inline constexpr const char* message<rules::metric_name> = "expected the metric's name";
template <> inline constexpr const char* message<rules::metric_equals> = "expected '=' after the metric's name";
template <> inline constexpr const char* message<rules::metric_value> =
   "expected the metric's value: a number such as 0.05% or 80ms, 'ramp A to B over D', or 'unreachable'";
template <> inline constexpr const char* message<rules::metric_end> =
   "expected 'noise', 'seed', 'from', 'until', 'for' or the end of the line";
template <> inline constexpr const char* message<rules::ramp_start> = "expected the value the ramp starts from";
template <> inline constexpr const char* message<rules::kw_to> = "expected 'to' in 'ramp A to B over D'";
template <> inline constexpr const char* message<rules::ramp_end> = "expected the value the ramp ends at";
template <> inline constexpr const char* message<rules::kw_over> = "expected 'over' in 'ramp A to B over D'";
template <> inline constexpr const char* message<rules::ramp_duration> = "expected how long the ramp takes, e.g. over 20m";
template <> inline constexpr const char* message<rules::noise_amplitude> = "expected the noise amplitude, e.g. noise 0.01%";
template <> inline constexpr const char* message<rules::seed_number> = "expected the noise seed, a whole number";
template <> inline constexpr const char* message<rules::from_anchor> =
   "expected when: T+DURATION, DURATION after EVENT, or an EVENT (traffic ENV reaches N%, step \"ID\" starts|finishes, phase \"TITLE\" starts, rollback [NAME] starts, trigger NAME fires)";
template <> inline constexpr const char* message<rules::until_anchor> = message<rules::from_anchor>;
template <> inline constexpr const char* message<rules::interrupt_anchor> = message<rules::from_anchor>;
template <> inline constexpr const char* message<rules::for_duration> = "expected a duration such as 15m";
template <> inline constexpr const char* message<rules::anchor_offset_value> = "expected a duration after 'T+', e.g. T+2h";
template <> inline constexpr const char* message<rules::event> =
   "expected an event: traffic ENV reaches N%, step \"ID\" starts|finishes, phase \"TITLE\" starts, rollback [NAME] starts or trigger NAME fires";
template <> inline constexpr const char* message<rules::traffic_environment> = "expected an environment name, e.g. traffic green reaches 25%";
template <> inline constexpr const char* message<rules::kw_reaches> = "expected 'reaches', e.g. traffic green reaches 25%";
template <> inline constexpr const char* message<rules::traffic_percent> = "expected a percentage, e.g. 25%";
template <> inline constexpr const char* message<rules::event_pattern> = "expected a string or '*'";
template <> inline constexpr const char* message<rules::step_edge> = "expected 'starts' or 'finishes'";
template <> inline constexpr const char* message<rules::kw_starts> = "expected 'starts'";
template <> inline constexpr const char* message<rules::rollback_event_rest> = "expected 'starts' or a rollback name then 'starts'";
template <> inline constexpr const char* message<rules::trigger_event_name> = "expected a trigger name";
template <> inline constexpr const char* message<rules::kw_fires> = "expected 'fires', e.g. trigger high_errors fires";
template <> inline constexpr const char* message<rules::effect_pattern> = "expected the command or URL to match, as a string (globs: * and ?) or '*'";
template <> inline constexpr const char* message<rules::http_method> = "expected an HTTP method (GET, POST, ...) or '*'";
template <> inline constexpr const char* message<rules::effect_end> =
   "expected an answer (fails, succeeds, unreachable, times out, crashes, status N, exit N, body \"...\", prints \"...\", takes D), "
   "'on call N', 'from', 'until', 'for' or the end of the line";
template <> inline constexpr const char* message<rules::kw_out> = "expected 'out' in 'times out'";
template <> inline constexpr const char* message<rules::status_code> = "expected an HTTP status code, e.g. status 503";
template <> inline constexpr const char* message<rules::exit_code> = "expected an exit code, e.g. exit 2";
template <> inline constexpr const char* message<rules::body_text> = "expected the response body as a string, e.g. body '{\"ok\": true}'";
template <> inline constexpr const char* message<rules::output_text> = "expected the command's output as a string";
template <> inline constexpr const char* message<rules::takes_duration> = "expected how long the call takes, e.g. takes 5m";
template <> inline constexpr const char* message<rules::kw_call> = "expected 'call N', e.g. on call 2";
template <> inline constexpr const char* message<rules::on_call_number> = "expected which call, e.g. on call 2";
template <> inline constexpr const char* message<rules::from_call_number> = "expected which call, e.g. from call 2";
template <> inline constexpr const char* message<rules::effect_from_target> =
   "expected 'call N' or when: T+DURATION, DURATION after EVENT, or an EVENT";
template <> inline constexpr const char* message<rules::answer_kind> =
   "expected what is answered: checklist, approve, ask, decision, in-doubt, monitoring-lost or '*'";
template <> inline constexpr const char* message<rules::answer_pattern> = "expected the question's text to match, as a string (globs: * and ?) or '*'";
template <> inline constexpr const char* message<rules::answer_choice> = "expected the answer: yes, no, never, or a choice such as rollback";
template <> inline constexpr const char* message<rules::answer_delay> = "expected how long the operator takes, e.g. after 10m";
template <> inline constexpr const char* message<rules::answer_end> = "expected 'after DURATION' or the end of the line";
template <> inline constexpr const char* message<rules::kw_at> = "expected 'at', e.g. interrupt at step \"canary-deployment/*\" starts";
template <> inline constexpr const char* message<rules::kw_after> = "expected 'after'";
template <> inline constexpr const char* message<rules::resume_delay> = "expected how long until the run is resumed, e.g. resume after 10m";
template <> inline constexpr const char* message<rules::interrupt_end> = "expected 'resume after DURATION' or the end of the line";
template <> inline constexpr const char* message<rules::expect_body> =
   "expected what to expect: outcome, exit, trigger, rollback, step, variable, traffic, question, ensure, sh, http or notification";
template <> inline constexpr const char* message<rules::expect_end> = "unexpected text after the expectation";
template <> inline constexpr const char* message<rules::outcome_word> =
   "expected an outcome: completed, rolled back [via NAME], aborted, failed, rollback failed or interrupted";
template <> inline constexpr const char* message<rules::kw_back> = "expected 'back' in 'rolled back'";
template <> inline constexpr const char* message<rules::outcome_rollback_name> = "expected the rollback's name after 'via'";
template <> inline constexpr const char* message<rules::kw_failed> = "expected 'failed' in 'rollback failed'";
template <> inline constexpr const char* message<rules::expected_exit> = "expected an exit code, e.g. expect exit 3";
template <> inline constexpr const char* message<rules::expected_trigger> = "expected a trigger name";
template <> inline constexpr const char* message<rules::trigger_verdict> = "expected 'fired' or 'not fired'";
template <> inline constexpr const char* message<rules::kw_fired> = "expected 'fired' after 'not'";
template <> inline constexpr const char* message<rules::kw_within> = "expected 'within', e.g. expect rollback within 6m of fault";
template <> inline constexpr const char* message<rules::within_duration> = "expected a duration such as 6m";
template <> inline constexpr const char* message<rules::kw_of> = "expected 'of', e.g. within 6m of fault";
template <> inline constexpr const char* message<rules::of_target> = "expected 'fault' or when: T+DURATION, DURATION after EVENT, or an EVENT";
template <> inline constexpr const char* message<rules::expected_step> = "expected a step id to match, as a string (globs: * and ?) or '*'";
template <> inline constexpr const char* message<rules::step_verdict> = "expected 'ran' or 'never ran'";
template <> inline constexpr const char* message<rules::kw_ran> = "expected 'ran' after 'never'";
template <> inline constexpr const char* message<rules::variable_name> = "expected a variable name";
template <> inline constexpr const char* message<rules::compare_op> = "expected a comparison: ==, !=, <, <=, > or >=";
template <> inline constexpr const char* message<rules::expected_value> = "expected a value: a string, true, false or a number such as 50 or 25%";
template <> inline constexpr const char* message<rules::expected_notification> = "expected the notification's text to match, as a string (globs: * and ?) or '*'";
template <> inline constexpr const char* message<rules::notification_verdict> = "expected 'sent', 'sent N times', 'sent at DURATION' or 'never sent'";
template <> inline constexpr const char* message<rules::kw_sent> = "expected 'sent' after 'never'";
template <> inline constexpr const char* message<rules::by_anchor> = "expected when: T+DURATION, DURATION after EVENT, or an EVENT";
template <> inline constexpr const char* message<tao::pegtl::sor<rules::traffic_one_environment, rules::traffic_split>> =
   "expected an environment and its share (expect traffic blue 100%) or 'on one environment'";
template <> inline constexpr const char* message<rules::expected_environment> = "expected an environment name, e.g. expect traffic blue 100%";
template <> inline constexpr const char* message<rules::expected_share> = "expected the environment's share, e.g. 100%";
template <> inline constexpr const char* message<rules::expected_question> = "expected the question's text to match, as a string (globs: * and ?) or '*'";
template <> inline constexpr const char* message<rules::question_verdict> = "expected 'asked' or 'never asked'";
template <> inline constexpr const char* message<rules::expected_ensure> = "expected the invariant's title as a string, e.g. expect ensure \"traffic is 100% on one environment\" held";
template <> inline constexpr const char* message<rules::ensure_verdict> = "expected 'held' or 'broken'";
template <> inline constexpr const char* message<rules::kw_asked> = "expected 'asked' after 'never'";
template <> inline constexpr const char* message<rules::call_count> = "expected 'called N times' or 'never called'";
template <> inline constexpr const char* message<rules::call_count_number> = "expected how many calls, e.g. called 1 time";
template <> inline constexpr const char* message<rules::kw_called> = "expected 'called' after 'never'";
template <> inline constexpr const char* message<rules::expected_command> = "expected the command to match, as a string (globs: * and ?) or '*'";
template <> inline constexpr const char* message<rules::expected_method> = "expected an HTTP method (GET, POST, ...) or '*'";
template <> inline constexpr const char* message<rules::action_when> =
   "expected when: a duration such as 40m (since T+0), T+DURATION, DURATION after EVENT, or an EVENT";
template <> inline constexpr const char* message<rules::action_verb> = "expected 'signal NAME' or 'fire NAME', e.g. at 40m signal resolved";
template <> inline constexpr const char* message<rules::action_name> = "expected the signal's or the trigger's name";
template <> inline constexpr const char* message<rules::action_end> = "unexpected text after the name";
template <> inline constexpr const char* message<rules::notification_at> = "expected when it was sent, e.g. sent at 15m (since T+0)";
template <> inline constexpr const char* message<rules::expected_url> = "expected the URL to match, as a string (globs: * and ?) or '*'";

// Mid-rule alternatives that have their own messages.
template <> inline constexpr const char* message<tao::pegtl::sor<rules::kw_times, rules::kw_time>> = "expected 'times' after the number of calls";

struct error_messages {
   template <typename Rule> static constexpr const char* message = runbook::sim::scenario_grammar::errors::message<Rule>;
   // A message only turns failure into an error inside must<>: optional clauses stay optional.
   template <typename Rule> static constexpr bool raise_on_failure = false;
};

template <typename Rule> using control = tao::pegtl::must_if<error_messages>::control<Rule>;

}  // namespace errors

}  // namespace runbook::sim::scenario_grammar
