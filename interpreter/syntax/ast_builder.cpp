// Implementation notes.
//
// Every function here takes the index of a node in the flat tree and reads
// its children in order.  Expression slots are told apart from text slots by
// the node's own kind: an expression rule always leaves an `expr`,
// `additive` or `pass` node (see FlatTree::close), while fixed texts leave a
// bare `string_lit` or `raw_string`.
#include "syntax/ast_builder.hpp"
#include "syntax/rate_unit.hpp"

#include <charconv>
#include <cmath>

namespace runbook::syntax {

namespace {

/// Longer operator chains are refused: the AST would be as deep as the chain
/// is long, and every later pass walks it recursively.
constexpr std::size_t max_chain = 1000;

double unit_factor(std::string_view unit)
{
   if (unit == "ms") return 1;
   if (unit == "s") return 1000;
   if (unit == "m") return 60 * 1000;
   if (unit == "h") return 60 * 60 * 1000;
   if (unit == "d") return 24 * 60 * 60 * 1000;
   if (unit == "B") return 1;
   if (unit == "KB") return 1024.0;
   if (unit == "MB") return 1024.0 * 1024;
   if (unit == "GB") return 1024.0 * 1024 * 1024;
   if (unit == "TB") return 1024.0 * 1024 * 1024 * 1024;
   return 1;
}

/// Reads the decimal at the front of `s` and removes it.
double take_decimal(std::string_view& s)
{
   double value = 0;
   const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
   if (ec != std::errc()) value = HUGE_VAL;  // Only out of range: the grammar checked the digits.
   s.remove_prefix(static_cast<std::size_t>(end - s.data()));
   return value;
}

std::string upper(std::string_view s)
{
   std::string result(s);
   for (char& c : result) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
   }
   return result;
}

}  // namespace

ast::NumberLit read_number(std::string_view spelling)
{
   ast::NumberLit number;
   number.spelling = std::string(spelling);
   std::string_view rest = spelling;
   const bool negative = !rest.empty() && rest.front() == '-';
   if (negative) rest.remove_prefix(1);
   number.value = take_decimal(rest);
   if (rest.empty()) {
      // A plain number.
   }
   else if (rest == "%") {
      number.unit = ast::Unit::Percent;
   }
   else if (const auto rate = byte_rate_factor(rest)) {   // 10MB/min
      number.unit = ast::Unit::ByteRate;
      number.value *= *rate;
   }
   else if (rest.back() == 'B') {
      number.unit = ast::Unit::Bytes;
      number.value *= unit_factor(rest);
   }
   else {
      number.unit = ast::Unit::Duration;
      double total = 0;
      for (double value = number.value;;) {
         const std::size_t unit_length = rest.size() >= 2 && rest[0] == 'm' && rest[1] == 's' ? 2 : 1;
         total += value * unit_factor(rest.substr(0, unit_length));
         rest.remove_prefix(unit_length);
         if (rest.empty()) break;
         value = take_decimal(rest);
      }
      number.value = total;
   }
   if (negative) number.value = -number.value;
   return number;
}

std::string slugify(std::string_view title)
{
   std::string slug;
   for (const char c : title) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (alnum) slug += c;
      else if (c >= 'A' && c <= 'Z') slug += static_cast<char>(c - 'A' + 'a');
      else if (!slug.empty() && slug.back() != '-') slug += '-';
   }
   while (!slug.empty() && slug.back() == '-') slug.pop_back();
   return slug;
}

// ---------------------------------------------------------------- helpers

Location AstBuilder::location(std::size_t offset) const
{
   if (lines_ != nullptr) return lines_->locate(offset);
   Location result;
   result.offset = offset;
   return result;
}

void AstBuilder::error(std::size_t index, std::string message, std::vector<std::string> notes)
{
   diags_.error(loc(index), "syntax", std::move(message), std::move(notes));
   ++errors_;
}

ast::ExprPtr AstBuilder::make(std::size_t index, auto node) const
{
   auto expr = std::make_unique<ast::Expr>();
   expr->loc = loc(index);
   expr->node = std::move(node);
   return expr;
}

bool AstBuilder::is_expression(std::size_t index) const
{
   const NodeKind kind = tree_.nodes[index].kind;
   return kind == NodeKind::expr || kind == NodeKind::additive || kind == NodeKind::pass;
}

