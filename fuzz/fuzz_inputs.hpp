// What the fuzz targets do with one input, shared with the unit test that
// replays tests/regressions/ (tests/unit/regressions_test.cpp), so a crash the
// fuzzer found is replayed through exactly the code that crashed.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "check/checker.hpp"
#include "io/shell.hpp"
#include "io/shell_splice.hpp"
#include "lsp/server.hpp"
#include "simulate/scenario_parser.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/format.hpp"
#include "syntax/loader.hpp"
#include "syntax/parser.hpp"

namespace runbook::fuzz {

/// The standard library's modules, read once from the source tree, keyed as
/// the in-memory loader finds them with search path {"stdlib"}.
inline const std::map<std::string, std::string>& stdlib_files()
{
   static const std::map<std::string, std::string> files = [] {
      std::map<std::string, std::string> out;
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(RUNBOOK_SOURCE_STDLIB, ec)) {
         if (entry.path().extension() != ".rb") continue;
         std::ifstream in(entry.path(), std::ios::binary);
         std::stringstream text;
         text << in.rdbuf();
         out["stdlib/" + entry.path().filename().string()] = text.str();
      }
      return out;
   }();
   return files;
}

/// Loads `text` as a runbook (it may `use "std/..."` modules), checks it when
/// it parsed, and renders the diagnostics in both formats. Returns the text
/// rendering (the caller only needs it not to crash).
inline std::string parse_check(const std::string& text)
{
   InMemorySources sources;
   sources.files = stdlib_files();
   sources.files["fuzz.rb"] = text;
   LoadOptions options;
   options.search_path = {"stdlib"};
   Diagnostics diags;
   Program program = load_program("fuzz.rb", sources, options, diags);
   if (program.root && !diags.has_errors()) check_program(program, diags, CheckOptions{});
   // Rendering points carets into the source text: exercise it while the
   // program (which owns the text) is alive.
   std::string rendered = render_text(diags, false);
   rendered += render_json(diags);
   return rendered;
}

/// `runbook fmt`'s two promises (syntax/format.hpp) on `text`: formatting
/// the output again changes nothing, and a text that parses gives one that
/// parses to the same tree (so to the same step ids: check/step_ids.hpp
/// derives them from the tree alone). Returns "" when both hold, else what
/// broke (the fuzz target aborts).
inline std::string format_roundtrip(const std::string& text)
{
   const std::string once = format_source(text);
   if (format_source(once) != once) return "formatting is not idempotent";
   const std::string tree = dump_syntax_tree(SourceFile{"fuzz.rb", text});
   if (tree.find("(syntax error)") != std::string::npos) return "";
   if (dump_syntax_tree(SourceFile{"fuzz.rb", once}) != tree) return "formatting changed the syntax tree";
   return "";
}

/// Parses `text` as a scenario, asks it for its runbook's path and renders
/// its diagnostics.
inline std::string scenario(const std::string& text)
{
   Diagnostics diags;
   const sim::Scenario parsed = sim::parse_scenario("fuzz.scenario", text, diags);
   // diags point into its source: keep it alive while rendering
   return parsed.runbook_path() + render_text(diags, false);
}

