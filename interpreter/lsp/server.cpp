#include "lsp/server.hpp"

#include <fmt/format.h>

#include "lsp/json_rpc.hpp"
#include "lsp/server_document.hpp"

namespace runbook::lsp {

using nlohmann::json;

namespace {

// JSON-RPC and LSP error codes.
constexpr int parse_error = -32700;
constexpr int invalid_request = -32600;
constexpr int method_not_found = -32601;
constexpr int internal_error = -32603;
constexpr int server_not_initialized = -32002;

json error_reply(const json& id, int code, const std::string& message)
{
   return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

/// Thrown by a handler for a request it cannot answer: becomes an error reply.
struct RequestError {
   int code;
   std::string message;
};

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}
Server::~Server() = default;

int Server::serve(std::istream& in, std::ostream& out)
{
   while (!exited_) {
      std::optional<Frame> frame = read_frame(in);
      if (!frame) break;   // The client went away without `exit`.
      if (!frame->error.empty()) {
         write_frame(out, error_reply(nullptr, parse_error, frame->error));
         if (!in) break;
         continue;
      }
      json message = json::parse(frame->body, nullptr, false);
      if (message.is_discarded()) {
         write_frame(out, error_reply(nullptr, parse_error, "the message is not JSON"));
         continue;
      }
      for (const json& reply : handle(message)) write_frame(out, reply);
   }
   return exited_ && shut_down_ ? 0 : 1;
}

std::vector<json> Server::handle(const json& message)
{
   std::vector<json> out;
   if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) {
      // A reply to a request we never sent, or garbage: only a request gets an answer.
      if (message.is_object() && message.contains("id") && !message.contains("result") && !message.contains("error")) {
         out.push_back(error_reply(message["id"], invalid_request, "a request without a method"));
      }
      return out;
   }
   const std::string method = message["method"];
   const bool is_request = message.contains("id");
   const json id = is_request ? message["id"] : json();
   const json params = message.value("params", json::object());
   try {
      json result = dispatch(method, params, out);
      if (is_request) out.insert(out.begin(), json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
   } catch (const RequestError& e) {
      if (is_request) out.insert(out.begin(), error_reply(id, e.code, e.message));
   } catch (const std::exception& e) {
      // A bug of ours or a malformed field (json's type_error): the editor
      // hears about it, the server stays up.
      if (is_request) out.insert(out.begin(), error_reply(id, internal_error, e.what()));
   }
   return out;
}

json Server::dispatch(const std::string& method, const json& params, std::vector<json>& out)
{
   if (method == "initialize") return initialize(params);
   if (method == "exit") {
      exited_ = true;
      return nullptr;
   }
   if (!initialized_) throw RequestError{server_not_initialized, "initialize first"};
   if (method == "initialized" || method == "$/cancelRequest" || method == "$/setTrace") return nullptr;
   if (method == "shutdown") {
      shut_down_ = true;
      return nullptr;
   }
   const auto& doc = params.value("textDocument", json::object());
   if (method == "textDocument/didOpen") open_or_change(doc.at("uri"), doc.at("text"), out);
   else if (method == "textDocument/didChange") open_or_change(doc.at("uri"), params.at("contentChanges").back().at("text"), out);
   else if (method == "textDocument/didSave") open_or_change(doc.at("uri"), document(params).text, out);
   else if (method == "textDocument/didClose") close(doc.at("uri"), out);
   else if (method == "textDocument/hover") return hover(params);
   else if (method == "textDocument/definition") return definition(params);
   else if (method == "textDocument/completion") return completion(params);
   else if (method == "textDocument/documentSymbol") return document_symbols(params);
   else if (method == "textDocument/formatting") return formatting(params);
   else throw RequestError{method_not_found, "runbook lsp does not handle " + method};
   return nullptr;
}

json Server::initialize(const json& params)
{
   // UTF-8 positions when the client can count in them (LSP 3.17): no
   // conversion can then go wrong. Otherwise the protocol's UTF-16.
   const json encodings = params.value("capabilities", json::object())
                              .value("general", json::object())
                              .value("positionEncodings", json::array());
   for (const auto& e : encodings) {
      if (e == "utf-8") encoding_ = Encoding::Utf8;
   }
   initialized_ = true;
   json capabilities = {
       {"positionEncoding", encoding_ == Encoding::Utf8 ? "utf-8" : "utf-16"},
       {"textDocumentSync", {{"openClose", true}, {"change", 1}, {"save", {{"includeText", false}}}}},
       {"hoverProvider", true},
       {"definitionProvider", true},
       {"completionProvider", {{"triggerCharacters", json::array({"."})}}},
       {"documentSymbolProvider", true},
       {"documentFormattingProvider", true},
   };
   return {{"capabilities", capabilities}, {"serverInfo", {{"name", "runbook"}, {"version", options_.version}}}};
}

void Server::open_or_change(const std::string& uri, std::string text, std::vector<json>& out)
{
   auto& slot = documents_[uri];
   if (!slot) slot = std::make_unique<Document>();
   slot->uri = uri;
   slot->path = path_of_uri(uri);
   slot->text = std::move(text);
   // Every open document is read from the editor, not the disk: a module
   // being edited beside its runbook is checked as it stands.
   OpenTexts texts;
   for (const auto& [other_uri, other] : documents_) texts.files[other->path] = other->text;
   slot->analysis = analyse(request_for(slot->path, texts, options_));
   out.push_back(publish(uri, *slot));
}

void Server::close(const std::string& uri, std::vector<json>& out)
{
   documents_.erase(uri);
   out.push_back({{"jsonrpc", "2.0"},
                  {"method", "textDocument/publishDiagnostics"},
                  {"params", {{"uri", uri}, {"diagnostics", json::array()}}}});
}

const Server::Document& Server::document(const json& params) const
{
   const std::string uri = params.at("textDocument").at("uri");
   const auto it = documents_.find(uri);
   if (it == documents_.end()) throw RequestError{invalid_request, "the document is not open: " + uri};
   return *it->second;
}

}  // namespace runbook::lsp