std::string AstBuilder::text(std::size_t index, const char* what)
{
   if (tree_.nodes[index].kind == NodeKind::raw_string) {
      const std::string_view raw = tree_.content(index);
      return std::string(raw.substr(1, raw.size() - 2));
   }
   std::string result;
   for (const std::size_t part : tree_.children(index)) {
      switch (tree_.nodes[part].kind) {
      case NodeKind::plain_chars:
         result += tree_.content(part);
         break;
      case NodeKind::escape:
         switch (tree_.content(part)[1]) {
         case 'n': result += '\n'; break;
         case 't': result += '\t'; break;
         case 'r': result += '\r'; break;
         default: result += tree_.content(part)[1]; break;
         }
         break;
      default:
         error(part, std::string(what) + " is a fixed text: it cannot use ${...}",
               {"write the text out, or use a raw string '...' if you need a literal ${"});
         break;
      }
   }
   return result;
}

double AstBuilder::duration_ms(std::size_t index) const
{
   return read_number(tree_.content(index)).value;
}

void AstBuilder::duration(std::size_t index, std::optional<double>& ms, ast::DurationParam& param)
{
   if (tree_.nodes[index].kind == NodeKind::word) {
      param.name = word(index);
      param.loc = loc(index);
      ms.reset();
   } else {
      ms = duration_ms(index);
      param = {};
   }
}

int AstBuilder::count(std::size_t index)
{
   int value = 0;
   const std::string_view digits = tree_.content(index);
   const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
   if (ec != std::errc() || end != digits.data() + digits.size()) {
      error(index, "this number is too large for a count");
      return 0;
   }
   return value;
}

// ---------------------------------------------------------------- expressions

ast::ExprPtr AstBuilder::expression(std::size_t index)
{
   index = tree_.resolve(index);
   const Node& node = tree_.nodes[index];
   switch (node.kind) {
   case NodeKind::expr: {
      // cond ? a : b
      auto it = tree_.children(index).begin();
      ast::Ternary ternary;
      ternary.cond = expression(*it);
      ternary.then_expr = expression(*++it);
      ternary.else_expr = expression(*++it);
      return make(index, std::move(ternary));
   }
   case NodeKind::or_expr:
      return binary_chain(index, "or");
   case NodeKind::and_expr:
      return binary_chain(index, "and");
   case NodeKind::comparison:
   case NodeKind::additive:
   case NodeKind::multiplicative:
      return binary_chain(index, nullptr);
   case NodeKind::not_expr:
      return make(index, ast::Unary{"not", expression(index + 1)});
   case NodeKind::neg_expr: {
      auto operand = expression(index + 1);
      if (auto* number = std::get_if<ast::NumberLit>(&operand->node)) {
         // -3 is a number, not an operation.
         number->value = -number->value;
         number->spelling = "-" + number->spelling;
         operand->loc = loc(index);
         return operand;
      }
      return make(index, ast::Unary{"-", std::move(operand)});
   }
   case NodeKind::postfix:
      return postfix(index);
   case NodeKind::string_lit:
      return string_literal(index);
   case NodeKind::raw_string: {
      ast::StringLit literal;
      literal.raw = true;
      literal.parts.push_back(ast::StringPart{text(index, "a raw string"), nullptr});
      return make(index, std::move(literal));
   }
   case NodeKind::number_lit:
      return make(index, read_number(tree_.content(index)));
   case NodeKind::true_lit:
      return make(index, ast::BoolLit{true});
   case NodeKind::false_lit:
      return make(index, ast::BoolLit{false});
   case NodeKind::list_lit: {
      ast::ListLit list;
      for (const std::size_t item : tree_.children(index)) list.items.push_back(expression(item));
      return make(index, std::move(list));
   }
   case NodeKind::map_lit: {
      ast::MapLit map;
      for (const std::size_t entry : tree_.children(index)) {
         const std::size_t key = entry + 1;
         const std::size_t value = key + tree_.nodes[key].size;
         std::string key_text = tree_.nodes[key].size > 1 ? text(key + 1, "a map key") : word(key);
         map.entries.emplace_back(std::move(key_text), expression(value));
      }
      return make(index, std::move(map));
   }
   case NodeKind::name_ref:
      return make(index, ast::NameRef{word(index)});
   case NodeKind::http_probe:
      return http_probe(index);
   default:
      error(index, "expected an expression");
      return make(index, ast::BoolLit{false});
   }
}

ast::ExprPtr AstBuilder::binary_chain(std::size_t index, const char* fixed_op)
{
   auto it = tree_.children(index).begin();
   const auto end = tree_.children(index).end();
   ast::ExprPtr result = expression(*it);
   std::size_t operators = 0;
   for (++it; it != end; ++it) {
      std::string op;
      if (fixed_op != nullptr) {
         op = fixed_op;
      }
      else {
         op = std::string(tree_.content(*it));
         ++it;
      }
      if (++operators > max_chain) {
         error(index, "this expression has more than " + std::to_string(max_chain) + " operators in a row",
               {"split it into smaller parts with 'let'"});
         return make(index, ast::BoolLit{false});
      }
      const Location op_loc = result->loc;
      auto rhs = expression(*it);
      auto binary = std::make_unique<ast::Expr>();
      binary->loc = op_loc;
      binary->node = ast::Binary{std::move(op), std::move(result), std::move(rhs)};
      result = std::move(binary);
   }
   return result;
}

