// HTTP through libcurl: the only way runbook talks HTTP (steps, probes, metrics).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace runbook {

struct HttpRequest {
   std::string method = "GET";
   std::string url;
   std::string display_url;   ///< Redacted URL for error text; empty: `url` (only when it holds no secret).
   std::vector<std::pair<std::string, std::string>> headers;
   std::string body;
   long connect_timeout_ms = 5000;
   long total_timeout_ms = 30000;
   std::size_t max_body_bytes = 8 * 1024 * 1024;   ///< Larger responses fail with a clear error.
   /// Polled while the request is in flight (connecting, sending, waiting,
   /// reading); when it turns true the transfer is abandoned within about
   /// 100 ms and the response says `cancelled`. Null: only the timeouts end it.
   const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
   bool ok = false;            ///< false: a transport error (see error); status is then 0.
   long status = 0;
   std::string body;
   std::vector<std::pair<std::string, std::string>> headers;   ///< Of the final response; names lower-cased.
   bool cancelled = false;     ///< Abandoned because `cancel` turned true (not a timeout, not the server's fault).
   bool maybe_received = false;   ///< A transport error after the request went out (a timeout, a reset):
                                  ///< the server may have acted on it.
   std::string error;          ///< Operator-readable: "could not connect to http://127.0.0.1:9/health: connection refused".
   double elapsed_ms = 0;
};

/// One client per thread; it reuses its connection between requests.
class HttpClient {
public:
   virtual ~HttpClient() = default;
   virtual HttpResponse send(const HttpRequest& request) = 0;
};

/// The libcurl implementation: TLS verification on, http/https only, at most
/// 5 redirects, connect and total timeouts, bounded body.
std::unique_ptr<HttpClient> make_curl_client();

/// Opens libcurl and ignores SIGPIPE. Call before a run's threads start;
/// commands that make no request never call it, and never load libcurl.
void http_global_init();

/// The CA certificates that verify TLS servers, instead of the system's:
/// --cacert, else $CURL_CA_BUNDLE, else $SSL_CERT_FILE, else "" (the system's).
/// Verification itself always stays on.
void set_ca_file(const std::string& path);
std::string ca_file();

}  // namespace runbook
