// The grammar of the runbook language, as PEGTL 3 rules.
//
// Only parser.cpp (and the grammar test) include this header: PEGTL stays
// behind the .cpp files, and the rest of the interpreter sees the AST.
//
// ---------------------------------------------------------------- design notes
//
// The language is read by people in code review first, so the grammar is
// built around words, not punctuation: every step and declaration starts with
// a keyword (`sh`, `http`, `wait`, `phase`, ...) or is a function call.  That
// first word decides what follows, which gives the grammar its two properties:
//
// * Commit points.  Once the introducing word has matched, everything after it
//   is required (`if_must` / `must`).  A mismatch there is a hard error with a
//   message in the language's own words (see `error_message` at the end of
//   this file), never a backtrack into another alternative.  Every `must<>`
//   target is its own named rule so that it gets its own message.
//
// * Linear time.  Alternatives are told apart by their first word or
//   character, so no rule re-parses a large piece of input after a failed
//   attempt.  The only backtracking is over whitespace before an optional
//   clause (`timeout 5m` may sit on the next line) and over one keyword of
//   look-ahead (`for 5m` the window versus `for x in` the loop).  Nesting is
//   bounded by `nesting<>` (brackets, blocks, unary operators), so deeply
//   nested input gets an error instead of a stack overflow.
//
// Keywords are contextual.  A word is a keyword only where the grammar
// expects one, so `status`, `query` or `every` remain usable as names, and a
// member name after `.` may be any identifier (`resp.status`).  Only `true`,
// `false`, `and`, `or` and `not` are reserved, because they may appear
// wherever a value may.  A step keyword followed directly by `.` or `(` is a
// function call instead (`notify.team("...")`, `log(x)` in a module).
//
// Whitespace and comments.  `#` starts a comment that runs to the end of the
// line.  Rules follow the convention of PEGTL's lua53 example: a rule takes
// care of the padding *between* its own parts (`sp`, which includes newlines
// and comments) but never of the padding before or after itself.  Steps are
// separated by a newline or `;`; the block that holds them checks that (see
// `block<>`), which is why the step rules themselves may freely skip newlines
// before an optional clause.  Postfix operators (`.`, `[`, `(`) must follow
// their operand without any space, which keeps `watch` conditions and
// function calls unambiguous without semicolons.
//
// Recovery.  A syntax error inside a block does not end the parse: `block<>`
// reports it to the parse state, skips to the next line that can start a
// step (or the `}` that closes the block), and carries on; a line that starts
// with a top-level keyword in column 1 ends the block's recovery and resumes
// at the top level.  parser.cpp does the same between top-level declarations.
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace runbook::grammar {

using namespace tao::pegtl;  // NOLINT: the rules read like the grammar they are.

/// Blocks, brackets and unary operators may nest this deep; deeper input is
/// rejected with a clear error (it is never a real runbook, and deep recursion
/// would exhaust the stack).
inline constexpr std::size_t max_nesting = 200;

/// A syntax error: a message in the language's own words and the byte offset
/// it points at.  Thrown by the control's raise() and by the custom rules;
/// caught by block<> (recovery) and by parser.cpp.
struct syntax_error {
   std::string message;
   std::size_t offset = 0;
   std::vector<std::string> notes;
};

/// Thrown by block<> recovery when the line after an error is a top-level
/// declaration in column 1 (typically: a `}` is missing).  Every open block
/// is abandoned and parser.cpp resumes the top level at `offset`.
struct resume_at_top_level {
   std::size_t offset = 0;
};

/// Each rule that may fail under `must<>` has a message here (specialised at
/// the end of this file); the control refuses to compile a commit point
/// without one.
template <typename Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off

// ---------------------------------------------------------------- whitespace

// A comment runs from `#` to the end of the line (the newline is not part of it).
struct comment : seq< one< '#' >, star< not_one< '\n' > > > {};
// Padding inside one line: blanks and a trailing comment.  `\r` counts as a
// blank so that files with CRLF line ends parse the same.
struct sp_inline : star< sor< one< ' ', '\t', '\r' >, comment > > {};
// Padding anywhere: blanks, newlines and comments.
struct sp : star< sor< one< ' ', '\t', '\r', '\n' >, comment > > {};

// ---------------------------------------------------------------- words

// Keywords are whole words: `shell` does not start with the keyword `sh`.
struct kw_runbook : TAO_PEGTL_KEYWORD( "runbook" ) {};
struct kw_use : TAO_PEGTL_KEYWORD( "use" ) {};
struct kw_as : TAO_PEGTL_KEYWORD( "as" ) {};
struct kw_param : TAO_PEGTL_KEYWORD( "param" ) {};
struct kw_secret : TAO_PEGTL_KEYWORD( "secret" ) {};
struct kw_env : TAO_PEGTL_KEYWORD( "env" ) {};
struct kw_metric : TAO_PEGTL_KEYWORD( "metric" ) {};
struct kw_http : TAO_PEGTL_KEYWORD( "http" ) {};
struct kw_get : TAO_PEGTL_KEYWORD( "get" ) {};
struct kw_json : TAO_PEGTL_KEYWORD( "json" ) {};
struct kw_prometheus : TAO_PEGTL_KEYWORD( "prometheus" ) {};
struct kw_query : TAO_PEGTL_KEYWORD( "query" ) {};
struct kw_sh : TAO_PEGTL_KEYWORD( "sh" ) {};
struct kw_unit : TAO_PEGTL_KEYWORD( "unit" ) {};
struct kw_header : TAO_PEGTL_KEYWORD( "header" ) {};
struct kw_timeout : TAO_PEGTL_KEYWORD( "timeout" ) {};
struct kw_lost : TAO_PEGTL_KEYWORD( "lost" ) {};
struct kw_after : TAO_PEGTL_KEYWORD( "after" ) {};
struct kw_errors : TAO_PEGTL_KEYWORD( "errors" ) {};
struct kw_trigger : TAO_PEGTL_KEYWORD( "trigger" ) {};
struct kw_warning : TAO_PEGTL_KEYWORD( "warning" ) {};
struct kw_when : TAO_PEGTL_KEYWORD( "when" ) {};
struct kw_for : TAO_PEGTL_KEYWORD( "for" ) {};
struct kw_severity : TAO_PEGTL_KEYWORD( "severity" ) {};
struct kw_grace : TAO_PEGTL_KEYWORD( "grace" ) {};
struct kw_every : TAO_PEGTL_KEYWORD( "every" ) {};
struct kw_notify : TAO_PEGTL_KEYWORD( "notify" ) {};
struct kw_record : TAO_PEGTL_KEYWORD( "record" ) {};
struct kw_phase : TAO_PEGTL_KEYWORD( "phase" ) {};
struct kw_arms : TAO_PEGTL_KEYWORD( "arms" ) {};
struct kw_all : TAO_PEGTL_KEYWORD( "all" ) {};
struct kw_rollback : TAO_PEGTL_KEYWORD( "rollback" ) {};
struct kw_fn : TAO_PEGTL_KEYWORD( "fn" ) {};
struct kw_return : TAO_PEGTL_KEYWORD( "return" ) {};
struct kw_checklist : TAO_PEGTL_KEYWORD( "checklist" ) {};
struct kw_approve : TAO_PEGTL_KEYWORD( "approve" ) {};
struct kw_wait : TAO_PEGTL_KEYWORD( "wait" ) {};
struct kw_watch : TAO_PEGTL_KEYWORD( "watch" ) {};
struct kw_await : TAO_PEGTL_KEYWORD( "await" ) {};
struct kw_assert : TAO_PEGTL_KEYWORD( "assert" ) {};
struct kw_abort : TAO_PEGTL_KEYWORD( "abort" ) {};
struct kw_log : TAO_PEGTL_KEYWORD( "log" ) {};
struct kw_let : TAO_PEGTL_KEYWORD( "let" ) {};
struct kw_if : TAO_PEGTL_KEYWORD( "if" ) {};
struct kw_else : TAO_PEGTL_KEYWORD( "else" ) {};
struct kw_in : TAO_PEGTL_KEYWORD( "in" ) {};
struct kw_retry : TAO_PEGTL_KEYWORD( "retry" ) {};
struct kw_idempotent : TAO_PEGTL_KEYWORD( "idempotent" ) {};
struct kw_id : TAO_PEGTL_KEYWORD( "id" ) {};
struct kw_undo : TAO_PEGTL_KEYWORD( "undo" ) {};
struct kw_body : TAO_PEGTL_KEYWORD( "body" ) {};
struct kw_expect : TAO_PEGTL_KEYWORD( "expect" ) {};
struct kw_status : TAO_PEGTL_KEYWORD( "status" ) {};
struct kw_exit : TAO_PEGTL_KEYWORD( "exit" ) {};
struct kw_consecutive : TAO_PEGTL_KEYWORD( "consecutive" ) {};
struct kw_failures : TAO_PEGTL_KEYWORD( "failures" ) {};
struct kw_on : TAO_PEGTL_KEYWORD( "on" ) {};
struct kw_pause : TAO_PEGTL_KEYWORD( "pause" ) {};
struct kw_fail : TAO_PEGTL_KEYWORD( "fail" ) {};
struct kw_true : TAO_PEGTL_KEYWORD( "true" ) {};
struct kw_false : TAO_PEGTL_KEYWORD( "false" ) {};
struct kw_and : TAO_PEGTL_KEYWORD( "and" ) {};
struct kw_or : TAO_PEGTL_KEYWORD( "or" ) {};
struct kw_not : TAO_PEGTL_KEYWORD( "not" ) {};
struct kw_stop : TAO_PEGTL_KEYWORD( "stop" ) {};
struct kw_default : TAO_PEGTL_KEYWORD( "default" ) {};
struct kw_soft : TAO_PEGTL_KEYWORD( "soft" ) {};
struct kw_finally : TAO_PEGTL_KEYWORD( "finally" ) {};
// Signals, timers, rollback deadlines, manual triggers and P2 decisions.
struct kw_signal : TAO_PEGTL_KEYWORD( "signal" ) {};
struct kw_lock : TAO_PEGTL_KEYWORD( "lock" ) {};
struct kw_ensure : TAO_PEGTL_KEYWORD( "ensure" ) {};
struct kw_unless : TAO_PEGTL_KEYWORD( "unless" ) {};
struct kw_within : TAO_PEGTL_KEYWORD( "within" ) {};
struct kw_manual : TAO_PEGTL_KEYWORD( "manual" ) {};
struct kw_decide : TAO_PEGTL_KEYWORD( "decide" ) {};
// Operator decisions with choices, and compensating one step.
struct kw_ask : TAO_PEGTL_KEYWORD( "ask" ) {};
struct kw_choices : TAO_PEGTL_KEYWORD( "choices" ) {};

// A word that starts a step or a clause, unless it is immediately followed by
// `.` or `(`: then it names a module or a function (`notify.team(...)`).
template< typename Keyword > struct word : seq< Keyword, not_at< one< '.', '(' > > > {};

// `Rule` is only tried when `Guard` matches here.  Rules that leave a node in
// the parser's tree pay for every attempt, so alternatives are guarded by
// their first word or character: most attempts then fail before they start.
template< typename Guard, typename Rule > struct guarded : seq< at< Guard >, Rule > {};

// The words that may appear wherever a value may, and so are never names.
struct reserved : sor< kw_true, kw_false, kw_and, kw_or, kw_not > {};
// A name: of a param, secret, metric, trigger, rollback, function, variable.
struct name : seq< not_at< reserved >, identifier > {};
// After `.`, any identifier names a member (`resp.status`, `notify.team`).
struct member_name : identifier {};

// ---------------------------------------------------------------- custom rules

// Bounds the nesting of `Rule` (see max_nesting).  The parse state counts the
// depth; the guard restores it however the rule ends, exceptions included.
template< typename Rule >
struct nesting
{
   using rule_t = nesting;
   using subs_t = type_list< Rule >;

   template< apply_mode A, rewind_mode M, template< typename... > class Action, template< typename... > class Control, typename ParseInput, typename State >
   [[nodiscard]] static bool match( ParseInput& in, State& st )
   {
      struct depth_guard {
         std::size_t& depth;
         ~depth_guard() { --depth; }
      } guard{ ++st.depth };
      if( st.depth > max_nesting ) {
         throw syntax_error{ "too deeply nested: brackets, blocks and operators may nest at most " + std::to_string( max_nesting ) + " levels", st.offset_of( in.current() ), {} };
      }
      return Control< Rule >::template match< A, M, Action, Control >( in, st );
   }
};

// ---------------------------------------------------------------- numbers and quantities

struct digits : plus< digit > {};
struct decimal : seq< digits, opt< one< '.' >, digits > > {};
// `ms` must be tried before `m`.
struct duration_unit : sor< string< 'm', 's' >, one< 's', 'm', 'h', 'd' > > {};
// Byte sizes are powers of 1024: `512KB`, `10MB`, `2GB`.
struct size_unit : sor< string< 'K', 'B' >, string< 'M', 'B' >, string< 'G', 'B' >, string< 'T', 'B' >, one< 'B' > > {};
// A duration may be compound: `1h30m`.
struct duration_tail : seq< duration_unit, star< decimal, duration_unit > > {};
// A number is followed by nothing, `%`, a size unit or a duration unit; a
// letter glued to it is an unknown unit, and an error that points at it.
// A size per time: `10MB/min`, `600KB/s`, `1GB/h` (`10MB/soak` stays a division).
struct rate_time : sor< string< 'm', 'i', 'n' >, one< 's', 'h' > > {};
struct rate_tail : seq< one< '/' >, rate_time, not_at< identifier_other > > {};
struct unit_suffix : sor< one< '%' >, seq< size_unit, opt< rate_tail > >, duration_tail > {};
struct unknown_unit : success {};
struct number_lit : seq< decimal, sor< seq< unit_suffix, not_at< identifier_other > >, not_at< identifier_other >, raise< unknown_unit > > > {};
// Where the language takes a fixed duration (`for 5m`, `every 30s`,
// `timeout 2m`, `grace 15m`), a duration literal or a param will do (not an
// expression): the checker and the planner need its value before anything runs.
struct duration_lit : seq< decimal, duration_tail, not_at< identifier_other > > {};
// ... or the name of a param whose value is a duration (`for p0_window`): the
// checker resolves it before anything runs, as if its value had been written.
struct duration_param : name {};
struct duration_value : sor< duration_lit, duration_param > {};
// A whole number: counts of retries, failures and errors.
struct count_lit : seq< digits, not_at< identifier_other > > {};

// ---------------------------------------------------------------- strings

struct expr;

// Inside "...": `\` starts an escape, `${` an interpolation, and a `$` not
// followed by `{` is just a dollar sign.  Bytes of 0x80 and above must form
// valid UTF-8.  A string ends on its own line, interpolations included.
struct escape_code : one< '"', '\\', 'n', 't', 'r', '$' > {};
struct escape : seq< one< '\\' >, must< escape_code > > {};
struct interpolation_expr : seq< expr > {};
struct interpolation_close : one< '}' > {};
struct interpolation : if_must< string< '$', '{' >, sp_inline, interpolation_expr, sp_inline, interpolation_close > {};
struct plain_chars : plus< sor< ranges< 0x01, 0x09, 0x0b, 0x0c, 0x0e, 0x21, 0x23, 0x23, 0x25, 0x5b, 0x5d, 0x7f >, seq< one< '$' >, not_at< one< '{' > > >, utf8::range< 0x80, 0x10ffff > > > {};
struct string_body : star< sor< plain_chars, escape, nesting< interpolation > > > {};
struct nul_in_string : one< 0 > {};
struct unterminated_string : success {};
struct invalid_utf8 : success {};
struct string_close : sor< one< '"' >, seq< at< one< 0 > >, raise< nul_in_string > >, seq< at< sor< one< '\r', '\n' >, eof > >, raise< unterminated_string > >, raise< invalid_utf8 > > {};
struct string_lit : if_must< one< '"' >, string_body, string_close > {};

// '...' holds its text as written: no escapes, no interpolation (handy for
// PromQL and JSON paths with double quotes inside).
struct raw_chars : star< sor< ranges< 0x01, 0x09, 0x0b, 0x0c, 0x0e, 0x26, 0x28, 0x7f >, utf8::range< 0x80, 0x10ffff > > > {};
struct raw_close : sor< one< '\'' >, seq< at< one< 0 > >, raise< nul_in_string > >, seq< at< sor< one< '\r', '\n' >, eof > >, raise< unterminated_string > >, raise< invalid_utf8 > > {};
struct raw_string : if_must< one< '\'' >, raw_chars, raw_close > {};

// Where a fixed text is needed (titles, header names, JSON paths, ids).
struct text : sor< string_lit, raw_string > {};

// ---------------------------------------------------------------- expressions

// Lists and maps may span lines and end with a trailing comma.
struct list_item : seq< expr > {};
struct list_close : one< ']' > {};
struct list_rest : sor< one< ']' >, seq< must< list_item >, sp, star< one< ',' >, sp, sor< at< one< ']' > >, seq< must< list_item >, sp > > >, must< list_close > > > {};
struct list_lit : seq< one< '[' >, sp, list_rest > {};

// Map keys are strings or names; values are expressions (JSON bodies).
struct map_key : sor< text, identifier > {};
struct map_colon : one< ':' > {};
struct map_value : seq< expr > {};
struct map_entry : seq< map_key, sp, must< map_colon >, sp, must< map_value > > {};
struct map_close : one< '}' > {};
struct map_entry_first : seq< map_entry > {};
struct map_rest : sor< one< '}' >, seq< must< map_entry_first >, sp, star< one< ',' >, sp, sor< at< one< '}' > >, seq< must< map_entry_first >, sp > > >, must< map_close > > > {};
struct map_lit : seq< one< '{' >, sp, map_rest > {};

struct paren_close : one< ')' > {};
struct paren_expr : if_must< one< '(' >, sp, expr, sp, paren_close > {};

struct true_lit : kw_true {};
struct false_lit : kw_false {};

// A probe reads one value from a JSON response: `http get URL json ".path"`.
struct probe_url;
struct probe_json : kw_json {};
struct json_path : text {};
struct header_name : text {};
struct header_eq : one< '=' > {};
struct header_value : seq< expr > {};
struct header_clause : if_must< word< kw_header >, sp, header_name, sp, header_eq, sp, header_value > {};
struct http_probe : if_must< seq< kw_http, sp, kw_get >, sp, probe_url, sp, probe_json, sp, json_path, star< sp, guarded< kw_header, header_clause > > > {};

struct name_ref : name {};
struct primary : sor< guarded< one< '"' >, string_lit >, guarded< digit, number_lit >, guarded< identifier_first, sor< true_lit, false_lit, http_probe, name_ref > >, guarded< one< '(' >, nesting< paren_expr > >, guarded< one< '\'' >, raw_string >, guarded< one< '[' >, nesting< list_lit > >, guarded< one< '{' >, nesting< map_lit > > > {};

// Postfix operators follow their operand without a space.
struct call_close : one< ')' > {};
struct call_arg : seq< expr > {};
struct call_args : sor< one< ')' >, seq< must< call_arg >, sp, star< one< ',' >, sp, sor< at< one< ')' > >, seq< must< call_arg >, sp > > >, must< call_close > > > {};
struct call_op : seq< one< '(' >, sp, call_args > {};
struct member_op : if_must< one< '.' >, member_name > {};
struct index_close : one< ']' > {};
struct index_expr : seq< expr > {};
struct index_op : if_must< one< '[' >, sp, index_expr, sp, index_close > {};
struct postfix : seq< primary, star< guarded< one< '.', '[', '(' >, sor< member_op, index_op, nesting< call_op > > > > > {};

// Unary minus; `->` is never a minus.
struct minus : seq< one< '-' >, not_at< one< '>' > > > {};
struct unary;
struct neg_operand : seq< unary > {};
struct neg_expr : seq< minus, sp, must< neg_operand > > {};
struct unary : sor< guarded< one< '-' >, nesting< neg_expr > >, postfix > {};

struct mul_op : one< '*', '/' > {};
struct mul_operand : seq< unary > {};
struct multiplicative : seq< unary, star< sp, mul_op, sp, must< mul_operand > > > {};

struct add_op : sor< one< '+' >, minus > {};
struct add_operand : seq< multiplicative > {};
struct additive : seq< multiplicative, star< sp, add_op, sp, must< add_operand > > > {};

// Comparisons do not chain: `a < b < c` is an error, not a surprise.
struct cmp_op : sor< string< '<', '=' >, string< '>', '=' >, string< '=', '=' >, string< '!', '=' >, one< '<' >, one< '>' > > {};
struct cmp_operand : seq< additive > {};
struct comparison : seq< additive, opt< sp, cmp_op, sp, must< cmp_operand > > > {};

struct not_operand;
struct not_expr : seq< kw_not, sp, must< not_operand > > {};
struct negation : sor< guarded< kw_not, nesting< not_expr > >, comparison > {};
struct not_operand : seq< negation > {};

struct and_operand : seq< negation > {};
struct and_expr : seq< negation, star< sp, kw_and, sp, must< and_operand > > > {};
struct or_operand : seq< and_expr > {};
struct or_expr : seq< and_expr, star< sp, kw_or, sp, must< or_operand > > > {};

// `cond ? a : b`
struct ternary_then : seq< expr > {};
struct ternary_colon : one< ':' > {};
struct ternary_else : seq< expr > {};
struct ternary : seq< or_expr, opt< sp, one< '?' >, sp, must< ternary_then >, sp, must< ternary_colon >, sp, must< ternary_else > > > {};
struct expr : ternary {};

// The URL of a probe stops before `json`; `+` may build it.
struct probe_url : seq< additive > {};

// ---------------------------------------------------------------- conditions

// `for 5m [consecutive]`: how long the deciding state must hold (in a watch,
// in total unless `consecutive`).  `for x in` on the next line is a loop, not
// a window, so that case is left alone.
struct consecutive : kw_consecutive {};
struct for_window : seq< duration_value > {};
struct for_clause : seq< word< kw_for >, sp, not_at< identifier, sp, kw_in >, must< for_window >, opt< sp, consecutive > > {};
// `after 3 [consecutive] failures`: a failure budget.
struct after_count : seq< count_lit > {};
struct failures_word : kw_failures {};
// (Only with a count after it: `after 15m unless ...` on the next line is a timer step.)
struct timer_delay_ahead : sor< duration_lit, seq< name, sp, sor< kw_unless, one< '{' > > > > {};
struct after_clause : if_must< seq< word< kw_after >, sp, not_at< timer_delay_ahead > >, after_count, sp, opt< consecutive, sp >, failures_word > {};
// `lost after 2 errors`: when sample errors count as monitoring lost.
struct lost_after : kw_after {};
struct lost_count : seq< count_lit > {};
struct errors_word : kw_errors {};
struct lost_clause : if_must< seq< word< kw_lost >, sp, at< kw_after > >, lost_after, sp, lost_count, sp, errors_word > {};
// `on lost pause|fail|rollback NAME`: what losing the monitoring does.
struct on_lost_word : kw_lost {};
struct on_lost_target : name {};
struct on_lost_pause : kw_pause {};
struct on_lost_fail : kw_fail {};
struct on_lost_rollback : if_must< kw_rollback, sp, on_lost_target > {};
struct on_lost_action : sor< on_lost_pause, on_lost_fail, on_lost_rollback > {};
struct on_lost_clause : if_must< word< kw_on >, sp, on_lost_word, sp, on_lost_action > {};
// `on fail ROUTE` (defined with the failure routes below): tried before `on lost`.
struct on_fail_guard : seq< word< kw_on >, sp, kw_fail > {};
struct on_fail_clause;
struct condition_clause : sor< guarded< kw_for, for_clause >, guarded< kw_after, after_clause >, guarded< kw_lost, lost_clause >, guarded< on_fail_guard, on_fail_clause >, guarded< kw_on, on_lost_clause > > {};
struct condition : seq< expr, star< sp, condition_clause > > {};

// ---------------------------------------------------------------- blocks

struct step;

// A block is `{`, items, `}`.  It is a custom rule because it does three
// things a plain `seq` cannot: it names the construct that opened it in its
// errors ("expected '}' to close the phase started at line 12"), it checks
// that steps are separated by a newline or `;`, and it recovers from an error
// in one item by skipping to the next line that can start an item.
//
// `Owner` supplies `what` (the construct's name in messages), `Item` (the
// rule for one item), `separated` (whether items need a newline or `;`
// between them) and `item_hint` (what an item looks like, for the error when
// something else is found).
template< typename Owner >
struct block
{
   using rule_t = block;
   using subs_t = type_list< one< '{' >, sp, typename Owner::item, one< '}' > >;

   template< apply_mode A, rewind_mode M, template< typename... > class Action, template< typename... > class Control, typename ParseInput, typename State >
   [[nodiscard]] static bool match( ParseInput& in, State& st )
   {
      if( in.empty() || in.peek_char() != '{' ) {
         return false;
      }
      const std::size_t open = st.offset_of( in.current() );
      in.bump( 1 );
      struct depth_guard {
         std::size_t& depth;
         ~depth_guard() { --depth; }
      } guard{ ++st.depth };
      if( st.depth > max_nesting ) {
         throw syntax_error{ "too deeply nested: brackets, blocks and operators may nest at most " + std::to_string( max_nesting ) + " levels", open, {} };
      }
      for( ;; ) {
         (void)Control< sp_or_separators >::template match< A, M, Action, Control >( in, st );
         if( in.empty() ) {
            // (Unless an error at the end of the file was reported already:
            // this one would only repeat it.)
            st.unclosed_at_end( "expected '}' to close the " + std::string( Owner::what ) + " started at line " + std::to_string( st.line_of( open ) ) );
         }
         if( in.peek_char() == '}' ) {
            in.bump( 1 );
            return true;
         }
         const std::size_t item_start = st.offset_of( in.current() );
         st.item_started( item_start );
         const auto nodes_before = st.tree.nodes.size();
         try {
            if( !Control< typename Owner::item >::template match< A, rewind_mode::required, Action, Control >( in, st ) ) {
               const std::size_t at = st.offset_of( in.current() );
               throw syntax_error{ "expected " + std::string( Owner::item_hint ) + " or '}' to close the " + std::string( Owner::what ) + " started at line " + std::to_string( st.line_of( open ) ), at, st.item_notes( at, Owner::item_note, std::is_same_v< typename Owner::item, step > ) };
            }
            if constexpr( Owner::separated ) {
               (void)Control< sp_inline >::template match< A, M, Action, Control >( in, st );
               if( !in.empty() && in.peek_char() != '\n' && in.peek_char() != ';' && in.peek_char() != '}' ) {
                  throw syntax_error{ "expected a new line or ';' after the step", st.offset_of( in.current() ), { "each step starts on its own line; clauses such as 'timeout' or 'expect' belong to the step before them" } };
               }
            }
         }
         catch( syntax_error& e ) {
            // Reports the error and moves to the next line that can start an
            // item; throws on when the error budget is spent or the next
            // line belongs to the top level.  Nothing of the broken item is
            // kept, even when only what followed it was wrong.
            st.tree.nodes.resize( nodes_before );
            in.iterator() = st.pointer_at( st.recover_in_block( std::move( e ), open, item_start ) );
         }
      }
   }

   // Blank lines, comments and stray `;` between items.
   struct sp_or_separators : star< sor< one< ' ', '\t', '\r', '\n', ';' >, comment > > {};
};

// ---------------------------------------------------------------- failure routes

// `on fail rollback NAME | stop | { steps }`: where a failure goes.  Written
// on a condition, as a step option, on a phase (before its body) and at the
// top level (the runbook-wide default); see docs/language.md.
struct on_fail_owner { static constexpr const char* what = "on fail block"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "an 'on fail' block holds the steps that handle the failure"; static constexpr bool separated = true; using item = step; };
struct fail_route_block : block< on_fail_owner > {};
struct fail_route_target : name {};
struct fail_route_rollback : if_must< word< kw_rollback >, sp, fail_route_target > {};
struct fail_route_stop : word< kw_stop > {};
struct fail_route : sor< guarded< kw_rollback, fail_route_rollback >, fail_route_stop, guarded< one< '{' >, fail_route_block > > {};
struct on_fail_clause : if_must< on_fail_guard, sp, fail_route > {};
// The only option of `if` and `for`: their route covers the steps inside.
struct route_option : guarded< on_fail_guard, on_fail_clause > {};

// ---------------------------------------------------------------- decisions

// `default no|yes|"choice"` (after the step's `timeout`) and `else ROUTE`:
// what an unanswered question becomes, and where a "no" goes.
struct default_answer : sor< TAO_PEGTL_KEYWORD( "yes" ), TAO_PEGTL_KEYWORD( "no" ), text > {};
struct default_clause : if_must< word< kw_default >, sp, default_answer > {};
struct else_route : if_must< word< kw_else >, sp, fail_route > {};
struct decision_clause : sor< guarded< kw_default, default_clause >, guarded< kw_else, else_route > > {};

// ---------------------------------------------------------------- soft checks and finally

// `soft` (a step option): its failure is recorded and the block goes on.
struct soft_option : word< kw_soft > {};
// `finally { steps }` after a phase's or a rollback block's body.
struct finally_owner { static constexpr const char* what = "finally block"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "a finally block holds the steps that run whether the block succeeded or failed"; static constexpr bool separated = true; using item = step; };
struct finally_block : block< finally_owner > {};
struct finally_clause : if_must< word< kw_finally >, sp, finally_block > {};

// ---------------------------------------------------------------- step options

// Options that any step may carry, in any order, possibly on following lines.
struct timeout_value : seq< duration_value > {};
struct timeout_option : if_must< word< kw_timeout >, sp, timeout_value > {};
struct retry_count : seq< count_lit > {};
struct retry_every_word : kw_every {};
struct retry_every : seq< duration_value > {};
struct retry_option : if_must< word< kw_retry >, sp, retry_count, sp, retry_every_word, sp, retry_every > {};
struct idempotent_option : word< kw_idempotent > {};
struct id_value : text {};
struct id_option : if_must< word< kw_id >, sp, id_value > {};
struct capture_name : name {};
struct capture_option : if_must< word< kw_as >, sp, capture_name > {};
struct step;
struct undo_owner { static constexpr const char* what = "undo block"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "an undo block holds the steps that take this step back"; static constexpr bool separated = true; using item = step; };
struct undo_block : block< undo_owner > {};
// `undo { ... }` compensates the step; `undo all` on its own line is a step.
struct undo_option : seq< word< kw_undo >, sp, at< one< '{' > >, must< undo_block > > {};
struct step_option : sor< guarded< kw_timeout, timeout_option >, guarded< kw_retry, retry_option >, guarded< kw_idempotent, idempotent_option >, guarded< kw_id, id_option >, guarded< kw_as, capture_option >, guarded< kw_undo, undo_option >, guarded< on_fail_guard, on_fail_clause >, guarded< kw_soft, soft_option > > {};

// `expect status 200, json ".ok" == true` (http) or `expect exit 0` (sh).
// `2xx`: any status of that class (Slack answers 200, Statuspage 201).
struct status_class : seq< range< '1', '5' >, string< 'x', 'x' >, not_at< identifier_other > > {};
struct bad_status_class : success {};
struct expect_status_value : sor< status_class, seq< at< digit, one< 'x', 'X' > >, raise< bad_status_class > >, additive > {};
struct expect_status : if_must< word< kw_status >, sp, expect_status_value > {};
struct expect_exit_value : seq< additive > {};
struct expect_exit : if_must< word< kw_exit >, sp, expect_exit_value > {};
struct expect_json_path : text {};
struct expect_json_op : seq< cmp_op > {};
struct expect_json_value : seq< additive > {};
struct expect_json : if_must< word< kw_json >, sp, expect_json_path, sp, expect_json_op, sp, expect_json_value > {};
struct expectation : sor< expect_status, expect_exit, expect_json > {};
struct expect_item : seq< expectation > {};
struct expect_clause : if_must< word< kw_expect >, sp, expect_item, star< sp, one< ',' >, sp, must< expect_item > > > {};

// ---------------------------------------------------------------- steps

// sh COMMAND
struct sh_command : seq< expr > {};
struct sh_step : if_must< word< kw_sh >, sp, sh_command, star< sp, sor< guarded< kw_expect, expect_clause >, step_option > > > {};

// http METHOD URL [header N = V]... [body EXPR] [expect ...] [as NAME]
struct http_method : sor< TAO_PEGTL_KEYWORD( "get" ), TAO_PEGTL_KEYWORD( "head" ), TAO_PEGTL_KEYWORD( "post" ), TAO_PEGTL_KEYWORD( "put" ), TAO_PEGTL_KEYWORD( "patch" ), TAO_PEGTL_KEYWORD( "delete" ) > {};
struct http_url : seq< additive > {};
struct body_value : seq< expr > {};
struct body_clause : if_must< word< kw_body >, sp, body_value > {};
struct http_step : if_must< word< kw_http >, sp, http_method, sp, http_url, star< sp, sor< guarded< kw_header, header_clause >, guarded< kw_body, body_clause >, guarded< kw_expect, expect_clause >, step_option > > > {};

// checklist "title" { - "item" ... }
struct checklist_title : text {};
struct checklist_text : text {};
struct checklist_item : if_must< one< '-' >, sp, checklist_text > {};
struct checklist_owner { static constexpr const char* what = "checklist"; static constexpr const char* item_hint = "an item such as - \"Deploy to staging\""; static constexpr const char* item_note = "each checklist item is a '-' followed by a string"; static constexpr bool separated = false; using item = checklist_item; };
struct checklist_block : block< checklist_owner > {};
struct checklist_step : if_must< word< kw_checklist >, sp, checklist_title, sp, checklist_block, star< sp, sor< decision_clause, step_option > > > {};

// approve "question"
struct approve_prompt : seq< expr > {};
struct approve_step : if_must< word< kw_approve >, sp, approve_prompt, star< sp, sor< decision_clause, step_option > > > {};

// ask "question" choices ["a", "b"] [timeout D default "a"] [as NAME]
// The choices are fixed strings: `check` compares the default with them.
struct ask_question : seq< expr > {};
struct ask_choice : text {};
struct ask_choices_open : one< '[' > {};
struct ask_choices_close : seq< opt< one< ',' >, sp >, one< ']' > > {};
struct ask_choices : if_must< word< kw_choices >, sp, ask_choices_open, sp, ask_choice, star< sp, one< ',' >, sp, ask_choice >, sp, ask_choices_close > {};
struct ask_step : if_must< word< kw_ask >, sp, ask_question, sp, ask_choices, star< sp, sor< guarded< kw_default, default_clause >, step_option > > > {};

// wait DURATION
struct wait_duration : seq< expr > {};
struct wait_step : if_must< word< kw_wait >, sp, wait_duration, star< sp, step_option > > {};

// watch DURATION every INTERVAL { conditions }
struct watch_duration : seq< additive > {};
struct watch_every_word : kw_every {};
struct watch_every : seq< additive > {};
struct watch_owner { static constexpr const char* what = "watch"; static constexpr const char* item_hint = "a condition such as error_rate < 1%"; static constexpr const char* item_note = "a watch block lists the conditions that must stay true, one per line"; static constexpr bool separated = false; using item = condition; };
struct watch_block : block< watch_owner > {};
struct watch_step : if_must< word< kw_watch >, sp, watch_duration, sp, watch_every_word, sp, watch_every, sp, watch_block, star< sp, step_option > > {};

// await CONDITION timeout T every I
struct await_timeout_value : seq< additive > {};
struct await_timeout : if_must< word< kw_timeout >, sp, await_timeout_value > {};
struct await_every_value : seq< additive > {};
struct await_every : if_must< word< kw_every >, sp, await_every_value > {};
struct await_condition : seq< expr > {};
struct await_step : if_must< word< kw_await >, sp, await_condition, star< sp, sor< condition_clause, guarded< kw_timeout, await_timeout >, guarded< kw_every, await_every >, step_option > > > {};

// assert CONDITION ["message"]
struct assert_condition : seq< expr > {};
struct assert_message : seq< string_lit > {};
struct assert_step : if_must< word< kw_assert >, sp, assert_condition, star< sp, sor< condition_clause, guarded< one< '"' >, assert_message >, step_option > > > {};

// rollback NAME
struct rollback_target : name {};
struct rollback_step : if_must< word< kw_rollback >, sp, rollback_target, star< sp, step_option > > {};

// abort "why", log "text", notify "text"
struct abort_reason : seq< expr > {};
struct abort_step : if_must< word< kw_abort >, sp, abort_reason > {};
struct log_message : seq< expr > {};
struct log_step : if_must< word< kw_log >, sp, log_message, star< sp, step_option > > {};
struct notify_message : seq< expr > {};
struct notify_step : if_must< word< kw_notify >, sp, notify_message, star< sp, step_option > > {};

// let NAME = EXPR
struct let_name : name {};
struct let_value : seq< expr > {};
struct let_eq : seq< one< '=' >, not_at< one< '=' > > > {};
struct let_step : if_must< word< kw_let >, sp, let_name, sp, let_eq, sp, let_value > {};

// if COND { ... } [else if ... | else { ... }]
struct if_owner { static constexpr const char* what = "if block"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "an if block holds steps, one per line"; static constexpr bool separated = true; using item = step; };
struct else_owner { static constexpr const char* what = "else block"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "an else block holds steps, one per line"; static constexpr bool separated = true; using item = step; };
struct if_condition : seq< expr > {};
struct then_block : block< if_owner > {};
struct else_block : block< else_owner > {};
struct if_step;
struct else_branch : sor< nesting< if_step >, else_block > {};
struct else_clause : if_must< kw_else, sp, else_branch > {};
struct if_step : if_must< word< kw_if >, sp, if_condition, sp, then_block, opt< sp, else_clause >, opt< sp, route_option > > {};

// for NAME in EXPR { ... }
struct for_owner { static constexpr const char* what = "for loop"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "a for loop holds steps, one per line"; static constexpr bool separated = true; using item = step; };
struct loop_variable : name {};
struct loop_in : kw_in {};
struct loop_items : seq< expr > {};
struct loop_block : block< for_owner > {};
struct for_step : if_must< word< kw_for >, sp, loop_variable, sp, loop_in, sp, loop_items, sp, loop_block, opt< sp, route_option > > {};

// return [EXPR]: the value is on the same line, if any.
struct return_value : seq< expr > {};
struct return_step : seq< word< kw_return >, sp_inline, opt< not_at< one< '\n', ';', '}' > >, not_at< eof >, must< return_value > > > {};

// undo all [on fail ROUTE]: in a rollback block, run the undo of every
// completed step; the route says where an undo that fails goes (`stop`: the
// rollback ends there on purpose).
struct undo_all_step : seq< word< kw_undo >, sp, kw_all, opt< sp, route_option > > {};
// undo "STEP-ID": run the undo of that one step, if it completed.
struct undo_target : text {};
struct undo_step : seq< word< kw_undo >, sp, at< one< '"', '\'' > >, must< undo_target > > {};

// A call as a step: `traffic.route(api, token, "green", pct)`.
struct callee : name {};
struct call_member : if_must< one< '.' >, member_name > {};
struct call_step : seq< callee, star< guarded< one< '.' >, call_member > >, at< one< '(' > >, must< call_op >, star< sp, step_option > > {};

// ---------------------------------------------------------------- timed steps (signals and timers)

// after DELAY [unless SIGNAL] { steps }: a timer beside the run.
struct timer_owner { static constexpr const char* what = "timer block"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "a timer block holds the steps that run when the delay has passed, one per line"; static constexpr bool separated = true; using item = step; };
struct after_delay : seq< additive > {};
struct unless_signal : name {};
struct timer_unless : if_must< word< kw_unless >, sp, unless_signal > {};
struct timer_block : block< timer_owner > {};
struct after_step : if_must< word< kw_after >, sp, after_delay, sp, opt< timer_unless, sp >, timer_block > {};

struct step : sor< guarded< kw_after, after_step >, guarded< kw_sh, sh_step >, guarded< kw_http, http_step >, guarded< kw_checklist, checklist_step >, guarded< kw_approve, approve_step >, guarded< kw_ask, ask_step >, guarded< kw_wait, wait_step >, guarded< kw_watch, watch_step >, guarded< kw_await, await_step >, guarded< kw_assert, assert_step >, guarded< kw_rollback, rollback_step >, guarded< kw_abort, abort_step >, guarded< kw_log, log_step >, guarded< kw_notify, notify_step >, guarded< kw_let, let_step >, guarded< kw_if, nesting< if_step > >, guarded< kw_for, for_step >, guarded< kw_return, return_step >, guarded< kw_undo, sor< undo_all_step, undo_step > >, guarded< identifier_first, call_step > > {};

// ---------------------------------------------------------------- declarations

// runbook "title"
struct runbook_title : text {};
struct runbook_header : if_must< kw_runbook, sp, runbook_title > {};
// `lock "mailsender-traffic"`: runbooks that name one lock exclude each
// other's runs, as two runs of one runbook always do (exec/rollout_lock.hpp).
struct lock_name : text {};
struct lock_decl : if_must< kw_lock, sp, lock_name > {};

// use "std/traffic" [as alias]
struct use_path : text {};
struct use_alias : name {};
struct use_as : if_must< kw_as, sp, use_alias > {};
struct use_decl : if_must< kw_use, sp, use_path, opt< sp, use_as > > {};

// param NAME [: TYPE] [= DEFAULT]
struct param_name : name {};
struct param_type : sor< TAO_PEGTL_KEYWORD( "string" ), TAO_PEGTL_KEYWORD( "number" ), TAO_PEGTL_KEYWORD( "bool" ), TAO_PEGTL_KEYWORD( "percent" ), TAO_PEGTL_KEYWORD( "duration" ), TAO_PEGTL_KEYWORD( "bytes" ), TAO_PEGTL_KEYWORD( "rate" ), TAO_PEGTL_KEYWORD( "list" ), TAO_PEGTL_KEYWORD( "map" ), TAO_PEGTL_KEYWORD( "any" ) > {};
struct param_typed : if_must< one< ':' >, sp, param_type > {};
struct param_default : seq< expr > {};
struct param_value : if_must< one< '=' >, sp, param_default > {};
struct param_decl : if_must< kw_param, sp, param_name, opt< sp, param_typed >, opt< sp, param_value > > {};

// secret NAME = env("VARIABLE")
struct secret_name : name {};
struct secret_eq : one< '=' > {};
struct env_variable : text {};
struct env_close : one< ')' > {};
struct secret_env : if_must< seq< kw_env, sp, one< '(' > >, sp, env_variable, sp, env_close > {};
struct secret_decl : if_must< kw_secret, sp, secret_name, sp, secret_eq, sp, secret_env > {};

// metric NAME = SOURCE unit UNIT [header N = V]... [timeout D] [lost after N errors]
struct metric_name : name {};
struct metric_eq : one< '=' > {};
struct metric_url : seq< additive > {};
struct metric_json : kw_json {};
struct metric_http : if_must< kw_http, sp, kw_get, sp, metric_url, sp, metric_json, sp, json_path > {};
struct prometheus_url : seq< additive > {};
struct prometheus_query_word : kw_query {};
struct prometheus_query : seq< additive > {};
struct metric_prometheus : if_must< kw_prometheus, sp, prometheus_url, sp, prometheus_query_word, sp, prometheus_query > {};
struct metric_command : seq< additive > {};
struct metric_sh : if_must< kw_sh, sp, metric_command > {};
struct metric_source : sor< metric_http, metric_prometheus, metric_sh > {};
struct rate_unit_name : seq< sor< size_unit, string< 'b', 'y', 't', 'e', 's' > >, one< '/' >, rate_time, not_at< identifier_other > > {};
struct unit_name : sor< rate_unit_name, one< '%' >, TAO_PEGTL_KEYWORD( "ratio" ), TAO_PEGTL_KEYWORD( "ms" ), TAO_PEGTL_KEYWORD( "s" ), TAO_PEGTL_KEYWORD( "bytes" ), TAO_PEGTL_KEYWORD( "KB" ), TAO_PEGTL_KEYWORD( "MB" ), TAO_PEGTL_KEYWORD( "GB" ), TAO_PEGTL_KEYWORD( "count" ), TAO_PEGTL_KEYWORD( "number" ) > {};
struct unit_clause : if_must< word< kw_unit >, sp, unit_name > {};
struct metric_timeout : if_must< word< kw_timeout >, sp, timeout_value > {};
struct metric_clause : sor< unit_clause, guarded< kw_header, header_clause >, guarded< kw_timeout, metric_timeout >, guarded< kw_lost, lost_clause > > {};
struct metric_one_source : if_must< metric_eq, sp, metric_source, star< sp, metric_clause > > {};
// metric NAME [unit U] [timeout D] [lost after N errors] { SOURCE [header N = V]... [if COND] ... }
// Alternatives, first applicable wins; the checker decides which from the params.
struct metric_choice_condition : seq< expr > {};
struct metric_choice_if : if_must< word< kw_if >, sp, metric_choice_condition > {};
struct metric_alternative : seq< metric_source, star< sp, guarded< kw_header, header_clause > >, opt< sp, metric_choice_if > > {};
struct metric_block_clause : sor< unit_clause, guarded< kw_timeout, metric_timeout >, guarded< kw_lost, lost_clause > > {};
struct metric_alternatives_close : one< '}' > {};
struct metric_alternatives : if_must< seq< star< metric_block_clause, sp >, one< '{' > >, sp, metric_alternative, star< sp, metric_alternative >, sp, metric_alternatives_close > {};
struct metric_definition : sor< metric_one_source, metric_alternatives > {};
struct metric_decl : if_must< kw_metric, sp, metric_name, sp, metric_definition > {};

// trigger NAME ["title"] when CONDITION [severity P0-P3] [grace D] [every D] -> ACTION
struct trigger_name : name {};
struct trigger_title : text {};
struct trigger_when : kw_when {};
struct trigger_condition : seq< expr > {};
struct severity_level : seq< one< 'P' >, range< '0', '3' >, not_at< identifier_other > > {};
struct severity_clause : if_must< word< kw_severity >, sp, severity_level > {};
struct grace_value : seq< duration_value > {};
struct grace_clause : if_must< word< kw_grace >, sp, grace_value > {};
struct every_value : seq< duration_value > {};
struct every_clause : if_must< word< kw_every >, sp, every_value > {};
// P2: `decide within 1h default rollback`: the decision's deadline and its answer after it.
struct decide_within_word : kw_within {};
struct decide_within : seq< duration_value > {};
struct decide_default_word : kw_default {};
struct decide_choice : sor< TAO_PEGTL_KEYWORD( "continue" ), TAO_PEGTL_KEYWORD( "rollback" ), TAO_PEGTL_KEYWORD( "abort" ) > {};
struct decide_clause : if_must< word< kw_decide >, sp, decide_within_word, sp, decide_within, sp, decide_default_word, sp, decide_choice > {};
struct trigger_clause : sor< condition_clause, severity_clause, guarded< kw_grace, grace_clause >, guarded< kw_every, every_clause >, guarded< kw_decide, decide_clause > > {};
struct arrow : string< '-', '>' > {};
struct action_rollback : if_must< word< kw_rollback >, sp, rollback_target > {};
struct action_notify : if_must< word< kw_notify >, sp, notify_message > {};
struct action_record : kw_record {};
struct action_call : seq< callee, star< call_member >, at< one< '(' > >, must< call_op > > {};
struct trigger_action : sor< guarded< kw_rollback, action_rollback >, guarded< kw_notify, action_notify >, action_record, guarded< identifier_first, action_call > > {};
// `manual` instead of `when CONDITION`: fired by an operator (`runbook fire RUN NAME`).
struct trigger_manual : kw_manual {};
struct trigger_when_condition : seq< must< trigger_when >, sp, must< trigger_condition > > {};
struct trigger_body : seq< opt< trigger_title, sp >, sor< trigger_manual, trigger_when_condition >, star< sp, trigger_clause >, sp, must< arrow >, sp, must< trigger_action > > {};
struct trigger_decl : if_must< kw_trigger, sp, trigger_name, sp, trigger_body > {};
struct warning_decl : if_must< kw_warning, sp, trigger_name, sp, trigger_body > {};

// fn NAME(PARAM, ...) { steps }
struct fn_owner { static constexpr const char* what = "function"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "a function body holds steps, one per line"; static constexpr bool separated = true; using item = step; };
struct fn_name : name {};
struct fn_param : name {};
struct fn_open : one< '(' > {};
struct fn_close : one< ')' > {};
struct fn_params : sor< one< ')' >, seq< must< fn_param >, sp, star< one< ',' >, sp, must< fn_param >, sp >, must< fn_close > > > {};
struct fn_block : block< fn_owner > {};
struct fn_decl : if_must< kw_fn, sp, fn_name, sp, fn_open, sp, fn_params, sp, fn_block > {};

// phase "title" [arms all | arms NAME, ...] { steps }
struct phase_owner { static constexpr const char* what = "phase"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "steps are: sh, http, checklist, approve, ask, wait, watch, await, assert, rollback, abort, log, notify, let, if, for, return, undo all, undo \"STEP-ID\", after, or a call such as traffic.route(...)"; static constexpr bool separated = true; using item = step; };
struct phase_title : text {};
struct armed_all : kw_all {};
struct armed_name : name {};
struct armed_list : seq< armed_name, star< sp, one< ',' >, sp, must< armed_name > > > {};
struct armed : sor< armed_all, armed_list > {};
struct phase_arms : if_must< kw_arms, sp, armed > {};
struct phase_block : block< phase_owner > {};
struct phase_on_fail : seq< on_fail_clause > {};
struct phase_decl : if_must< kw_phase, sp, phase_title, sp, opt< phase_arms, sp >, opt< guarded< on_fail_guard, phase_on_fail >, sp >, phase_block, opt< sp, guarded< kw_finally, finally_clause > > > {};

// rollback NAME { steps }
struct rollback_owner { static constexpr const char* what = "rollback block"; static constexpr const char* item_hint = "a step"; static constexpr const char* item_note = "a rollback block holds steps, one per line; 'undo all' runs the undo of every completed step"; static constexpr bool separated = true; using item = step; };
struct rollback_name : name {};
struct rollback_block : block< rollback_owner > {};
// rollback NAME within D [-> ACTION] { steps } [finally { steps }]: a
// deadline on the rollback, and steps that run whether it succeeded or not.
struct within_value : seq< duration_value > {};
struct overrun_action : seq< arrow, sp, must< trigger_action > > {};
struct rollback_within : if_must< word< kw_within >, sp, within_value, opt< sp, overrun_action > > {};
struct rollback_decl : if_must< kw_rollback, sp, rollback_name, sp, opt< rollback_within, sp >, rollback_block, opt< sp, guarded< kw_finally, finally_clause > > > {};

// signal NAME "title": a fact an operator can give a running run.
struct signal_name : name {};
struct signal_title : text {};
struct signal_decl : if_must< kw_signal, sp, signal_name, sp, signal_title > {};

// ensure "title" EXPR: an end-state invariant, evaluated once when the run
// ends.  The expression stays on the title's line, so a missing one is
// reported there and not as a strange expression made of the next line.
struct ensure_title : text {};
struct ensure_expr : seq< expr > {};
struct ensure_decl : if_must< kw_ensure, sp, ensure_title, sp_inline, ensure_expr > {};

// One top-level declaration.  parser.cpp parses them one at a time, so that
// an error in one does not hide the next.
struct declaration : sor< guarded< kw_runbook, runbook_header >, guarded< kw_lock, lock_decl >, guarded< kw_use, use_decl >, guarded< kw_param, param_decl >, guarded< kw_secret, secret_decl >, guarded< kw_metric, metric_decl >, guarded< kw_trigger, trigger_decl >, guarded< kw_warning, warning_decl >, guarded< kw_fn, fn_decl >, guarded< kw_phase, phase_decl >, guarded< kw_rollback, rollback_decl >, guarded< kw_signal, signal_decl >, guarded< kw_ensure, ensure_decl >, guarded< on_fail_guard, on_fail_clause > > {};
// After a declaration, only a comment may follow on its line.
struct declaration_end : sor< one< '\n', ';' >, eof > {};
struct top_item : seq< declaration, sp_inline, must< declaration_end > > {};

// The whole-file grammar, for analyze() and for documentation: a file is a
// sequence of declarations.  (parser.cpp drives top_item itself.)
struct file : seq< sp, star< top_item, sp >, eof > {};

// clang-format on

// ---------------------------------------------------------------- messages

// What each commit point says when its rule does not match.
#define RUNBOOK_ERROR( rule, text ) \
   template <>                       \
   inline constexpr const char* error_message< rule > = text

RUNBOOK_ERROR( bad_status_class, "a class of statuses is 1xx, 2xx, 3xx, 4xx or 5xx" );
RUNBOOK_ERROR( unknown_unit, "unknown unit after the number: use ms, s, m, h or d for durations, % for percent, or KB, MB, GB for sizes" );
RUNBOOK_ERROR( escape_code, "unknown escape sequence: use \\\", \\\\, \\n, \\t, \\r or \\$" );
RUNBOOK_ERROR( interpolation_expr, "expected an expression inside '${...}'" );
RUNBOOK_ERROR( interpolation_close, "expected '}' to close the interpolation '${'" );
RUNBOOK_ERROR( nul_in_string, "a string may not contain a NUL byte" );
RUNBOOK_ERROR( unterminated_string, "unterminated string: add a closing \"" );
RUNBOOK_ERROR( invalid_utf8, "invalid UTF-8 in a string" );
RUNBOOK_ERROR( string_body, "invalid string" );
RUNBOOK_ERROR( string_close, "unterminated string: add a closing \"" );
RUNBOOK_ERROR( raw_chars, "invalid string" );
RUNBOOK_ERROR( raw_close, "unterminated string: add a closing '" );
RUNBOOK_ERROR( list_item, "expected a value in the list" );
RUNBOOK_ERROR( list_close, "expected ',' or ']' after a list item" );
RUNBOOK_ERROR( map_colon, "expected ':' after the map key" );
RUNBOOK_ERROR( map_value, "expected a value after ':'" );
RUNBOOK_ERROR( map_entry_first, "expected a key such as \"name\": or '}' in the map" );
RUNBOOK_ERROR( map_close, "expected ',' or '}' after a map entry" );
RUNBOOK_ERROR( expr, "expected an expression" );
RUNBOOK_ERROR( paren_close, "expected ')' to close '('" );
RUNBOOK_ERROR( probe_url, "expected a URL after 'http get'" );
RUNBOOK_ERROR( probe_json, "expected json \".path\" after the URL: a probe reads one value from the JSON response" );
RUNBOOK_ERROR( json_path, "expected a JSON path such as \".data.value\"" );
RUNBOOK_ERROR( header_name, "expected a header name such as \"Authorization\" after 'header'" );
RUNBOOK_ERROR( header_eq, "expected '=' between the header name and its value" );
RUNBOOK_ERROR( header_value, "expected the header's value after '='" );
RUNBOOK_ERROR( call_arg, "expected an argument" );
RUNBOOK_ERROR( call_close, "expected ',' or ')' after an argument" );
RUNBOOK_ERROR( call_op, "expected '(' and the arguments of the call" );
RUNBOOK_ERROR( member_name, "expected a name after '.'" );
RUNBOOK_ERROR( index_expr, "expected an index inside '[...]'" );
RUNBOOK_ERROR( index_close, "expected ']' to close '['" );
RUNBOOK_ERROR( neg_operand, "expected a value after '-'" );
RUNBOOK_ERROR( mul_operand, "expected a value after the operator" );
RUNBOOK_ERROR( add_operand, "expected a value after the operator" );
RUNBOOK_ERROR( cmp_operand, "expected a value to compare with" );
RUNBOOK_ERROR( not_operand, "expected a condition after 'not'" );
RUNBOOK_ERROR( and_operand, "expected a condition after 'and'" );
RUNBOOK_ERROR( or_operand, "expected a condition after 'or'" );
RUNBOOK_ERROR( ternary_then, "expected a value after '?'" );
RUNBOOK_ERROR( ternary_colon, "expected ':' and the value to use otherwise" );
RUNBOOK_ERROR( ternary_else, "expected a value after ':'" );
RUNBOOK_ERROR( for_window, "expected a duration such as 5m (or a duration param) after 'for'" );
RUNBOOK_ERROR( after_count, "expected a number of failures after 'after', as in 'after 3 failures'" );
RUNBOOK_ERROR( failures_word, "expected 'failures' (or 'consecutive failures') after the count" );
RUNBOOK_ERROR( lost_after, "expected 'after' in 'lost after N errors'" );
RUNBOOK_ERROR( lost_count, "expected a number of errors, as in 'lost after 3 errors'" );
RUNBOOK_ERROR( errors_word, "expected 'errors' after the count, as in 'lost after 3 errors'" );
RUNBOOK_ERROR( on_lost_word, "expected 'lost' after 'on', as in 'on lost pause'" );
RUNBOOK_ERROR( on_lost_target, "expected the name of a rollback block after 'rollback'" );
RUNBOOK_ERROR( on_lost_action, "expected pause, fail or rollback NAME after 'on lost'" );
RUNBOOK_ERROR( timeout_value, "expected a duration such as 30s or 5m (or a duration param) after 'timeout'" );
RUNBOOK_ERROR( retry_count, "expected a number of retries after 'retry', as in 'retry 3 every 10s'" );
RUNBOOK_ERROR( retry_every_word, "expected 'every' and a delay, as in 'retry 3 every 10s'" );
RUNBOOK_ERROR( retry_every, "expected a duration such as 30s or 5m (or a duration param) after 'every'" );
RUNBOOK_ERROR( id_value, "expected the step's id as a string after 'id'" );
RUNBOOK_ERROR( capture_name, "expected a name after 'as'" );
RUNBOOK_ERROR( undo_block, "expected '{' and the steps of the undo block" );
RUNBOOK_ERROR( expect_status_value, "expected a status code after 'status'" );
RUNBOOK_ERROR( expect_exit_value, "expected an exit code after 'exit'" );
RUNBOOK_ERROR( expect_json_path, "expected a JSON path such as \".ok\" after 'json'" );
RUNBOOK_ERROR( expect_json_op, "expected a comparison such as == after the JSON path" );
RUNBOOK_ERROR( expect_json_value, "expected the value to compare the JSON path with" );
RUNBOOK_ERROR( expect_item, "expected status N, exit N or json \".path\" == VALUE after 'expect'" );
RUNBOOK_ERROR( sh_command, "expected a command after 'sh', such as sh \"make deploy\"" );
RUNBOOK_ERROR( http_method, "expected an HTTP method after 'http': get, head, post, put, patch or delete" );
RUNBOOK_ERROR( http_url, "expected a URL after the HTTP method" );
RUNBOOK_ERROR( body_value, "expected the request body after 'body', such as {\"key\": \"value\"}" );
RUNBOOK_ERROR( checklist_title, "expected the checklist's title as a string after 'checklist'" );
RUNBOOK_ERROR( checklist_text, "expected the item's text as a string after '-'" );
RUNBOOK_ERROR( checklist_block, "expected '{' and the checklist's items" );
RUNBOOK_ERROR( approve_prompt, "expected a question after 'approve', such as approve \"Proceed?\"" );
RUNBOOK_ERROR( ask_question, "expected a question after 'ask', such as ask \"DNS is not resolving yet. What now?\"" );
RUNBOOK_ERROR( ask_choices, "expected 'choices' and the answers in brackets after the question, as in choices [\"wait\", \"roll back\"]" );
RUNBOOK_ERROR( ask_choices_open, "expected '[' and the answers after 'choices', as in choices [\"wait\", \"roll back\"]" );
RUNBOOK_ERROR( ask_choice, "expected a choice as a string, as in choices [\"wait\", \"roll back\"]" );
RUNBOOK_ERROR( ask_choices_close, "expected ',' and another choice, or ']' to close the choices" );
RUNBOOK_ERROR( undo_target, "expected the id of the step to undo as a string, as in undo \"full-rollout/update-dns\"" );
RUNBOOK_ERROR( wait_duration, "expected a duration such as 30s or 5m after 'wait'" );
RUNBOOK_ERROR( watch_duration, "expected a duration such as 30m after 'watch'" );
RUNBOOK_ERROR( watch_every_word, "expected 'every' and a sampling interval, as in 'watch 30m every 30s'" );
RUNBOOK_ERROR( watch_every, "expected a duration such as 30s or 5m after 'every'" );
RUNBOOK_ERROR( watch_block, "expected '{' and the conditions to watch" );
RUNBOOK_ERROR( await_timeout_value, "expected a duration such as 2m after 'timeout'" );
RUNBOOK_ERROR( await_every_value, "expected a duration such as 30s or 5m after 'every'" );
RUNBOOK_ERROR( await_condition, "expected a condition after 'await'" );
RUNBOOK_ERROR( assert_condition, "expected a condition after 'assert'" );
RUNBOOK_ERROR( rollback_target, "expected the name of a rollback block after 'rollback'" );
RUNBOOK_ERROR( abort_reason, "expected the reason after 'abort', such as abort \"health checks failed\"" );
RUNBOOK_ERROR( log_message, "expected a message after 'log'" );
RUNBOOK_ERROR( notify_message, "expected a message after 'notify'" );
RUNBOOK_ERROR( let_name, "expected a name after 'let'" );
RUNBOOK_ERROR( let_eq, "expected '=' after the name in 'let'" );
RUNBOOK_ERROR( let_value, "expected a value after '='" );
RUNBOOK_ERROR( if_condition, "expected a condition after 'if'" );
RUNBOOK_ERROR( then_block, "expected '{' and the steps to run when the condition holds" );
RUNBOOK_ERROR( else_branch, "expected '{' or 'if' after 'else'" );
RUNBOOK_ERROR( loop_variable, "expected the loop variable's name after 'for', as in 'for pct in [1, 5, 10]'" );
RUNBOOK_ERROR( loop_in, "expected 'in' after the loop variable" );
RUNBOOK_ERROR( loop_items, "expected a list to loop over after 'in'" );
RUNBOOK_ERROR( loop_block, "expected '{' and the steps of the loop" );
RUNBOOK_ERROR( return_value, "expected a value after 'return'" );
RUNBOOK_ERROR( runbook_title, "expected the runbook's title as a string after 'runbook'" );
RUNBOOK_ERROR( lock_name, "expected the lock's name as a string after 'lock', as in 'lock \"mailsender-traffic\"'" );
RUNBOOK_ERROR( use_path, "expected a module path as a string after 'use', such as use \"std/traffic\"" );
RUNBOOK_ERROR( use_alias, "expected a name after 'as'" );
RUNBOOK_ERROR( param_name, "expected the param's name after 'param'" );
RUNBOOK_ERROR( param_type, "expected a type after ':': string, number, bool, percent, duration, bytes, list or map" );
RUNBOOK_ERROR( param_default, "expected the param's default value after '='" );
RUNBOOK_ERROR( secret_name, "expected the secret's name after 'secret'" );
RUNBOOK_ERROR( secret_eq, "expected '=' and env(\"VARIABLE\") after the secret's name" );
RUNBOOK_ERROR( secret_env, "expected env(\"VARIABLE\"): a secret is read from the environment" );
RUNBOOK_ERROR( env_variable, "expected the environment variable's name as a string, as in env(\"LB_TOKEN\")" );
RUNBOOK_ERROR( env_close, "expected ')' after the environment variable's name" );
RUNBOOK_ERROR( metric_name, "expected the metric's name after 'metric'" );
RUNBOOK_ERROR( metric_definition, "expected '=' and the metric's source after its name, or its clauses and { alternative sources }" );
RUNBOOK_ERROR( metric_choice_condition, "expected a condition on params after 'if'" );
RUNBOOK_ERROR( metric_alternative, "expected a metric source: http get URL json PATH, prometheus URL query PROMQL, or sh COMMAND" );
RUNBOOK_ERROR( metric_alternatives_close, "expected another source (http get, prometheus, sh) or '}' to close the metric's alternatives" );
RUNBOOK_ERROR( kw_get, "expected 'get' after 'http': a metric is read with GET" );
RUNBOOK_ERROR( metric_url, "expected a URL after 'http get'" );
RUNBOOK_ERROR( metric_json, "expected json \".path\" after the URL: the metric is one value of the JSON response" );
RUNBOOK_ERROR( prometheus_url, "expected the Prometheus server's URL after 'prometheus'" );
RUNBOOK_ERROR( prometheus_query_word, "expected 'query' and a PromQL query after the Prometheus URL" );
RUNBOOK_ERROR( prometheus_query, "expected a PromQL query after 'query'" );
RUNBOOK_ERROR( metric_command, "expected a command after 'sh'" );
RUNBOOK_ERROR( metric_source, "expected a metric source: http get URL json PATH, prometheus URL query PROMQL, or sh COMMAND" );
RUNBOOK_ERROR( unit_name, "expected a unit after 'unit': %, ratio, ms, s, bytes, KB, MB, GB, a size per time such as MB/min, count or number" );
RUNBOOK_ERROR( trigger_name, "expected a name after the keyword, as in 'trigger high_errors'" );
RUNBOOK_ERROR( trigger_when, "expected 'when' and the condition" );
RUNBOOK_ERROR( trigger_condition, "expected a condition after 'when'" );
RUNBOOK_ERROR( severity_level, "expected a severity after 'severity': P0, P1, P2 or P3" );
RUNBOOK_ERROR( grace_value, "expected a duration such as 15m (or a duration param) after 'grace'" );
RUNBOOK_ERROR( every_value, "expected a duration such as 30s or 5m (or a duration param) after 'every'" );
RUNBOOK_ERROR( arrow, "expected '->' and an action after the condition" );
RUNBOOK_ERROR( trigger_action, "expected an action after '->': rollback NAME, notify \"text\", record, or a function call" );
RUNBOOK_ERROR( trigger_body, "expected 'when' and the condition" );
RUNBOOK_ERROR( fn_name, "expected the function's name after 'fn'" );
RUNBOOK_ERROR( fn_open, "expected '(' and the function's parameters" );
RUNBOOK_ERROR( fn_param, "expected a parameter name" );
RUNBOOK_ERROR( fn_close, "expected ',' or ')' after a parameter" );
RUNBOOK_ERROR( fn_params, "expected the function's parameters and ')'" );
RUNBOOK_ERROR( fn_block, "expected '{' and the function's steps" );
RUNBOOK_ERROR( phase_title, "expected the phase's title as a string after 'phase', such as phase \"Canary\"" );
RUNBOOK_ERROR( armed, "expected 'all' or the names of triggers after 'arms'" );
RUNBOOK_ERROR( armed_name, "expected the name of a trigger after ','" );
RUNBOOK_ERROR( phase_block, "expected '{' and the phase's steps" );
RUNBOOK_ERROR( rollback_name, "expected the rollback block's name after 'rollback'" );
RUNBOOK_ERROR( rollback_block, "expected '{' and the steps of the rollback block" );
RUNBOOK_ERROR( declaration, "expected a declaration: runbook, use, param, secret, metric, trigger, warning, signal, fn, phase, rollback or on fail" );
RUNBOOK_ERROR( finally_block, "expected '{' and the steps of the finally block" );
RUNBOOK_ERROR( default_answer, "expected the answer to take when nobody answers in time: yes, no, or a choice as a string" );
RUNBOOK_ERROR( fail_route, "expected where the failure goes after 'on fail': rollback NAME, stop, or { steps }" );
RUNBOOK_ERROR( fail_route_target, "expected the name of a rollback block after 'rollback'" );
RUNBOOK_ERROR( after_delay, "expected a delay such as 15m after 'after', as in 'after 15m unless resolved { ... }'" );
RUNBOOK_ERROR( unless_signal, "expected the name of a signal after 'unless'" );
RUNBOOK_ERROR( timer_block, "expected '{' and the steps to run when the delay has passed (or 'unless SIGNAL' before it)" );
RUNBOOK_ERROR( decide_within_word, "expected 'within', as in 'decide within 1h default rollback'" );
RUNBOOK_ERROR( decide_within, "expected a duration such as 1h (or a duration param) after 'within'" );
RUNBOOK_ERROR( decide_default_word, "expected 'default' and the answer after the deadline, as in 'decide within 1h default rollback'" );
RUNBOOK_ERROR( decide_choice, "expected continue, rollback or abort after 'default'" );
RUNBOOK_ERROR( within_value, "expected a duration such as 5m (or a duration param) after 'within'" );
RUNBOOK_ERROR( signal_name, "expected the signal's name after 'signal', as in signal resolved \"The incident is resolved\"" );
RUNBOOK_ERROR( signal_title, "expected the signal's title as a string after its name" );
RUNBOOK_ERROR( ensure_title, "expected the invariant's title as a string after 'ensure', as in ensure \"traffic is on one environment\" traffic.one_environment(lb, lb_token)" );
RUNBOOK_ERROR( ensure_expr, "expected a true-or-false expression after the invariant's title, on the same line" );
RUNBOOK_ERROR( declaration_end, "expected a new line after the declaration" );
RUNBOOK_ERROR( top_item, "expected a declaration" );

#undef RUNBOOK_ERROR

}  // namespace runbook::grammar

// Custom rules tell PEGTL's grammar analysis what they match.
namespace tao::pegtl {

template <typename Name, typename Rule>
struct analyze_traits<Name, runbook::grammar::nesting<Rule>> : analyze_seq_traits<Rule> {};

template <typename Name, typename Owner>
struct analyze_traits<Name, runbook::grammar::block<Owner>>
   : analyze_seq_traits<one<'{'>, star<runbook::grammar::sp, typename Owner::item>, runbook::grammar::sp, one<'}'>> {};

}  // namespace tao::pegtl