ast::ExprPtr AstBuilder::string_literal(std::size_t index)
{
   ast::StringLit literal;
   auto append_text = [&](std::string_view piece) {
      if (literal.parts.empty() || literal.parts.back().expr) literal.parts.push_back(ast::StringPart{});
      literal.parts.back().text += piece;
   };
   for (const std::size_t part : tree_.children(index)) {
      switch (tree_.nodes[part].kind) {
      case NodeKind::plain_chars:
         append_text(tree_.content(part));
         break;
      case NodeKind::escape: {
         const char code = tree_.content(part)[1];
         append_text(code == 'n' ? "\n" : code == 't' ? "\t" : code == 'r' ? "\r" : std::string_view(&tree_.content(part)[1], 1));
         break;
      }
      default:  // interpolation
         literal.parts.push_back(ast::StringPart{std::string(), expression(part + 1)});
         break;
      }
   }
   if (literal.parts.empty()) literal.parts.push_back(ast::StringPart{});
   return make(index, std::move(literal));
}

ast::ExprPtr AstBuilder::postfix(std::size_t index)
{
   auto it = tree_.children(index).begin();
   const auto end = tree_.children(index).end();
   ast::ExprPtr result = expression(*it);
   for (++it; it != end; ++it) {
      const std::size_t op = *it;
      auto wrapped = std::make_unique<ast::Expr>();
      wrapped->loc = result->loc;
      switch (tree_.nodes[op].kind) {
      case NodeKind::member_op:
         wrapped->node = ast::Member{std::move(result), std::string(tree_.content(op).substr(1))};
         break;
      case NodeKind::index_op:
         wrapped->node = ast::Index{std::move(result), expression(op + 1)};
         break;
      default: {  // call_op
         ast::Call call{std::move(result), {}};
         for (const std::size_t arg : tree_.children(op)) call.args.push_back(expression(arg));
         wrapped->node = std::move(call);
         break;
      }
      }
      result = std::move(wrapped);
   }
   return result;
}

std::pair<std::string, ast::ExprPtr> AstBuilder::header(std::size_t index)
{
   auto it = tree_.children(index).begin();
   std::string name = text(*it, "a header name");
   return {std::move(name), expression(*++it)};
}

ast::ExprPtr AstBuilder::http_probe(std::size_t index)
{
   ast::HttpProbe probe;
   auto it = tree_.children(index).begin();
   const auto end = tree_.children(index).end();
   probe.url = expression(*it);
   probe.json_path = text(*++it, "a JSON path");
   for (++it; it != end; ++it) probe.headers.push_back(header(*it));
   return make(index, std::move(probe));
}

/// `name.member(args)` as written in a call step or a trigger action: the
/// children in [first, end) are the callee word, call_members and a call_op.
ast::ExprPtr AstBuilder::call(std::size_t first, std::size_t end)
{
   ast::ExprPtr callee = make(first, ast::NameRef{word(first)});
   std::size_t index = first + tree_.nodes[first].size;
   for (; index < end && tree_.nodes[index].kind == NodeKind::call_member; index += tree_.nodes[index].size) {
      auto member = std::make_unique<ast::Expr>();
      member->loc = callee->loc;
      member->node = ast::Member{std::move(callee), std::string(tree_.content(index).substr(1))};
      callee = std::move(member);
   }
   ast::Call result{std::move(callee), {}};
   for (const std::size_t arg : tree_.children(index)) result.args.push_back(expression(arg));
   return make(first, std::move(result));
}

// ---------------------------------------------------------------- conditions

bool AstBuilder::condition_clause(std::size_t index, ast::Condition& condition)
{
   switch (tree_.nodes[index].kind) {
   case NodeKind::for_clause:
      duration(index + 1, condition.for_ms, condition.for_param);
      condition.for_consecutive = tree_.nodes[index].size > 2;   // the window, then `consecutive`
      return true;
   case NodeKind::after_clause:
      condition.after_failures = count(index + 1);
      condition.consecutive = tree_.nodes[index].size > 2;
      return true;
   case NodeKind::lost_clause:
      condition.lost_after_errors = count(index + 1);
      return true;
   case NodeKind::on_lost_clause: {
      const std::size_t action = index + 1;
      condition.on_lost_loc = loc(action);
      switch (tree_.nodes[action].kind) {
      case NodeKind::on_lost_pause: condition.on_lost = ast::OnLost::Pause; break;
      case NodeKind::on_lost_fail: condition.on_lost = ast::OnLost::Fail; break;
      default:
         condition.on_lost = ast::OnLost::Rollback;
         condition.on_lost_rollback = word(action + 1);
         condition.on_lost_loc = loc(action + 1);
         break;
      }
      return true;
   }
   case NodeKind::on_fail_clause:
      condition.on_fail = fail_route(index);
      return true;
   default:
      return false;
   }
}

