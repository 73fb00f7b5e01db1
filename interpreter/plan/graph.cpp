#include "plan/graph.hpp"

#include <fmt/format.h>

#include <cctype>
#include <map>
#include <set>

namespace runbook::plan {

namespace {

constexpr std::size_t max_label = 60;

std::string shorten(const std::string& text)
{
   if (text.size() <= max_label) return text;
   return text.substr(0, max_label - 3) + "...";
}

/// The graph's shape, independent of the notation.
struct Node { std::string id; std::string label; };
struct Cluster {
   std::string id;
   std::string label;
   std::vector<Node> nodes;
   std::string first, last;   ///< The chain of steps (gates and undo nodes hang off it).
};
struct Edge { std::string from; std::string to; std::string label; bool dashed = false; bool to_cluster = false; };
struct Shape {
   std::vector<Cluster> clusters;
   std::vector<Node> triggers;
   std::vector<Edge> edges;
};

/// Every rollback a step (or anything nested in it) can lead to.
void rollbacks_in(const PlanStep& step, std::set<std::string>& out)
{
   if (!step.rollback.empty()) out.insert(step.rollback);
   for (const auto& child : step.children) rollbacks_in(child, out);
}

std::string step_label(const PlanStep& step)
{
   std::string label = shorten(step.text);
   if (step.kind == "for") label += fmt::format(" ({} iterations)", step.children.size());
   return step.id + "\n" + label;
}

std::string identifier(const std::string& text)
{
   std::string out;
   for (const char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
   return out;
}

/// The approvals and checklists inside a step's children (a loop's
/// iterations, a branch, a call): the gates a reviewer would not see in the
/// loop's one node.
void gates_in(const PlanStep& step, std::vector<const PlanStep*>& out)
{
   for (const auto& child : step.children) {
      if (child.kind == "approve" || child.kind == "checklist") out.push_back(&child);
      if (child.kind != "undo") gates_in(child, out);
   }
}

/// The steps (this one or nested in it) that carry an undo block.
void undos_in(const PlanStep& step, std::vector<const PlanStep*>& out)
{
   for (const auto& child : step.children) {
      if (child.kind == "undo") out.push_back(&child);
      else undos_in(child, out);
   }
}

Cluster cluster_of(const std::string& id, const std::string& label, const std::vector<PlanStep>& steps,
                   int& counter, Shape& shape)
{
   Cluster cluster{id, label, {}, "", ""};
   for (const auto& step : steps) {
      if (step.kind == "let") continue;   // A value, not an action: not a link of the chain.
      const std::string node = fmt::format("n{}", ++counter);
      if (!cluster.last.empty()) shape.edges.push_back({cluster.last, node, "", false, false});
      if (cluster.first.empty()) cluster.first = node;
      cluster.last = node;
      cluster.nodes.push_back({node, step_label(step)});
      std::set<std::string> targets;
      rollbacks_in(step, targets);
      for (const auto& target : targets)
         shape.edges.push_back({node, "rollback_" + identifier(target), "rollback", true, true});
      if (step.kind == "for") {
         std::vector<const PlanStep*> gates;
         gates_in(step, gates);
         for (const PlanStep* gate : gates) {
            const std::string gate_node = fmt::format("n{}", ++counter);
            cluster.nodes.push_back({gate_node, "gate " + step_label(*gate)});
            shape.edges.push_back({node, gate_node, "waits for", true, false});
         }
      }
      std::vector<const PlanStep*> undos;
      if (step.kind == "undo") continue;
      undos_in(step, undos);
      for (const PlanStep* undo : undos) {
         const std::string undo_node = fmt::format("n{}", ++counter);
         const std::string first = undo->children.empty() ? "(nothing)" : shorten(undo->children.front().text);
         cluster.nodes.push_back({undo_node, undo->id + "\n" + first});
         shape.edges.push_back({node, undo_node, "undo", true, false});
      }
   }
   if (cluster.nodes.empty()) {
      cluster.nodes.push_back({fmt::format("n{}", ++counter), "(no steps)"});
      cluster.first = cluster.last = cluster.nodes.back().id;
   }
   return cluster;
}

Shape shape_of(const Plan& plan)
{
   Shape shape;
   int counter = 0;
   std::string previous_last;
   for (const auto& phase : plan.phases) {
      Cluster c = cluster_of(fmt::format("phase_{}", phase.number), fmt::format("Phase {}: {}", phase.number, phase.title),
                             phase.steps, counter, shape);
      if (!previous_last.empty()) shape.edges.push_back({previous_last, c.first, "", false, false});
      previous_last = c.last;
      // Which triggers this phase arms: watched while its steps run.
      for (const auto& name : phase.arms) shape.edges.push_back({c.first, "trigger_" + identifier(name), "arms", true, false});
      shape.clusters.push_back(std::move(c));
   }
   for (const auto& rollback : plan.rollbacks)
      shape.clusters.push_back(cluster_of("rollback_" + identifier(rollback.name), "Rollback " + rollback.name,
                                          rollback.steps, counter, shape));
   for (const auto& trigger : plan.triggers) {
      const std::string id = "trigger_" + identifier(trigger.name);
      std::string label = (trigger.warning ? "warning " : trigger.severity + " ") + trigger.name + "\n" +
                          shorten(trigger.condition + (trigger.window.empty() ? "" : " for " + trigger.window));
      shape.triggers.push_back({id, label});
      if (!trigger.rollback.empty())
         shape.edges.push_back({id, "rollback_" + identifier(trigger.rollback), trigger.severity, true, true});
   }
   // An edge into a rollback that is not defined has nowhere to go (the
   // checker reports the missing block).
   std::set<std::string> clusters;
   for (const auto& cluster : shape.clusters) clusters.insert(cluster.id);
   std::erase_if(shape.edges, [&](const Edge& e) { return e.to_cluster && !clusters.count(e.to); });
   return shape;
}

std::string mermaid_text(const std::string& label)
{
   std::string out;
   for (const char c : label) {
      if (c == '"') out += "#quot;";
      else if (c == '\n') out += "<br/>";
      else if (c == '<') out += "#lt;";
      else if (c == '>') out += "#gt;";
      else out += c;
   }
   return out;
}

std::string dot_text(const std::string& label)
{
   std::string out;
   for (const char c : label) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
         out += "\\n";
         continue;
      }
      out += c;
   }
   return out;
}

}  // namespace

