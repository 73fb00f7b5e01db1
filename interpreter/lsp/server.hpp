// `runbook lsp`: a Language Server Protocol server over stdio.
//
// It answers from what `runbook check` and `runbook plan` know, so what the
// editor says is what check says: diagnostics as the user types (the open
// text, not the file on disk), hover (a param's value, a metric's source, a
// trigger in words, a step's id), go to definition, completion of names and
// keywords, the outline (phases, triggers, rollbacks...), and formatting.
// One thread; each change re-checks the whole program, which takes a few
// milliseconds for the largest shipped runbook.
#pragma once

#include <istream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lsp/analysis.hpp"
#include "lsp/text_positions.hpp"

namespace runbook::lsp {

struct ServerOptions {
   std::string version;                      ///< Reported in `serverInfo`.
   std::vector<std::string> stdlib_dirs;     ///< --stdlib DIR.
   std::vector<std::string> params;          ///< -p name=value: hover shows the values a run would get.
   std::string params_file;                  ///< --params FILE.
};

class Server {
public:
   explicit Server(ServerOptions options);
   ~Server();

   /// Reads messages from `in` until `exit` or the end of the input; replies
   /// and notifications go to `out`. Returns the process's exit code: 0
   /// after `shutdown` then `exit`, 1 otherwise (as the protocol says).
   int serve(std::istream& in, std::ostream& out);

   /// One message in, the messages to send back out (replies, diagnostics).
   std::vector<nlohmann::json> handle(const nlohmann::json& message);
   bool exited() const { return exited_; }
   bool shut_down() const { return shut_down_; }

   /// An open document and its last analysis (lsp/server_document.hpp).
   struct Document;

private:
   nlohmann::json dispatch(const std::string& method, const nlohmann::json& params, std::vector<nlohmann::json>& out);
   nlohmann::json initialize(const nlohmann::json& params);
   void open_or_change(const std::string& uri, std::string text, std::vector<nlohmann::json>& out);
   void close(const std::string& uri, std::vector<nlohmann::json>& out);
   nlohmann::json publish(const std::string& uri, const Document& document) const;
   nlohmann::json hover(const nlohmann::json& params) const;
   nlohmann::json definition(const nlohmann::json& params) const;
   nlohmann::json completion(const nlohmann::json& params) const;
   nlohmann::json document_symbols(const nlohmann::json& params) const;
   nlohmann::json formatting(const nlohmann::json& params) const;

   const Document& document(const nlohmann::json& params) const;
   std::string uri_of(const Document& document, const SourceFile* file) const;

   ServerOptions options_;
   Encoding encoding_ = Encoding::Utf16;
   bool initialized_ = false;
   bool shut_down_ = false;
   bool exited_ = false;
   std::map<std::string, std::unique_ptr<Document>> documents_;   ///< By URI.
};

/// file:///a%20b/x.rb -> /a b/x.rb; another scheme is kept whole (an
/// unsaved buffer is checked under that name).
std::string path_of_uri(const std::string& uri);
/// /a b/x.rb -> file:///a%20b/x.rb
std::string uri_of_path(const std::string& path);

}  // namespace runbook::lsp