ast::FailRoute AstBuilder::fail_route(std::size_t index)
{
   ast::FailRoute route;
   const std::size_t target = index + 1;
   route.loc = loc(target);
   switch (tree_.nodes[target].kind) {
   case NodeKind::fail_route_stop: route.kind = ast::FailRoute::Kind::Stop; break;
   case NodeKind::block:
      route.kind = ast::FailRoute::Kind::Steps;
      route.steps = block(target);
      break;
   default:
      route.kind = ast::FailRoute::Kind::Rollback;
      route.rollback = word(target);
      break;
   }
   return route;
}

bool AstBuilder::decision_clause(std::size_t index, ast::Decision& decision)
{
   switch (tree_.nodes[index].kind) {
   case NodeKind::default_answer:
      decision.default_loc = loc(index);
      decision.default_answer = tree_.nodes[index].size > 1 ? text(index + 1, "an answer")
                                                            : std::string(tree_.content(index));
      return true;
   case NodeKind::else_route:
      // The route's node sits where an on_fail_clause's would: read it the same way.
      decision.otherwise = fail_route(index);
      return true;
   default:
      return false;
   }
}

ast::Condition AstBuilder::condition(std::size_t index)
{
   ast::Condition result;
   result.loc = loc(index);
   for (const std::size_t child : tree_.children(index)) {
      if (!result.expr) result.expr = expression(child);
      else condition_clause(child, result);
   }
   return result;
}

// ---------------------------------------------------------------- steps

bool AstBuilder::step_option(std::size_t index, ast::StepOptions& options)
{
   switch (tree_.nodes[index].kind) {
   case NodeKind::timeout_option:
      duration(index + 1, options.timeout_ms, options.timeout_param);
      return true;
   case NodeKind::retry_option: {
      const std::size_t count_node = index + 1;
      options.retry_count = count(count_node);
      duration(count_node + tree_.nodes[count_node].size, options.retry_every_ms, options.retry_every_param);
      return true;
   }
   case NodeKind::idempotent_option:
      options.idempotent = true;
      return true;
   case NodeKind::id_option:
      options.explicit_id = text(index + 1, "a step id");
      return true;
   case NodeKind::capture_option:
      options.capture = word(index + 1);
      return true;
   case NodeKind::undo_option:
      options.undo = block(index + 1);
      options.has_undo = true;
      return true;
   case NodeKind::on_fail_clause:
      options.on_fail = fail_route(index);
      return true;
   case NodeKind::soft_option:
      options.soft = true;
      return true;
   default:
      return false;
   }
}

void AstBuilder::expectations(std::size_t index, std::vector<ast::Expectation>& out)
{
   for (const std::size_t item : tree_.children(index)) {
      ast::Expectation expectation;
      expectation.loc = loc(item);
      switch (tree_.nodes[item].kind) {
      case NodeKind::expect_status:
         expectation.kind = ast::Expectation::Kind::Status;
         if (tree_.nodes[item + 1].kind == NodeKind::status_class)
            expectation.status_class = tree_.content(item + 1).front() - '0';
         else
            expectation.value = expression(item + 1);
         break;
      case NodeKind::expect_exit:
         expectation.kind = ast::Expectation::Kind::Exit;
         expectation.value = expression(item + 1);
         break;
      default: {  // expect_json: path, operator, value
         expectation.kind = ast::Expectation::Kind::Json;
         auto it = tree_.children(item).begin();
         expectation.json_path = text(*it, "a JSON path");
         expectation.op = std::string(tree_.content(*++it));
         expectation.value = expression(*++it);
         break;
      }
      }
      out.push_back(std::move(expectation));
   }
}

ast::Block AstBuilder::block(std::size_t index)
{
   ast::Block steps;
   for (const std::size_t child : tree_.children(index)) {
      if (auto built = step(child)) steps.push_back(std::move(built));
   }
   return steps;
}