std::string render_mermaid(const Plan& plan)
{
   const Shape shape = shape_of(plan);
   std::string out = "flowchart TD\n";
   for (const auto& cluster : shape.clusters) {
      out += fmt::format("  subgraph {}[\"{}\"]\n", cluster.id, mermaid_text(cluster.label));
      for (const auto& node : cluster.nodes) out += fmt::format("    {}[\"{}\"]\n", node.id, mermaid_text(node.label));
      out += "  end\n";
   }
   for (const auto& trigger : shape.triggers)
      out += fmt::format("  {}{{{{\"{}\"}}}}\n", trigger.id, mermaid_text(trigger.label));
   for (const auto& edge : shape.edges) {
      const std::string arrow = edge.dashed ? "-.->" : "-->";
      const std::string label = edge.label.empty() ? "" : "|" + mermaid_text(edge.label) + "|";
      out += fmt::format("  {} {}{} {}\n", edge.from, arrow, label, edge.to);
   }
   return out;
}

std::string render_dot(const Plan& plan)
{
   const Shape shape = shape_of(plan);
   std::string out = fmt::format("digraph \"{}\" {{\n  compound=true;\n  rankdir=TB;\n"
                                 "  node [shape=box, fontname=\"Helvetica\"];\n",
                                 dot_text(plan.title));
   std::map<std::string, std::string> first_node;
   for (const auto& cluster : shape.clusters) {
      first_node[cluster.id] = cluster.nodes.front().id;
      out += fmt::format("  subgraph cluster_{} {{\n    label=\"{}\";\n", cluster.id, dot_text(cluster.label));
      if (cluster.id.rfind("rollback_", 0) == 0) out += "    style=dashed;\n";
      for (const auto& node : cluster.nodes) out += fmt::format("    {} [label=\"{}\"];\n", node.id, dot_text(node.label));
      out += "  }\n";
   }
   for (const auto& trigger : shape.triggers)
      out += fmt::format("  {} [shape=hexagon, label=\"{}\"];\n", trigger.id, dot_text(trigger.label));
   for (const auto& edge : shape.edges) {
      std::vector<std::string> attributes;
      std::string to = edge.to;
      if (edge.to_cluster) {
         const auto it = first_node.find(edge.to);
         if (it == first_node.end()) continue;   // a rollback that is not defined: the checker said so
         to = it->second;
         attributes.push_back("lhead=cluster_" + edge.to);
      }
      if (edge.dashed) attributes.push_back("style=dashed");
      if (!edge.label.empty()) attributes.push_back("label=\"" + dot_text(edge.label) + "\"");
      out += fmt::format("  {} -> {}", edge.from, to);
      if (!attributes.empty()) out += fmt::format(" [{}]", fmt::join(attributes, ", "));
      out += ";\n";
   }
   return out + "}\n";
}

}  // namespace runbook::plan
