// The parser's intermediate tree: a flat, pre-order array of nodes.
//
// PEGTL's control hooks (start/success/failure) append a node when a
// selected grammar rule starts, fill in its end and subtree size when it
// succeeds, and truncate the array when it fails.  Backtracking therefore
// costs nothing but a resize, and no node is allocated on its own: the
// whole tree of one declaration lives in one vector that is reused for the
// next.  ast_builder.cpp turns it into the owned, typed AST.
//
// This header is PEGTL-free: the mapping from grammar rules to NodeKinds
// lives in parser.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace runbook::syntax {

enum class NodeKind : std::uint8_t {
   pass,  ///< A precedence level with one operand: look at its only child.
   // expressions
   expr, or_expr, and_expr, not_expr, comparison, cmp_op, additive, add_op, multiplicative,
   mul_op, neg_expr, postfix, member_op, index_op, call_op, string_lit, plain_chars, escape,
   interpolation, raw_string, number_lit, true_lit, false_lit, list_lit, map_lit, map_entry,
   map_key, name_ref, http_probe, header_clause,
   // leaves shared by many constructs
   word, duration_lit, count_lit, block,
   // conditions
   condition, for_clause, after_clause, consecutive, lost_clause, on_lost_clause, on_lost_pause,
   on_lost_fail, on_lost_rollback,
   // step options and clauses
   timeout_option, retry_option, idempotent_option, id_option, capture_option, undo_option,
   expect_clause, expect_status, status_class, expect_exit, expect_json, body_clause, http_method,
   checklist_item, await_timeout, await_every, assert_message,
   // steps
   sh_step, http_step, checklist_step, approve_step, wait_step, watch_step, await_step,
   assert_step, rollback_step, abort_step, log_step, notify_step, let_step, if_step,
   else_clause, for_step, return_step, undo_all_step, call_step, call_member,
   // declarations
   runbook_header, lock_decl, use_decl, param_decl, param_type, secret_decl, metric_decl, metric_http,
   metric_prometheus, metric_sh, metric_alternative, unit_name, metric_timeout, trigger_decl, warning_decl,
   severity_level, grace_clause, every_clause, action_rollback, action_notify, action_record,
   action_call, fn_decl, phase_decl, phase_arms, armed_all, rollback_decl,
   // failure routes
   on_fail_clause, fail_route_stop,
   // decisions
   default_answer, else_route,
   // soft checks and finally
   soft_option, finally_clause,
   // signals, timers, rollback deadlines, manual triggers, P2 decisions
   after_step, decide_clause, decide_choice, trigger_manual, rollback_within, signal_decl,
   // operator decisions with choices, compensating one step
   ask_step, ask_choices, undo_step,
   // end-state invariants
   ensure_decl,
};

/// Precedence levels that stand for their single operand when they have no
/// operator (most expressions have none), see FlatTree::close().
constexpr bool is_collapsible(NodeKind kind)
{
   switch (kind) {
   case NodeKind::expr:
   case NodeKind::or_expr:
   case NodeKind::and_expr:
   case NodeKind::comparison:
   case NodeKind::additive:
   case NodeKind::multiplicative:
   case NodeKind::postfix:
      return true;
   default:
      return false;
   }
}

struct Node {
   NodeKind kind = NodeKind::pass;
   std::uint32_t begin = 0;   ///< Byte offsets into the source text.
   std::uint32_t end = 0;
   std::uint32_t size = 1;    ///< Nodes in this subtree, itself included.
};

struct FlatTree {
   std::string_view text;
   std::vector<Node> nodes;
   /// The innermost node whose rule is still matching.  While a node is
   /// open, its `size` field links to the node that was open before it, so
   /// opening a node costs one push_back and nothing else.
   std::uint32_t open = none;
   static constexpr std::uint32_t none = 0xffffffff;

   [[gnu::always_inline]] void start(NodeKind kind, std::size_t offset)
   {
      const auto index = static_cast<std::uint32_t>(nodes.size());
      nodes.push_back(Node{kind, static_cast<std::uint32_t>(offset), 0, open});
      open = index;
   }
   [[gnu::always_inline]] void close(std::size_t offset)
   {
      const std::uint32_t index = open;
      Node& node = nodes[index];
      open = node.size;
      node.end = static_cast<std::uint32_t>(offset);
      node.size = static_cast<std::uint32_t>(nodes.size() - index);
      // One child spanning the whole subtree: no operator was found.
      if (is_collapsible(node.kind) && node.size > 1 && nodes[index + 1].size == node.size - 1) {
         node.kind = NodeKind::pass;
      }
   }
   [[gnu::always_inline]] void drop()
   {
      const std::uint32_t index = open;
      open = nodes[index].size;
      nodes.resize(index);
   }
   void clear()
   {
      nodes.clear();
      open = none;
   }

   /// Skips pass-through nodes.
   std::size_t resolve(std::size_t index) const
   {
      while (nodes[index].kind == NodeKind::pass) ++index;
      return index;
   }
   NodeKind kind(std::size_t index) const { return nodes[resolve(index)].kind; }
   std::string_view content(std::size_t index) const
   {
      const Node& node = nodes[index];
      return text.substr(node.begin, node.end - node.begin);
   }
   /// The direct children of `index` (pass nodes not resolved), iterated
   /// without allocating.
   struct Children {
      const FlatTree* tree;
      std::size_t first, last;
      struct iterator {
         const FlatTree* tree;
         std::size_t index;
         std::size_t operator*() const { return index; }
         iterator& operator++()
         {
            index += tree->nodes[index].size;
            return *this;
         }
         iterator operator++(int)
         {
            iterator before = *this;
            ++*this;
            return before;
         }
         bool operator!=(const iterator& other) const { return index != other.index; }
      };
      iterator begin() const { return {tree, first}; }
      iterator end() const { return {tree, last}; }
      bool empty() const { return first == last; }
   };
   Children children(std::size_t index) const { return {this, index + 1, index + nodes[index].size}; }
};

}  // namespace runbook::syntax