ast::StepPtr AstBuilder::step(std::size_t index)
{
   auto result = std::make_unique<ast::Step>();
   result->loc = loc(index);
   ast::StepOptions& options = result->options;
   const auto children = tree_.children(index);
   auto it = children.begin();
   const auto end = children.end();
   // The clauses that any step may carry, after its own parts.
   auto rest = [&](auto&& own_clause) {
      for (; it != end; ++it) {
         if (!step_option(*it, options)) own_clause(*it);
      }
   };
   auto no_clause = [](std::size_t) {};

   switch (tree_.nodes[index].kind) {
   case NodeKind::sh_step: {
      ast::ShStep sh;
      sh.command = expression(*it++);
      rest([&](std::size_t clause) { expectations(clause, sh.expects); });
      result->node = std::move(sh);
      break;
   }
   case NodeKind::http_step: {
      ast::HttpStep http;
      http.method = upper(tree_.content(*it++));
      http.url = expression(*it++);
      rest([&](std::size_t clause) {
         switch (tree_.nodes[clause].kind) {
         case NodeKind::header_clause: http.headers.push_back(header(clause)); break;
         case NodeKind::body_clause: http.body = expression(clause + 1); break;
         default: expectations(clause, http.expects); break;
         }
      });
      result->node = std::move(http);
      break;
   }
   case NodeKind::checklist_step: {
      ast::ChecklistStep checklist;
      checklist.title = expression(*it++);
      for (const std::size_t item : tree_.children(*it++)) {
         checklist.items.push_back(ast::ChecklistItem{loc(item), expression(item + 1)});
      }
      rest([&](std::size_t clause) { decision_clause(clause, checklist.decision); });
      result->node = std::move(checklist);
      break;
   }
   case NodeKind::approve_step: {
      ast::ApproveStep approve{expression(*it++), {}};
      rest([&](std::size_t clause) { decision_clause(clause, approve.decision); });
      result->node = std::move(approve);
      break;
   }
   case NodeKind::ask_step: {
      ast::AskStep ask;
      ask.question = expression(*it++);
      ask.choices_loc = loc(*it);
      for (const std::size_t choice : tree_.children(*it++)) ask.choices.push_back(text(choice, "a choice"));
      rest([&](std::size_t clause) { decision_clause(clause, ask.decision); });
      result->node = std::move(ask);
      break;
   }
   case NodeKind::wait_step:
      result->node = ast::WaitStep{expression(*it++)};
      rest(no_clause);
      break;
   case NodeKind::watch_step: {
      ast::WatchStep watch;
      watch.duration = expression(*it++);
      watch.every = expression(*it++);
      for (const std::size_t item : tree_.children(*it++)) watch.conditions.push_back(condition(item));
      rest(no_clause);
      result->node = std::move(watch);
      break;
   }
   case NodeKind::await_step: {
      ast::AwaitStep await;
      await.condition.loc = loc(*it);
      await.condition.expr = expression(*it++);
      rest([&](std::size_t clause) {
         if (condition_clause(clause, await.condition)) return;
         if (tree_.nodes[clause].kind == NodeKind::await_timeout) await.timeout = expression(clause + 1);
         else await.every = expression(clause + 1);
      });
      // The await is its condition: a route written after it is the step's.
      if (await.condition.on_fail) options.on_fail = std::move(await.condition.on_fail);
      result->node = std::move(await);
      break;
   }
   case NodeKind::assert_step: {
      ast::AssertStep assert_step;
      assert_step.condition.loc = loc(*it);
      assert_step.condition.expr = expression(*it++);
      rest([&](std::size_t clause) {
         if (condition_clause(clause, assert_step.condition)) return;
         assert_step.message = expression(clause + 1);  // assert_message
      });
      if (assert_step.condition.on_fail) options.on_fail = std::move(assert_step.condition.on_fail);
      result->node = std::move(assert_step);
      break;
   }
   case NodeKind::rollback_step:
      result->node = ast::RollbackStep{word(*it), loc(*it)};
      ++it;
      rest(no_clause);
      break;
   case NodeKind::abort_step:
      result->node = ast::AbortStep{expression(*it++)};
      break;
   case NodeKind::log_step:
      result->node = ast::LogStep{expression(*it++)};
      rest(no_clause);
      break;
   case NodeKind::notify_step:
      result->node = ast::NotifyStep{expression(*it++)};
      rest(no_clause);
      break;
   case NodeKind::let_step: {
      ast::LetStep let{word(*it), nullptr};
      let.value = expression(*++it);
      result->node = std::move(let);
      break;
   }
   case NodeKind::if_step: {
      ast::IfStep branch;
      branch.cond = expression(*it++);
      branch.then_block = block(*it++);
      if (it != end && tree_.nodes[*it].kind == NodeKind::else_clause) {
         // else_clause: either another if_step or a block.
         const std::size_t otherwise = *it++ + 1;
         if (tree_.nodes[otherwise].kind == NodeKind::if_step) branch.else_block.push_back(step(otherwise));
         else branch.else_block = block(otherwise);
      }
      if (it != end) options.on_fail = fail_route(*it);
      result->node = std::move(branch);
      break;
   }
   case NodeKind::for_step: {
      ast::ForStep loop;
      loop.variable = word(*it);
      loop.variable_loc = loc(*it++);
      loop.items = expression(*it++);
      loop.body = block(*it++);
      if (it != end) options.on_fail = fail_route(*it);
      result->node = std::move(loop);
      break;
   }
   case NodeKind::return_step:
      result->node = ast::ReturnStep{it != end ? expression(*it) : nullptr};
      break;
   case NodeKind::undo_all_step:
      result->node = ast::UndoAllStep{};
      if (it != end) options.on_fail = fail_route(*it);
      break;
   case NodeKind::undo_step:
      result->node = ast::UndoStep{text(*it, "a step id"), loc(*it), ""};
      break;
   case NodeKind::after_step: {
      ast::AfterStep after;
      after.delay = expression(*it++);
      if (tree_.nodes[*it].kind == NodeKind::word) {
         after.signal = word(*it);
         after.signal_loc = loc(*it++);
      }
      after.body = block(*it++);
      result->node = std::move(after);
      break;
   }
   case NodeKind::call_step: {
      // callee, call_members, call_op, then options.
      std::size_t call_end = *it;
      while (tree_.nodes[call_end].kind != NodeKind::call_op) call_end += tree_.nodes[call_end].size;
      result->node = ast::CallStep{call(*it, call_end)};
      while (*it <= call_end) ++it;
      rest(no_clause);
      break;
   }
   default:
      error(index, "expected a step");
      return nullptr;
   }
   return result;
}

