// Implementation notes.
//
// The parser runs the PEGTL grammar (grammar.hpp) once per top-level
// declaration.  A control class records the selected rules in a flat tree
// (flat_tree.hpp) and turns commit-point failures into syntax_error
// exceptions carrying the grammar's message; ast_builder.cpp then turns the
// tree into AST nodes.  PEGTL's input runs in lazy tracking mode: the parser
// never counts lines while it scans, Locations are computed from byte offsets
// when a node or an error needs one.
//
// Recovery happens at two levels.  Inside a block, block<> reports an error
// and asks recover_in_block() for the next line that can start an item.
// Between declarations, the loop in parse_file() does the same with
// recover_at_top_level().  Both skip whole lines and count braces on the way
// (outside strings and comments), so the steps of a broken block are not
// mistaken for steps of its parent.  After max_errors errors the parse stops.
#include "syntax/parser.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "syntax/ast_builder.hpp"
#include "syntax/flat_tree.hpp"
#include "syntax/grammar.hpp"
#include "syntax/line_index.hpp"
#include "syntax/suggest.hpp"

namespace runbook {

namespace {

namespace g = grammar;
namespace pegtl = tao::pegtl;
using syntax::NodeKind;

/// A syntax error does not hide the next one, but a file in the wrong
/// language should not print hundreds.
constexpr std::size_t max_errors = 20;

/// Thrown once the error budget is spent: unwinds every rule and block.
struct parse_stopped {};

// ---------------------------------------------------------------- rule -> node kind

/// The grammar rules that leave a node in the flat tree; all others only
/// consume input.
template <typename Rule>
inline constexpr int node_kind = -1;

#define RUNBOOK_NODE(rule, kind) \
   template <>                   \
   inline constexpr int node_kind<g::rule> = static_cast<int>(NodeKind::kind)
#define RUNBOOK_SAME_NODE(rule) RUNBOOK_NODE(rule, rule)

// expressions
RUNBOOK_SAME_NODE(expr);
RUNBOOK_SAME_NODE(or_expr);
RUNBOOK_SAME_NODE(and_expr);
RUNBOOK_SAME_NODE(not_expr);
RUNBOOK_SAME_NODE(comparison);
RUNBOOK_SAME_NODE(cmp_op);
RUNBOOK_SAME_NODE(additive);
RUNBOOK_SAME_NODE(add_op);
RUNBOOK_SAME_NODE(multiplicative);
RUNBOOK_SAME_NODE(mul_op);
RUNBOOK_SAME_NODE(neg_expr);
RUNBOOK_SAME_NODE(postfix);
RUNBOOK_SAME_NODE(member_op);
RUNBOOK_SAME_NODE(index_op);
RUNBOOK_SAME_NODE(call_op);
RUNBOOK_SAME_NODE(string_lit);
RUNBOOK_SAME_NODE(plain_chars);
RUNBOOK_SAME_NODE(escape);
RUNBOOK_SAME_NODE(interpolation);
RUNBOOK_SAME_NODE(raw_string);
RUNBOOK_SAME_NODE(number_lit);
RUNBOOK_SAME_NODE(true_lit);
RUNBOOK_SAME_NODE(false_lit);
RUNBOOK_SAME_NODE(list_lit);
RUNBOOK_SAME_NODE(map_lit);
RUNBOOK_SAME_NODE(map_entry);
RUNBOOK_SAME_NODE(map_key);
RUNBOOK_SAME_NODE(name_ref);
RUNBOOK_SAME_NODE(http_probe);
RUNBOOK_SAME_NODE(header_clause);
// names
RUNBOOK_NODE(let_name, word);
RUNBOOK_NODE(loop_variable, word);
RUNBOOK_NODE(capture_name, word);
RUNBOOK_NODE(rollback_target, word);
RUNBOOK_NODE(on_lost_target, word);
RUNBOOK_NODE(fail_route_target, word);
RUNBOOK_NODE(callee, word);
RUNBOOK_NODE(use_alias, word);
RUNBOOK_NODE(param_name, word);
RUNBOOK_NODE(secret_name, word);
RUNBOOK_NODE(metric_name, word);
RUNBOOK_NODE(trigger_name, word);
RUNBOOK_NODE(fn_name, word);
RUNBOOK_NODE(fn_param, word);
RUNBOOK_NODE(rollback_name, word);
RUNBOOK_NODE(armed_name, word);
RUNBOOK_NODE(duration_param, word);
// literals of clauses
RUNBOOK_SAME_NODE(duration_lit);
RUNBOOK_SAME_NODE(count_lit);
// blocks
RUNBOOK_NODE(undo_block, block);
RUNBOOK_NODE(checklist_block, block);
RUNBOOK_NODE(watch_block, block);
RUNBOOK_NODE(then_block, block);
RUNBOOK_NODE(else_block, block);
RUNBOOK_NODE(loop_block, block);
RUNBOOK_NODE(fn_block, block);
RUNBOOK_NODE(phase_block, block);
RUNBOOK_NODE(rollback_block, block);
RUNBOOK_NODE(fail_route_block, block);
// conditions
RUNBOOK_SAME_NODE(condition);
RUNBOOK_SAME_NODE(for_clause);
RUNBOOK_SAME_NODE(after_clause);
RUNBOOK_SAME_NODE(consecutive);
RUNBOOK_SAME_NODE(lost_clause);
RUNBOOK_SAME_NODE(on_lost_clause);
RUNBOOK_SAME_NODE(on_lost_pause);
RUNBOOK_SAME_NODE(on_lost_fail);
RUNBOOK_SAME_NODE(on_lost_rollback);
// step options and clauses
RUNBOOK_SAME_NODE(timeout_option);
RUNBOOK_SAME_NODE(retry_option);
RUNBOOK_SAME_NODE(idempotent_option);
RUNBOOK_SAME_NODE(id_option);
RUNBOOK_SAME_NODE(capture_option);
RUNBOOK_SAME_NODE(undo_option);
RUNBOOK_SAME_NODE(expect_clause);
RUNBOOK_SAME_NODE(expect_status);
RUNBOOK_SAME_NODE(status_class);
RUNBOOK_SAME_NODE(expect_exit);
RUNBOOK_SAME_NODE(expect_json);
RUNBOOK_SAME_NODE(body_clause);
RUNBOOK_SAME_NODE(http_method);
RUNBOOK_SAME_NODE(checklist_item);
RUNBOOK_SAME_NODE(await_timeout);
RUNBOOK_SAME_NODE(await_every);
RUNBOOK_SAME_NODE(assert_message);
// steps
RUNBOOK_SAME_NODE(sh_step);
RUNBOOK_SAME_NODE(http_step);
RUNBOOK_SAME_NODE(checklist_step);
RUNBOOK_SAME_NODE(approve_step);
RUNBOOK_SAME_NODE(wait_step);
RUNBOOK_SAME_NODE(watch_step);
RUNBOOK_SAME_NODE(await_step);
RUNBOOK_SAME_NODE(assert_step);
RUNBOOK_SAME_NODE(rollback_step);
RUNBOOK_SAME_NODE(abort_step);
RUNBOOK_SAME_NODE(log_step);
RUNBOOK_SAME_NODE(notify_step);
RUNBOOK_SAME_NODE(let_step);
RUNBOOK_SAME_NODE(if_step);
RUNBOOK_SAME_NODE(else_clause);
RUNBOOK_SAME_NODE(for_step);
RUNBOOK_SAME_NODE(return_step);
RUNBOOK_SAME_NODE(undo_all_step);
RUNBOOK_SAME_NODE(call_step);
RUNBOOK_SAME_NODE(call_member);
// declarations
RUNBOOK_SAME_NODE(runbook_header);
RUNBOOK_SAME_NODE(lock_decl);
RUNBOOK_SAME_NODE(use_decl);
RUNBOOK_SAME_NODE(param_decl);
RUNBOOK_SAME_NODE(param_type);
RUNBOOK_SAME_NODE(secret_decl);
RUNBOOK_SAME_NODE(metric_decl);
RUNBOOK_SAME_NODE(metric_http);
RUNBOOK_SAME_NODE(metric_prometheus);
RUNBOOK_SAME_NODE(metric_sh);
RUNBOOK_SAME_NODE(metric_alternative);
RUNBOOK_SAME_NODE(unit_name);
RUNBOOK_SAME_NODE(metric_timeout);
RUNBOOK_SAME_NODE(trigger_decl);
RUNBOOK_SAME_NODE(warning_decl);
RUNBOOK_SAME_NODE(severity_level);
RUNBOOK_SAME_NODE(grace_clause);
RUNBOOK_SAME_NODE(every_clause);
RUNBOOK_SAME_NODE(action_rollback);
RUNBOOK_SAME_NODE(action_notify);
RUNBOOK_SAME_NODE(action_record);
RUNBOOK_SAME_NODE(action_call);
RUNBOOK_SAME_NODE(fn_decl);
RUNBOOK_SAME_NODE(phase_decl);
RUNBOOK_SAME_NODE(phase_arms);
// failure routes
RUNBOOK_SAME_NODE(on_fail_clause);
RUNBOOK_SAME_NODE(fail_route_stop);
// decisions
RUNBOOK_SAME_NODE(default_answer);
RUNBOOK_SAME_NODE(else_route);
// soft checks and finally
RUNBOOK_SAME_NODE(soft_option);
RUNBOOK_SAME_NODE(finally_clause);
RUNBOOK_NODE(finally_block, block);
RUNBOOK_SAME_NODE(armed_all);
RUNBOOK_SAME_NODE(rollback_decl);
// signals, timers, rollback deadlines, manual triggers, P2 decisions
RUNBOOK_SAME_NODE(after_step);
RUNBOOK_NODE(unless_signal, word);
RUNBOOK_NODE(timer_block, block);
RUNBOOK_SAME_NODE(decide_clause);
RUNBOOK_SAME_NODE(decide_choice);
RUNBOOK_SAME_NODE(trigger_manual);
RUNBOOK_SAME_NODE(rollback_within);
RUNBOOK_SAME_NODE(signal_decl);
RUNBOOK_NODE(signal_name, word);
// operator decisions with choices, compensating one step
RUNBOOK_SAME_NODE(ask_step);
RUNBOOK_SAME_NODE(ask_choices);
RUNBOOK_SAME_NODE(undo_step);
// end-state invariants
RUNBOOK_SAME_NODE(ensure_decl);

#undef RUNBOOK_SAME_NODE
#undef RUNBOOK_NODE

// ---------------------------------------------------------------- rules that never fail

// must<> around a rule that cannot fail (padding, optional parts) needs no
// message; every other commit point must have one (checked at compile time).
template <typename RuleType>
struct never_fails_impl : std::false_type {};
template <typename Rule>
inline constexpr bool never_fails = never_fails_impl<typename Rule::rule_t>::value;
template <typename... Rules>
struct never_fails_impl<pegtl::internal::star<Rules...>> : std::true_type {};
template <typename... Rules>
struct never_fails_impl<pegtl::internal::opt<Rules...>> : std::true_type {};
template <>
struct never_fails_impl<pegtl::internal::success> : std::true_type {};
template <typename... Rules>
struct never_fails_impl<pegtl::internal::must<Rules...>> : std::true_type {};
template <typename... Rules>
struct never_fails_impl<pegtl::internal::seq<Rules...>> : std::bool_constant<(never_fails<Rules> && ...)> {};

// ---------------------------------------------------------------- parse state

/// The words that start a step (for "did you mean" and hints).
const std::vector<std::string>& step_words()
{
   static const std::vector<std::string> words = {"sh",     "http",  "checklist", "approve", "ask", "wait",   "watch",
                                                  "await",  "assert", "rollback", "abort",   "log",    "notify",
                                                  "let",    "if",    "for",       "return",  "undo",   "after"};
   return words;
}

bool is_word_char(char c)
{
   return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class ParseState {
public:
   /// Where each item of a block starts (steps, checklist items, watch
   /// conditions, metric alternatives); recorded only when asked for.
   std::vector<std::size_t>* item_starts = nullptr;
   void item_started(std::size_t offset)
   {
      if (item_starts != nullptr) item_starts->push_back(offset);
   }

   ParseState(const SourceFile& source, Diagnostics& diags)
      : text_(source.text), lines_(source), diags_(diags)
   {
      tree.text = text_;
   }

   syntax::FlatTree tree;
   std::size_t depth = 0;

   const LineIndex& lines() const { return lines_; }
   std::string_view text() const { return text_; }
   std::size_t offset_of(const char* p) const { return static_cast<std::size_t>(p - text_.data()); }
   const char* pointer_at(std::size_t offset) const { return text_.data() + offset; }
   std::size_t line_of(std::size_t offset) const { return lines_.line_of(offset); }
   std::size_t errors() const { return errors_; }

   /// Records a syntax error; throws parse_stopped when the budget is spent.
   void report(g::syntax_error error)
   {
      if (errors_ >= max_errors) throw parse_stopped{};
      if (++errors_ == max_errors) error.notes.push_back("stopping after " + std::to_string(max_errors) + " syntax errors");
      if (error.offset >= text_.size()) {
         reported_end_ = true;
         // Point at the end of the last line rather than at an empty line after it.
         if (!text_.empty() && text_.back() == '\n') error.offset = text_.size() - 1;
      }
      diags_.error(lines_.locate(error.offset), "syntax", std::move(error.message), std::move(error.notes));
      if (errors_ == max_errors) throw parse_stopped{};
   }

   /// Called by block<> when the file ends inside it.
   [[noreturn]] void unclosed_at_end(std::string message)
   {
      // After an error at the end of the file (an unterminated string, an
      // inner block left open) this would only repeat it.
      if (reported_end_) throw parse_stopped{};
      throw g::syntax_error{std::move(message), text_.size(), {}};
   }

   /// Called by block<> after an error in one of its items that started at
   /// `item_start`.  Returns where the block resumes: the next line that can
   /// start an item, or a `}` that closes the block.  Throws
   /// resume_at_top_level when the next such line is a top-level declaration.
   std::size_t recover_in_block(g::syntax_error&& error, std::size_t open, std::size_t item_start)
   {
      const std::size_t error_offset = std::max(error.offset, item_start);
      if (error.offset >= text_.size() && reported_end_) throw parse_stopped{};
      report(std::move(error));
      if (starts_line(item_start) && starts_declaration(item_start)) throw g::resume_at_top_level{item_start};
      long depth = braces(item_start, error_offset);
      // A `}` later on the error line may close this very block.
      std::size_t pos = error_offset;
      const std::size_t line_end = end_of_line(pos);
      while (pos < line_end) {
         const char c = text_[pos];
         if (c == '"' || c == '\'') pos = skip_string(pos);
         else if (c == '#') break;
         else {
            if (c == '{') ++depth;
            if (c == '}' && depth-- == 0) return pos;
            ++pos;
         }
      }
      for (std::size_t line = next_line(error_offset); line < text_.size(); line = next_line(line)) {
         const std::size_t first = skip_blanks(line);
         if (first >= text_.size()) break;
         if (first == line && starts_declaration(first)) throw g::resume_at_top_level{first};
         // A `}` indented deeper than the line that opened the block closes
         // something inside the broken item, not the block.
         const bool closes = text_[first] == '}' && first - line <= indentation(open);
         // Lines indented deeper than the broken item continue it (its
         // clauses, or the body of a broken `if` or `for`).
         const bool starts = starts_item(first) && first - line <= indentation(item_start);
         if (depth <= 0 && (closes || starts)) return first;
         depth += braces(first, end_of_line(first));
      }
      return text_.size();
   }

   /// The same for an error between declarations: the next line that starts
   /// a declaration, in column 1 or after the braces opened so far closed.
   std::size_t recover_at_top_level(std::size_t decl_start, std::size_t error_offset)
   {
      error_offset = std::max(error_offset, decl_start);
      long depth = braces(decl_start, end_of_line(error_offset));
      for (std::size_t line = next_line(error_offset); line < text_.size(); line = next_line(line)) {
         const std::size_t first = skip_blanks(line);
         if (first >= text_.size()) break;
         if ((first == line || depth <= 0) && starts_declaration(first)) return first;
         depth += braces(first, end_of_line(first));
      }
      return text_.size();
   }

   /// The notes for something that is not an item of a block: "did you
   /// mean" when it looks like a misspelled step keyword, then `note`.
   std::vector<std::string> item_notes(std::size_t offset, const char* note, bool steps) const
   {
      std::vector<std::string> notes;
      if (steps) notes = did_you_mean(word_at(offset), step_words());
      notes.emplace_back(note);
      return notes;
   }

   /// When what is missing would have been on a later line (`log "a" +`
   /// at the end of a line), the error points just after the last token
   /// rather than at whatever starts the next line.
   std::size_t after_last_token(std::size_t offset) const
   {
      std::size_t pos = std::min(offset, text_.size());
      bool newline = false;
      while (pos > 0) {
         const char c = text_[pos - 1];
         if (c == '\n') newline = true;
         else if (c != ' ' && c != '\t' && c != '\r') break;
         --pos;
      }
      return newline && pos > 0 ? pos : offset;
   }

   /// The word at `pos`, if any.
   std::string_view word_at(std::size_t pos) const
   {
      std::size_t end = pos;
      while (end < text_.size() && is_word_char(text_[end])) ++end;
      return text_.substr(pos, end - pos);
   }

private:
   bool starts_line(std::size_t pos) const { return pos == 0 || text_[pos - 1] == '\n'; }
   /// Blanks at the start of the line holding `pos`.
   std::size_t indentation(std::size_t pos) const
   {
      const std::size_t newline = text_.rfind('\n', pos == 0 ? 0 : pos - 1);
      const std::size_t line = pos == 0 || newline == std::string_view::npos ? 0 : newline + 1;
      return skip_blanks(line) - line;
   }
   std::size_t end_of_line(std::size_t pos) const
   {
      const std::size_t newline = text_.find('\n', pos);
      return newline == std::string_view::npos ? text_.size() : newline;
   }
   std::size_t next_line(std::size_t pos) const
   {
      const std::size_t end = end_of_line(pos);
      return end == text_.size() ? end : end + 1;
   }
   std::size_t skip_blanks(std::size_t pos) const
   {
      while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t' || text_[pos] == '\r')) ++pos;
      return pos;
   }
   /// Past a string starting at `pos`; strings end on their line.
   std::size_t skip_string(std::size_t pos) const
   {
      const char quote = text_[pos++];
      while (pos < text_.size() && text_[pos] != '\n') {
         if (text_[pos] == '\\' && quote == '"') pos += 2;
         else if (text_[pos++] == quote) break;
      }
      return std::min(pos, text_.size());
   }
   /// Net braces opened in [from, to), outside strings and comments.
   long braces(std::size_t from, std::size_t to) const
   {
      long depth = 0;
      for (std::size_t pos = from; pos < to && pos < text_.size();) {
         const char c = text_[pos];
         if (c == '"' || c == '\'') {
            pos = skip_string(pos);
         }
         else if (c == '#') {
            pos = end_of_line(pos);
         }
         else {
            if (c == '{') ++depth;
            if (c == '}') --depth;
            ++pos;
         }
      }
      return depth;
   }
   bool starts_declaration(std::size_t pos) const
   {
      static constexpr std::string_view words[] = {"runbook", "lock", "use", "param", "secret", "metric",
                                                   "trigger", "warning", "fn", "phase", "signal", "ensure", "on"};
      const std::string_view word = word_at(pos);
      for (const auto candidate : words) {
         if (word == candidate) return true;
      }
      if (word != "rollback") return false;
      // `rollback NAME {` is a block; `rollback NAME` alone is a step.
      const std::size_t after = pos + word.size();
      const std::size_t end = end_of_line(after);
      return text_.substr(after, end - after).find('{') != std::string_view::npos;
   }
   /// Whether the line starting at `pos` can start a step, a condition or a
   /// checklist item, rather than continue the clauses of a broken step.
   bool starts_item(std::size_t pos) const
   {
      if (text_[pos] == '-') return true;
      const std::string_view word = word_at(pos);
      if (word.empty() || (word[0] >= '0' && word[0] <= '9')) return false;
      static constexpr std::string_view clauses[] = {
         "timeout", "retry", "idempotent", "id", "as", "header", "body", "expect", "json", "every", "after",
         "lost", "on", "severity", "grace", "status", "exit", "query", "unit", "consecutive", "failures",
         "errors", "else", "soft", "default", "finally"};
      for (const auto clause : clauses) {
         if (word == clause) return false;
      }
      const std::size_t next = skip_blanks(pos + word.size());
      if (word == "undo" && next < text_.size() && text_[next] == '{') return false;
      if (word == "for" && next < text_.size() && text_[next] >= '0' && text_[next] <= '9') return false;
      return true;
   }

   std::string_view text_;
   LineIndex lines_;
   Diagnostics& diags_;
   std::size_t errors_ = 0;
   bool reported_end_ = false;
};

// ---------------------------------------------------------------- control

template <typename Rule>
struct control : pegtl::normal<Rule> {
   static constexpr bool selected = node_kind<Rule> >= 0;
   static constexpr bool enable = selected;

   template <typename Input>
   static void start(const Input& in, ParseState& st)
   {
      if constexpr (selected) st.tree.start(static_cast<NodeKind>(node_kind<Rule>), st.offset_of(in.current()));
   }
   template <typename Input>
   static void success(const Input& in, ParseState& st)
   {
      if constexpr (selected) st.tree.close(st.offset_of(in.current()));
   }
   template <typename Input>
   static void failure(const Input&, ParseState& st)
   {
      if constexpr (selected) st.tree.drop();
   }
   template <typename Input>
   static void unwind(const Input&, ParseState& st)
   {
      if constexpr (selected) st.tree.drop();
   }
   /// A rule that fails rewinds the input, whatever its caller asked for:
   /// a commit point then reports where the missing thing should start
   /// (`-> explode` points at `explode`, not after it).
   template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
             template <typename...> class Control, typename Input, typename... States>
   [[nodiscard]] static bool match(Input& in, States&&... st)
   {
      constexpr auto rewind = M == pegtl::rewind_mode::dontcare ? pegtl::rewind_mode::required : M;
      return pegtl::normal<Rule>::template match<A, rewind, Action, Control>(in, st...);
   }

   template <typename Input>
   [[noreturn]] static void raise(const Input& in, ParseState& st)
   {
      static_assert(g::error_message<Rule> != nullptr || never_fails<Rule>,
                    "a commit point of the grammar has no error message: add one in grammar.hpp");
      const char* message = g::error_message<Rule>;
      throw g::syntax_error{message != nullptr ? message : "syntax error",
                            st.after_last_token(st.offset_of(in.current())), {}};
   }
};

using input = pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf, const char*>;

/// Past blanks, newlines, comments and stray `;` between declarations.
std::size_t skip_space(std::string_view text, std::size_t pos)
{
   while (pos < text.size()) {
      const char c = text[pos];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';') {
         ++pos;
      }
      else if (c == '#') {
         const std::size_t newline = text.find('\n', pos);
         pos = newline == std::string_view::npos ? text.size() : newline;
      }
      else {
         break;
      }
   }
   return pos;
}

/// The error for a line that starts no declaration.
g::syntax_error not_a_declaration(const ParseState& st, std::size_t pos)
{
   static const std::vector<std::string> declarations = {"runbook", "use",     "param", "secret", "metric",
                                                         "trigger", "warning", "fn",    "phase",  "rollback",
                                                         "signal",  "ensure",  "on"};
   const std::string word(st.word_at(pos));
   if (st.text()[pos] == '}') return {"unexpected '}': there is no open block to close", pos, {}};
   g::syntax_error error{g::error_message<g::declaration>, pos, {}};
   const auto& steps = step_words();
   if (std::find(steps.begin(), steps.end(), word) != steps.end()) {
      error.notes.push_back("steps belong inside a phase, a rollback block or a function");
   }
   else {
      error.notes = did_you_mean(word, declarations);
   }
   return error;
}

}  // namespace

std::unique_ptr<ast::File> parse_file(const SourceFile& source, Diagnostics& diags)
{
   auto file = std::make_unique<ast::File>();
   file->source = &source;
   ParseState st(source, diags);
   const std::string_view text = st.text();

   // A NUL byte means this is not a text file; nothing after it is worth reading.
   if (const void* nul = std::memchr(text.data(), 0, text.size())) {
      st.report(g::syntax_error{"the file contains a NUL byte: a runbook must be a text file",
                                st.offset_of(static_cast<const char*>(nul)), {}});
      return file;
   }

   syntax::AstBuilder builder(st.tree, &st.lines(), diags);
   std::size_t pos = 0;
   try {
      for (;;) {
         pos = skip_space(text, pos);
         if (pos >= text.size()) break;
         input in(text.data() + pos, text.data() + text.size(), "");
         st.tree.clear();
         st.depth = 0;
         try {
            if (!pegtl::parse<g::top_item, pegtl::nothing, control>(in, st)) throw not_a_declaration(st, pos);
            builder.add_declaration(0, *file);
            pos = st.offset_of(in.current());
         }
         catch (g::syntax_error& error) {
            const std::size_t offset = error.offset;
            st.report(std::move(error));
            pos = st.recover_at_top_level(pos, offset);
         }
         catch (g::resume_at_top_level& resume) {
            pos = resume.offset;
         }
      }
   }
   catch (parse_stopped&) {
      // The budget of errors is spent; what parsed so far is kept.
   }
   return file;
}

bool statement_starts(const SourceFile& source, std::vector<std::size_t>& starts)
{
   starts.clear();
   Diagnostics diags;
   ParseState st(source, diags);
   st.item_starts = &starts;
   const std::string_view text = st.text();
   if (std::memchr(text.data(), 0, text.size()) != nullptr) return false;
   std::size_t pos = 0;
   try {
      for (;;) {
         pos = skip_space(text, pos);
         if (pos >= text.size()) break;
         starts.push_back(pos);
         input in(text.data() + pos, text.data() + text.size(), "");
         st.tree.clear();
         st.depth = 0;
         if (!pegtl::parse<g::top_item, pegtl::nothing, control>(in, st) || diags.has_errors()) return false;
         pos = st.offset_of(in.current());
      }
   }
   catch (...) {
      return false;   // a syntax error, a recovery or a spent error budget
   }
   std::sort(starts.begin(), starts.end());
   return true;
}

std::string dump_syntax_tree(const SourceFile& source)
{
   Diagnostics diags;
   ParseState st(source, diags);
   const std::string_view text = st.text();
   std::string out;
   if (std::memchr(text.data(), 0, text.size()) != nullptr) return "(syntax error)\n";   // as parse_file()
   std::size_t pos = 0;
   try {
      for (;;) {
         pos = skip_space(text, pos);
         if (pos >= text.size()) break;
         input in(text.data() + pos, text.data() + text.size(), "");
         st.tree.clear();
         st.depth = 0;
         if (!pegtl::parse<g::top_item, pegtl::nothing, control>(in, st)) return out + "(syntax error)\n";
         if (diags.has_errors()) break;
         // Pre-order: a node's kind and subtree size, and the text of a leaf.
         for (const syntax::Node& node : st.tree.nodes) {
            out += std::to_string(static_cast<int>(node.kind)) + ' ' + std::to_string(node.size);
            if (node.size == 1) {
               // A leaf of several words (`undo all`) is the same with any
               // blanks between them; a string's text is not.
               const std::string_view leaf = text.substr(node.begin, node.end - node.begin);
               const bool verbatim = node.kind == NodeKind::plain_chars || node.kind == NodeKind::raw_string;
               bool blank = false;
               out += ' ';
               for (const char c : leaf) {
                  const bool is_blank = !verbatim && (c == ' ' || c == '\t' || c == '\r' || c == '\n');
                  if (!is_blank) out += c;
                  else if (!blank) out += ' ';
                  blank = is_blank;
               }
            }
            out += '\n';
         }
         pos = st.offset_of(in.current());
      }
   }
   catch (...) {
      // A syntax error, a recovery or a spent error budget: no tree to compare.
      return out + "(syntax error)\n";
   }
   if (diags.has_errors()) out += "(syntax error)\n";
   return out;
}

// ---------------------------------------------------------------- literals from the command line

namespace {

struct literal_text : pegtl::seq<g::sp, g::expr, g::sp, pegtl::eof> {};

bool is_literal(const ast::Expr& expr)
{
   if (const auto* string = std::get_if<ast::StringLit>(&expr.node)) {
      for (const auto& part : string->parts) {
         if (part.expr) return false;
      }
      return true;
   }
   if (const auto* list = std::get_if<ast::ListLit>(&expr.node)) {
      for (const auto& item : list->items) {
         if (!is_literal(*item)) return false;
      }
      return true;
   }
   if (const auto* map = std::get_if<ast::MapLit>(&expr.node)) {
      for (const auto& [key, value] : map->entries) {
         if (!is_literal(*value)) return false;
      }
      return true;
   }
   return std::holds_alternative<ast::NumberLit>(expr.node) || std::holds_alternative<ast::BoolLit>(expr.node);
}

const char* type_example(ast::Type type)
{
   switch (type) {
   case ast::Type::Number: return "a number such as 42";
   case ast::Type::Bool: return "true or false";
   case ast::Type::Percent: return "a percentage such as 5%";
   case ast::Type::Duration: return "a duration such as 30s or 5m";
   case ast::Type::Bytes: return "a size such as 512MB";
   case ast::Type::Rate: return "a size per time such as 10MB/min";
   case ast::Type::List: return "a list such as [1, 5, 10]";
   case ast::Type::Map: return "a map such as {\"key\": \"value\"}";
   default: return "a value";
   }
}

bool fits(const ast::Expr& expr, ast::Type type)
{
   const auto* number = std::get_if<ast::NumberLit>(&expr.node);
   switch (type) {
   case ast::Type::Number: return number != nullptr && number->unit == ast::Unit::None;
   case ast::Type::Percent: return number != nullptr && number->unit == ast::Unit::Percent;
   case ast::Type::Duration: return number != nullptr && number->unit == ast::Unit::Duration;
   case ast::Type::Bytes: return number != nullptr && number->unit == ast::Unit::Bytes;
   case ast::Type::Rate: return number != nullptr && number->unit == ast::Unit::ByteRate;
   case ast::Type::Bool: return std::holds_alternative<ast::BoolLit>(expr.node);
   case ast::Type::List: return std::holds_alternative<ast::ListLit>(expr.node);
   case ast::Type::Map: return std::holds_alternative<ast::MapLit>(expr.node);
   case ast::Type::String: return std::holds_alternative<ast::StringLit>(expr.node);
   case ast::Type::Any: return true;
   }
   return false;
}

ast::ExprPtr plain_string(const std::string& text)
{
   auto expr = std::make_unique<ast::Expr>();
   ast::StringLit literal;
   literal.parts.push_back(ast::StringPart{text, nullptr});
   expr->node = std::move(literal);
   return expr;
}

}  // namespace

ast::ExprPtr parse_literal(const std::string& text, ast::Type type, std::string& error)
{
   const bool quoted = !text.empty() && (text.front() == '"' || text.front() == '\'');
   // A string param takes the text as it is, unless it is written quoted.
   if (type == ast::Type::String && !quoted) return plain_string(text);

   const SourceFile source{"<command line>", text};
   Diagnostics diags;
   ParseState st(source, diags);
   ast::ExprPtr result;
   if (std::memchr(text.data(), 0, text.size()) == nullptr) {
      try {
         input in(source.text.data(), source.text.data() + source.text.size(), "");
         if (pegtl::parse<literal_text, pegtl::nothing, control>(in, st)) {
            syntax::AstBuilder builder(st.tree, nullptr, diags);
            result = builder.expression(0);
         }
      }
      catch (g::syntax_error&) {
         result = nullptr;
      }
   }
   if (result && !diags.has_errors() && is_literal(*result) && fits(*result, type)) return result;
   // An untyped param given something that is no literal: take it as text.
   if (type == ast::Type::Any && !quoted) return plain_string(text);
   error = std::string("expected ") + type_example(type) + ", got '" + text + "'";
   return nullptr;
}

}  // namespace runbook
