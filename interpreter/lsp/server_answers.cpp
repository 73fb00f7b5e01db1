// The server's answers about an open document: diagnostics, hover, go to
// definition, completion, the outline and formatting. Each reads the
// document's last analysis; none re-checks.
#include <algorithm>

#include <fmt/format.h>

#include "lsp/keywords.hpp"
#include "lsp/server.hpp"
#include "lsp/server_document.hpp"
#include "syntax/format.hpp"

namespace runbook::lsp {

using nlohmann::json;

namespace {

int lsp_severity(Severity severity)
{
   switch (severity) {
      case Severity::Error: return 1;
      case Severity::Warning: return 2;
      case Severity::Note: return 3;
   }
   return 1;
}

/// The words of a diagnostic as check prints them: message, then its notes.
std::string diagnostic_text(const Diagnostic& d)
{
   std::string text = d.message;
   for (const auto& note : d.notes) text += "\n" + note;
   return text;
}

json whole_line(std::size_t line0)
{
   return {{"start", {{"line", line0}, {"character", 0}}}, {"end", {{"line", line0 + 1}, {"character", 0}}}};
}

/// The cursor of a request as a byte in its line of the document's text.
struct Cursor {
   const SourceFile* file = nullptr;
   std::size_t line = 0;          ///< 1-based.
   std::string_view line_text;
   std::size_t byte = 0;
};

int completion_kind(const std::string& kind)
{
   if (kind == "function") return 3;
   if (kind == "module") return 9;
   if (kind == "trigger" || kind == "signal") return 23;   // Event.
   if (kind == "param" || kind == "secret") return 21;     // Constant.
   if (kind == "rollback" || kind == "phase") return 7;    // Class: a named block.
   return 6;                                               // Variable: metrics.
}

int symbol_kind(const std::string& kind)
{
   if (kind == "function") return 12;
   if (kind == "module") return 2;
   if (kind == "trigger" || kind == "signal") return 24;
   if (kind == "param" || kind == "secret") return 14;
   if (kind == "rollback" || kind == "phase") return 5;
   return 13;
}

Cursor cursor_of(const Server::Document& document, const json& params, Encoding encoding)
{
   Cursor cursor;
   const auto& checked = document.analysis.checked;
   if (!checked || checked->program.sources.empty()) return cursor;
   cursor.file = &checked->program.sources.front();   // The document itself: loaded first.
   const json& position = params.at("position");
   cursor.line = position.at("line").get<std::size_t>() + 1;
   cursor.line_text = cursor.file->line_text(cursor.line);
   cursor.byte = byte_of(cursor.line_text, position.at("character").get<std::size_t>(), encoding);
   return cursor;
}

/// The declaration named at the cursor: `traffic.route` whole, else the part under the cursor.
const Declaration* declaration_at(const Analysis& analysis, const Cursor& cursor)
{
   const Word word = word_at(cursor.line_text, cursor.byte);
   if (word.begin == word.end) return nullptr;
   const std::string_view whole = cursor.line_text.substr(word.begin, word.end - word.begin);
   if (const auto* found = analysis.find(whole)) return found;
   std::size_t begin = word.begin;
   std::size_t end = word.end;
   for (std::size_t i = word.begin; i < word.end; ++i) {
      if (cursor.line_text[i] != '.') continue;
      if (i < cursor.byte) begin = i + 1;
      else if (end == word.end) end = i;
   }
   return analysis.find(cursor.line_text.substr(begin, end - begin));
}

}  // namespace

json Server::publish(const std::string& uri, const Document& document) const
{
   json diagnostics = json::array();
   const CheckedProgram* checked = document.analysis.checked.get();
   if (checked != nullptr && !checked->usage_error.empty()) {
      diagnostics.push_back({{"range", whole_line(0)}, {"severity", 1}, {"source", "runbook"},
                             {"code", "usage"}, {"message", checked->usage_error}});
   }
   for (const Diagnostic& d : checked ? checked->diags.all() : std::vector<Diagnostic>{}) {
      json item = {{"severity", lsp_severity(d.severity)}, {"source", "runbook"}, {"code", d.code}};
      if (d.loc.valid() && d.loc.file->path == document.path) {
         item["range"] = range_json(d.loc, encoding_);
         item["message"] = diagnostic_text(d);
      } else {
         // In a module: said on the first line, with where it is.
         item["range"] = whole_line(0);
         item["message"] = d.loc.valid() ? fmt::format("{}:{}:{}: {}", d.loc.file->path, d.loc.line, d.loc.column,
                                                       diagnostic_text(d))
                                         : diagnostic_text(d);
      }
      diagnostics.push_back(std::move(item));
   }
   return {{"jsonrpc", "2.0"},
           {"method", "textDocument/publishDiagnostics"},
           {"params", {{"uri", uri}, {"diagnostics", std::move(diagnostics)}}}};
}

json Server::hover(const json& params) const
{
   const Document& doc = document(params);
   const Cursor cursor = cursor_of(doc, params, encoding_);
   if (cursor.file == nullptr) return nullptr;
   std::string text;
   if (const Declaration* declaration = declaration_at(doc.analysis, cursor)) {
      text = declaration->hover;
   } else if (const ast::Step* step = doc.analysis.step_on_line(cursor.file, cursor.line); step && !step->id.empty()) {
      text = fmt::format("step `{}`: the id the journal, `runbook log` and `undo \"{}\"` know it by", step->id, step->id);
   }
   if (text.empty()) return nullptr;
   return {{"contents", {{"kind", "markdown"}, {"value", text}}}};
}

json Server::definition(const json& params) const
{
   const Document& doc = document(params);
   const Cursor cursor = cursor_of(doc, params, encoding_);
   const Declaration* declaration = cursor.file ? declaration_at(doc.analysis, cursor) : nullptr;
   if (declaration == nullptr || !declaration->loc.valid()) return nullptr;
   return {{"uri", uri_of(doc, declaration->loc.file)}, {"range", range_json(declaration->loc, encoding_)}};
}

json Server::completion(const json& params) const
{
   const Document& doc = document(params);
   json items = json::array();
   for (const Declaration& declaration : doc.analysis.declarations) {
      if (declaration.kind == "phase") continue;   // A phase is not named in expressions.
      items.push_back({{"label", declaration.name},
                       {"kind", completion_kind(declaration.kind)},
                       {"detail", declaration.kind},
                       {"documentation", {{"kind", "markdown"}, {"value", declaration.hover}}}});
   }
   for (const char* keyword : completion_keywords) items.push_back({{"label", keyword}, {"kind", 14}});
   return {{"isIncomplete", false}, {"items", std::move(items)}};
}

json Server::document_symbols(const json& params) const
{
   const Document& doc = document(params);
   json symbols = json::array();
   for (const Declaration& declaration : doc.analysis.declarations) {
      if (!declaration.loc.valid() || declaration.loc.file->path != doc.path) continue;
      const json range = range_json(declaration.loc, encoding_);
      symbols.push_back({{"name", declaration.name},
                         {"detail", declaration.kind},
                         {"kind", symbol_kind(declaration.kind)},
                         {"range", whole_line(declaration.loc.line - 1)},
                         {"selectionRange", range}});
   }
   return symbols;
}

json Server::formatting(const json& params) const
{
   const Document& doc = document(params);
   // As `runbook fmt` does: a text that does not parse is left as it is.
   Diagnostics ignored;
   const CheckedFormat result = format_checked(SourceFile{doc.path, doc.text}, ignored);
   if (result.status != CheckedFormat::Status::Formatted || result.text == doc.text) return json::array();
   const std::string& formatted = result.text;
   // One edit replacing everything: the end is past the last line.
   const std::size_t lines = static_cast<std::size_t>(std::count(doc.text.begin(), doc.text.end(), '\n')) + 1;
   const json range = {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", lines}, {"character", 0}}}};
   return json::array({{{"range", range}, {"newText", formatted}}});
}

std::string Server::uri_of(const Document& document, const SourceFile* file) const
{
   if (file == nullptr || file->path == document.path) return document.uri;
   const auto& program = document.analysis.checked->program;
   for (const auto& [alias, module] : program.modules) {
      if (module && module->source == file) {
         const auto path = program.module_paths.find(alias);
         if (path != program.module_paths.end()) return uri_of_path(path->second);
      }
   }
   return uri_of_path(file->path);
}

}  // namespace runbook::lsp