// ---------------------------------------------------------------- declarations

ast::MetricSource AstBuilder::metric_source(std::size_t index)
{
   ast::MetricSource source;
   auto parts = tree_.children(index).begin();
   switch (tree_.nodes[index].kind) {
   case NodeKind::metric_http:
      source.kind = ast::MetricSource::Kind::Http;
      source.target = expression(*parts);
      source.json_path = text(*++parts, "a JSON path");
      break;
   case NodeKind::metric_prometheus:
      source.kind = ast::MetricSource::Kind::Prometheus;
      source.target = expression(*parts);
      source.query = expression(*++parts);
      break;
   default:
      source.kind = ast::MetricSource::Kind::Shell;
      source.target = expression(*parts);
      break;
   }
   return source;
}

/// `SOURCE [header N = V]... [if COND]` inside `metric x unit U { ... }`.
ast::MetricAlternative AstBuilder::metric_alternative(std::size_t index)
{
   ast::MetricAlternative alternative;
   alternative.loc = loc(index);
   auto it = tree_.children(index).begin();
   const auto end = tree_.children(index).end();
   alternative.source = metric_source(*it++);
   for (; it != end; ++it) {
      if (tree_.nodes[*it].kind == NodeKind::header_clause) alternative.source.headers.push_back(header(*it));
      else alternative.condition = expression(*it);
   }
   return alternative;
}

ast::Metric AstBuilder::metric(std::size_t index)
{
   ast::Metric metric;
   metric.loc = loc(index);
   auto it = tree_.children(index).begin();
   const auto end = tree_.children(index).end();
   metric.name = word(*it++);
   for (; it != end; ++it) {
      const std::size_t clause = *it;
      switch (tree_.nodes[clause].kind) {
      case NodeKind::unit_name: {
         const std::string_view unit = tree_.content(clause);
         metric.unit_spelling = std::string(unit);
         if (unit == "%") metric.unit = ast::Unit::Percent;
         else if (unit == "ratio") metric.unit = ast::Unit::Percent, metric.scale = 100;
         else if (unit == "ms") metric.unit = ast::Unit::Duration;
         else if (unit == "s") metric.unit = ast::Unit::Duration, metric.scale = 1000;
         else if (unit == "bytes") metric.unit = ast::Unit::Bytes;
         else if (unit == "KB" || unit == "MB" || unit == "GB") metric.unit = ast::Unit::Bytes, metric.scale = unit_factor(unit);
         else if (const auto rate = byte_rate_factor(unit)) metric.unit = ast::Unit::ByteRate, metric.scale = *rate;
         else metric.unit = ast::Unit::None;
         break;
      }
      case NodeKind::metric_http:
      case NodeKind::metric_prometheus:
      case NodeKind::metric_sh:   // `metric x = SOURCE ...`: one source, always used
         metric.alternatives.push_back({loc(clause), metric_source(clause), nullptr});
         break;
      case NodeKind::metric_alternative:
         metric.alternatives.push_back(metric_alternative(clause));
         break;
      case NodeKind::header_clause:   // only in the one-source form, after its source
         metric.alternatives.back().source.headers.push_back(header(clause));
         break;
      case NodeKind::metric_timeout:
         duration(clause + 1, metric.timeout_ms, metric.timeout_param);
         break;
      default:  // lost_clause
         metric.lost_after_errors = count(clause + 1);
         break;
      }
   }
   if (metric.unit_spelling.empty()) {
      error(index, "the metric '" + metric.name + "' needs a unit",
            {"add what the number means, e.g. 'unit %', 'unit ms' or 'unit count'"});
   }
   return metric;
}