/// Splices into sh commands (io/shell_splice.hpp). The first byte of `input`
/// chooses what to do with the rest:
///   even  the rest is a value, spliced into one of the contexts below and run
///         by /bin/sh: printf must receive exactly the value (the property of
///         docs/security.md); a value with a NUL byte must be refused.
///   odd   the rest is author text and values alternating, split at \x01: the
///         scan must not crash or hang, and what it accepts must read back as
///         written.
/// Returns "" when the property holds, else what broke (the fuzz target aborts).
inline std::string shell_splice(const std::string& input)
{
   struct Context { const char* before; const char* after; const char* prefix; const char* suffix; };
   static const Context contexts[] = {
      {"printf '%s' ", "", "", ""},
      {"printf '%s' pre", "post", "pre", "post"},
      {"printf '%s' \"", "\"", "", ""},
      {"printf '%s' \"v=", "!\"", "v=", "!"},
      {"printf '%s' '", "'", "", ""},
      {"printf '%s' 'v=", " $x'", "v=", " $x"},
      {"v=", "; printf '%s' \"$v\"", "", ""},
      {"x=\"$(printf '%s.' ", ")\"; printf '%s' \"${x%.}\"", "", ""},
      {"x=\"$(printf '%s.' \"", "\")\"; printf '%s' \"${x%.}\"", "", ""},
      {"printf '%s' \"a\"'b'", " # ok", "ab", ""},
   };
   if (input.empty()) return "";
   const unsigned char mode = static_cast<unsigned char>(input[0]);
   const std::string rest = input.substr(1);
   if (mode % 2 == 1) {
      ShellCommand command;
      std::string written;
      bool text = true;
      std::size_t start = 0;
      try {
         while (start <= rest.size()) {
            std::size_t end = rest.find('\x01', start);
            if (end == std::string::npos) end = rest.size();
            const std::string part = rest.substr(start, end - start);
            if (text) command.append_text(part); else command.append_value(part);
            written += part;
            text = !text;
            start = end + 1;
         }
      } catch (const ShellSpliceError&) {
         return "";
      }
      return command.as_written() == written ? "" : "as_written() differs from the text and values";
   }
   if (rest.size() > 4096) return "";
   const Context& context = contexts[(mode / 2) % (sizeof contexts / sizeof contexts[0])];
   ShellCommand command;
   command.append_text(context.before);
   try {
      command.append_value(rest);
   } catch (const ShellSpliceError&) {
      return rest.find('\0') != std::string::npos ? "" : "a value without NUL was refused in " + std::string(context.before);
   }
   if (rest.find('\0') != std::string::npos) return "a value with a NUL byte was accepted";
   command.append_text(context.after);
   ShellOptions options;
   options.timeout_ms = 1500;
   const ShellResult result = run_shell(command.command(), options);
   const std::string expected = context.prefix + rest + context.suffix;
   if (result.exit_code != 0 || result.stdout_tail != expected)
      return "/bin/sh -c " + command.command() + " printed " + result.stdout_tail + " (exit " +
             std::to_string(result.exit_code) + "), not " + expected;
   return "";
}

/// The language server on `input`, two ways: as an open document's text,
/// asked for hover, definition, completion and symbols at places on its
/// lines, then formatted; and as the raw byte stream an editor sends after `initialize`.
/// Every reply must come back as JSON; nothing may crash or hang.
inline void lsp_session(const std::string& input)
{
   using nlohmann::json;
   lsp::Server server(lsp::ServerOptions{});
   server.handle({{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"}, {"params", json::object()}});
   const std::string uri = "file:///fuzz/input.rb";
   server.handle({{"jsonrpc", "2.0"},
                  {"method", "textDocument/didOpen"},
                  {"params", {{"textDocument", {{"uri", uri}, {"text", input}}}}}});
   std::size_t line = 0;
   for (std::size_t start = 0; start <= input.size() && line < 40; ++line) {
      std::size_t end = input.find('\n', start);
      if (end == std::string::npos) end = input.size();
      for (std::size_t character : {std::size_t{0}, (end - start) / 2, end - start + 3}) {
         const json at = {{"textDocument", {{"uri", uri}}}, {"position", {{"line", line}, {"character", character}}}};
         for (const char* method : {"textDocument/hover", "textDocument/definition"}) {
            server.handle({{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", at}});
         }
      }
      start = end + 1;
   }
   const json doc = {{"textDocument", {{"uri", uri}}}, {"position", {{"line", 0}, {"character", 0}}}};
   server.handle({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "textDocument/completion"}, {"params", doc}});
   server.handle({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "textDocument/documentSymbol"}, {"params", doc}});
   server.handle({{"jsonrpc", "2.0"}, {"id", 4}, {"method", "textDocument/formatting"}, {"params", doc}});

   lsp::Server raw(lsp::ServerOptions{});
   const std::string init = R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{}})";
   std::istringstream in("Content-Length: " + std::to_string(init.size()) + "\r\n\r\n" + init + input);
   std::ostringstream out;
   raw.serve(in, out);
}

}  // namespace runbook::fuzz