ast::Trigger AstBuilder::trigger(std::size_t index)
{
   ast::Trigger trigger;
   trigger.loc = loc(index);
   trigger.is_warning = tree_.nodes[index].kind == NodeKind::warning_decl;
   auto it = tree_.children(index).begin();
   const auto end = tree_.children(index).end();
   trigger.name = word(*it++);
   if (!is_expression(*it) && tree_.nodes[*it].kind != NodeKind::trigger_manual) trigger.title = text(*it++, "a title");
   if (trigger.title.empty()) trigger.title = trigger.name;
   trigger.condition.loc = loc(*it);
   if (tree_.nodes[*it].kind == NodeKind::trigger_manual) {
      trigger.manual = true;
      ++it;
   } else {
      trigger.condition.expr = expression(*it++);
   }
   for (; it != end; ++it) {
      const std::size_t clause = *it;
      if (condition_clause(clause, trigger.condition)) continue;
      if (trigger_action(clause, trigger.action)) continue;
      switch (tree_.nodes[clause].kind) {
      case NodeKind::severity_level:
         trigger.severity = static_cast<ast::Severity>(tree_.content(clause)[1] - '0');
         break;
      case NodeKind::grace_clause:
         duration(clause + 1, trigger.grace_ms, trigger.grace_param);
         break;
      case NodeKind::every_clause:
         duration(clause + 1, trigger.every_ms, trigger.every_param);
         break;
      case NodeKind::decide_clause:
         duration(clause + 1, trigger.decide_ms, trigger.decide_param);
         trigger.decide_default = std::string(tree_.content(clause + 2));
         break;
      default: break;
      }
   }
   return trigger;
}

bool AstBuilder::trigger_action(std::size_t clause, ast::TriggerAction& action)
{
   switch (tree_.nodes[clause].kind) {
   case NodeKind::action_rollback:
      action.loc = loc(clause + 1);
      action.kind = ast::TriggerAction::Kind::Rollback;
      action.rollback = word(clause + 1);
      return true;
   case NodeKind::action_notify:
      action.loc = loc(clause);
      action.kind = ast::TriggerAction::Kind::Notify;
      action.value = expression(clause + 1);
      return true;
   case NodeKind::action_record:
      action.loc = loc(clause);
      action.kind = ast::TriggerAction::Kind::Record;
      return true;
   case NodeKind::action_call:
      action.loc = loc(clause);
      action.kind = ast::TriggerAction::Kind::Call;
      action.value = call(clause + 1, clause + tree_.nodes[clause].size);
      return true;
   default: return false;
   }
}

ast::RollbackBlock AstBuilder::rollback_block(std::size_t index)
{
   ast::RollbackBlock rollback;
   rollback.loc = loc(index);
   auto it = tree_.children(index).begin();
   const auto end = tree_.children(index).end();
   rollback.name = word(*it++);
   if (tree_.nodes[*it].kind == NodeKind::rollback_within) {
      const std::size_t within = *it++;
      duration(within + 1, rollback.within_ms, rollback.within_param);
      const std::size_t action = within + 1 + tree_.nodes[within + 1].size;
      ast::TriggerAction overrun;
      if (action < within + tree_.nodes[within].size && trigger_action(action, overrun))
         rollback.overrun_action = std::move(overrun);
   }
   rollback.body = block(*it++);
   if (it != end) rollback.finally = block(*it + 1);   // finally_clause, then its block
   return rollback;
}

void AstBuilder::add_declaration(std::size_t index, ast::File& file)
{
   const bool first = file.title.empty() && file.uses.empty() && file.params.empty() && file.secrets.empty() &&
                      file.metrics.empty() && file.triggers.empty() && file.functions.empty() &&
                      file.phases.empty() && file.rollbacks.empty() && file.signals.empty() &&
                      file.ensures.empty();
   auto it = tree_.children(index).begin();
   const auto end = tree_.children(index).end();
   switch (tree_.nodes[index].kind) {
   case NodeKind::runbook_header:
      if (!file.title.empty()) {
         error(index, "the runbook already has a title", {"'runbook \"title\"' appears once, as the first line"});
      }
      else if (!first) {
         error(index, "'runbook \"title\"' must come before every other declaration");
      }
      file.title = text(*it, "the runbook's title");
      file.title_loc = loc(index);
      break;
   case NodeKind::lock_decl:
      if (!file.lock.empty()) error(index, "the runbook already names a lock", {"a runbook holds one lock: name it once"});
      file.lock = text(*it, "the lock's name");
      file.lock_loc = loc(index);
      if (file.lock.empty()) error(index, "the lock's name is empty", {"name the service the lock protects, as in 'lock \"mailsender-traffic\"'"});
      break;
   case NodeKind::use_decl: {
      ast::Use use;
      use.loc = loc(index);
      use.path = text(*it++, "a module path");
      if (it != end) use.alias = word(*it);
      file.uses.push_back(std::move(use));
      break;
   }
   case NodeKind::param_decl: {
      ast::Param param;
      param.loc = loc(index);
      param.name = word(*it++);
      if (it != end && tree_.nodes[*it].kind == NodeKind::param_type) {
         static constexpr std::pair<std::string_view, ast::Type> types[] = {
            {"string", ast::Type::String}, {"number", ast::Type::Number}, {"bool", ast::Type::Bool},
            {"percent", ast::Type::Percent}, {"duration", ast::Type::Duration}, {"bytes", ast::Type::Bytes}, {"rate", ast::Type::Rate},
            {"list", ast::Type::List}, {"map", ast::Type::Map}, {"any", ast::Type::Any}};
         for (const auto& [spelling, type] : types) {
            if (tree_.content(*it) == spelling) param.type = type;
         }
         ++it;
      }
      if (it != end) param.default_value = expression(*it);
      file.params.push_back(std::move(param));
      break;
   }
   case NodeKind::secret_decl: {
      ast::Secret secret;
      secret.loc = loc(index);
      secret.name = word(*it++);
      secret.env_var = text(*it, "an environment variable's name");
      file.secrets.push_back(std::move(secret));
      break;
   }
   case NodeKind::metric_decl:
      file.metrics.push_back(metric(index));
      break;
   case NodeKind::trigger_decl:
   case NodeKind::warning_decl:
      file.triggers.push_back(trigger(index));
      break;
   case NodeKind::fn_decl: {
      ast::Function function;
      function.loc = loc(index);
      function.name = word(*it++);
      for (; tree_.nodes[*it].kind == NodeKind::word; ++it) function.params.emplace_back(word(*it), loc(*it));
      function.body = block(*it);
      file.functions.push_back(std::move(function));
      break;
   }
   case NodeKind::phase_decl: {
      ast::Phase phase;
      phase.loc = loc(index);
      phase.title = text(*it++, "a phase title");
      phase.slug = slugify(phase.title);
      if (tree_.nodes[*it].kind == NodeKind::phase_arms) {
         for (const std::size_t armed : tree_.children(*it)) {
            if (tree_.nodes[armed].kind == NodeKind::armed_all) phase.arms_all = true;
            else phase.arms.emplace_back(word(armed), loc(armed));
         }
         ++it;
      }
      if (tree_.nodes[*it].kind == NodeKind::on_fail_clause) phase.on_fail = fail_route(*it++);
      phase.body = block(*it++);
      if (it != end) phase.finally = block(*it + 1);   // finally_clause, then its block
      file.phases.push_back(std::move(phase));
      break;
   }
   case NodeKind::rollback_decl:
      file.rollbacks.push_back(rollback_block(index));
      break;
   case NodeKind::signal_decl: {
      ast::Signal signal;
      signal.loc = loc(index);
      signal.name = word(*it++);
      signal.title = text(*it, "the signal's title");
      file.signals.push_back(std::move(signal));
      break;
   }
   case NodeKind::ensure_decl: {
      ast::Ensure ensure;
      ensure.loc = loc(index);
      ensure.title = text(*it++, "the invariant's title");
      ensure.expr = expression(*it);
      file.ensures.push_back(std::move(ensure));
      break;
   }
   case NodeKind::on_fail_clause:
      if (file.on_fail) error(index, "the runbook already has a default 'on fail'", {"write it once, at the top level"});
      file.on_fail = fail_route(index);
      break;
   default:
      error(index, "expected a declaration");
      break;
   }
}

}  // namespace runbook::syntax
