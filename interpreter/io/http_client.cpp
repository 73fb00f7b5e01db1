// The libcurl HttpClient.
//
// Implementation details: one easy handle per client, reused for every
// request so that libcurl keeps the connection alive between them.
// curl_easy_reset() clears the options but keeps live connections, so every
// request re-applies its full option set (nothing leaks from one request into
// the next). Transport failures become operator-readable text naming the
// (redacted) URL; an HTTP status, even 5xx, is a successful transfer and the
// caller's `expect` decides what it means. No exception crosses the C
// callbacks: they catch everything and abort the transfer instead. libcurl
// itself is opened on first use (io/curl_library.hpp), so curl_.f() below
// is the library's curl_f().
#include "io/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include <curl/curl.h>
#include <fmt/format.h>

#include "io/curl_library.hpp"
#include "io/human_units.hpp"
#include "io/trim.hpp"

namespace runbook {

namespace {

constexpr long max_redirects = 5;

/// What the callbacks fill in; reset before every request.
/// A hostile server could send headers forever; a real one never needs this much.
constexpr std::size_t max_header_bytes = 256 * 1024;

struct Transfer {
   std::string body;
   std::vector<std::pair<std::string, std::string>> headers;
   std::size_t header_bytes = 0;
   bool headers_too_large = false;
   std::size_t max_body_bytes = 0;
   bool body_too_large = false;
   bool callback_failed = false;   ///< Out of memory or another exception inside a callback.
};


std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) noexcept
{
   auto& transfer = *static_cast<Transfer*>(user);
   const std::size_t bytes = size * count;
   try {
      if (transfer.body.size() + bytes > transfer.max_body_bytes) {
         transfer.body_too_large = true;
         return 0;   // Anything but `bytes` aborts the transfer with CURLE_WRITE_ERROR.
      }
      transfer.body.append(data, bytes);
      return bytes;
   } catch (...) {
      transfer.callback_failed = true;
      return 0;
   }
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) noexcept
{
   auto& transfer = *static_cast<Transfer*>(user);
   const std::size_t bytes = size * count;
   try {
      transfer.header_bytes += bytes;
      if (transfer.header_bytes > max_header_bytes) {
         transfer.headers_too_large = true;
         return 0;   // Aborts the transfer with CURLE_WRITE_ERROR.
      }
      const std::string_view line(data, bytes);
      // A status line starts a new response (a redirect, a 100 Continue): keep only the last one's headers.
      if (line.rfind("HTTP/", 0) == 0) {
         transfer.headers.clear();
         return bytes;
      }
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) return bytes;   // The blank line ending the headers.
      std::string name = trim(line.substr(0, colon));
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      transfer.headers.emplace_back(std::move(name), trim(line.substr(colon + 1)));
      return bytes;
   } catch (...) {
      transfer.callback_failed = true;
      return 0;
   }
}

bool has_http_scheme(std::string_view url)
{
   const auto starts_with = [url](std::string_view prefix) {
      if (url.size() < prefix.size()) return false;
      for (std::size_t i = 0; i < prefix.size(); ++i) {
         if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
      }
      return true;
   };
   return starts_with("http://") || starts_with("https://");
}

/// Frees a header list whatever path leaves the request.
struct HeaderList {
   const CurlLibrary& curl_ = curl_library();
   curl_slist* list = nullptr;
   ~HeaderList() { curl_.slist_free_all(list); }
   bool add(const std::string& line)
   {
      curl_slist* grown = curl_.slist_append(list, line.c_str());
      if (grown == nullptr) return false;
      list = grown;
      return true;
   }
};

class CurlClient : public HttpClient {
public:
   CurlClient() : handle_(curl_.easy_init()), multi_(curl_.multi_init()) {}
   ~CurlClient() override
   {
      if (multi_ != nullptr) curl_.multi_cleanup(multi_);
      if (handle_ != nullptr) curl_.easy_cleanup(handle_);
   }
   CurlClient(const CurlClient&) = delete;
   CurlClient& operator=(const CurlClient&) = delete;

   HttpResponse send(const HttpRequest& request) override
   {
      const auto started = std::chrono::steady_clock::now();
      HttpResponse response = perform(request);
      // A kept-alive connection that the server closes without answering (it
      // restarted, or dropped the idle connection as we reused it) is the
      // known race of persistent connections. An idempotent request is sent
      // once more on a fresh connection, as HTTP allows (RFC 9110, 9.2.2);
      // never a POST, which the server may have acted on.
      if (!response.ok && !response.cancelled && last_code_ == CURLE_GOT_NOTHING &&
          (request.method == "GET" || request.method == "HEAD")) {
         fresh_connect_ = true;
         response = perform(request);
         fresh_connect_ = false;
      }
      response.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      return response;
   }

private:
   HttpResponse perform(const HttpRequest& request)
   {
      const std::string& shown_url = request.display_url.empty() ? request.url : request.display_url;
      HttpResponse response;
      last_code_ = CURLE_OK;
      if (handle_ == nullptr || multi_ == nullptr) {
         response.error = fmt::format("could not send the request to {}: libcurl could not create a handle", shown_url);
         return response;
      }
      if (request.url.find('\0') != std::string::npos) {
         response.error = fmt::format("the URL {} contains a NUL byte", shown_url);
         return response;
      }

      Transfer transfer;
      transfer.max_body_bytes = request.max_body_bytes;
      if (request.cancel != nullptr && request.cancel->load()) {
         response.cancelled = true;
         response.error = fmt::format("request to {} cancelled before it was sent", shown_url);
         return response;
      }
      HeaderList headers;
      if (!configure(request, transfer, headers)) {
         response.error = fmt::format("could not prepare the request to {}: out of memory", shown_url);
         return response;
      }

      error_buffer_[0] = '\0';
      const std::optional<CURLcode> code = transfer_until_done_or_cancelled(request.cancel);
      last_code_ = code.value_or(CURLE_OK);
      if (!code) {
         response.cancelled = true;
         response.error = fmt::format("request to {} cancelled while in flight", shown_url);
         return response;
      }
      if (*code != CURLE_OK) {
         response.error = describe_failure(*code, request, transfer, shown_url);
         // Bytes of the request went out: the server may have acted on it
         // (a timeout waiting for the answer means unknown, not failed).
         long sent = 0;
         curl_.easy_getinfo(handle_, CURLINFO_REQUEST_SIZE, &sent);
         response.maybe_received = sent > 0;
         return response;
      }
      curl_.easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &response.status);
      response.ok = true;
      response.body = std::move(transfer.body);
      response.headers = std::move(transfer.headers);
      return response;
   }

   /// Runs the configured transfer to its end, checking `cancel` between
   /// short waits on the sockets. The multi interface rather than
   /// curl_easy_perform: the latter waits up to a second between progress
   /// callbacks on a silent connection, too slow for Ctrl-C or a P0 trigger.
   /// Returns the transfer's code, or nothing when it was cancelled (the
   /// connection is then dropped, never reused half-read).
   std::optional<CURLcode> transfer_until_done_or_cancelled(const std::atomic<bool>* cancel)
   {
      constexpr int poll_slice_ms = 50;
      const auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
      if (curl_.multi_add_handle(multi_, handle_) != CURLM_OK) return CURLE_OUT_OF_MEMORY;
      std::optional<CURLcode> result;
      for (;;) {
         int running = 0;
         const CURLMcode step = curl_.multi_perform(multi_, &running);
         if (step != CURLM_OK) {
            result = step == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
            break;
         }
         int queued = 0;
         bool finished = false;
         while (CURLMsg* message = curl_.multi_info_read(multi_, &queued)) {
            if (message->msg == CURLMSG_DONE && message->easy_handle == handle_) {
               result = message->data.result;
               finished = true;
            }
         }
         if (finished) break;
         if (cancelled()) break;   // No `result`. Removing an unfinished transfer closes its connection.
         if (curl_.multi_poll(multi_, nullptr, 0, poll_slice_ms, nullptr) != CURLM_OK) {
            result = CURLE_FAILED_INIT;
            break;
         }
      }
      curl_.multi_remove_handle(multi_, handle_);
      return result;
   }

   /// Applies every option of one request to the freshly reset handle.
   bool configure(const HttpRequest& request, Transfer& transfer, HeaderList& headers)
   {
      CURL* h = handle_;
      curl_.easy_reset(h);
      if (fresh_connect_) curl_.easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
      curl_.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer_);
      curl_.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);   // Threads and timeouts without SIGALRM.
      curl_.easy_setopt(h, CURLOPT_URL, request.url.c_str());
      curl_.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
      curl_.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
      curl_.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
      curl_.easy_setopt(h, CURLOPT_MAXREDIRS, max_redirects);
      curl_.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
      // A private CA (--cacert, CURL_CA_BUNDLE, SSL_CERT_FILE), still verified.
      if (const std::string ca = ca_file(); !ca.empty()) curl_.easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
      curl_.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
      curl_.easy_setopt(h, CURLOPT_TIMEOUT_MS, request.total_timeout_ms);
      curl_.easy_setopt(h, CURLOPT_USERAGENT, "runbook");
      // A declared Content-Length above the cap fails before any byte is read.
      curl_.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body_bytes));
      curl_.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
      curl_.easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
      curl_.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
      curl_.easy_setopt(h, CURLOPT_HEADERDATA, &transfer);

      const std::string& method = request.method;
      if (method == "GET" || method == "get") {
         curl_.easy_setopt(h, CURLOPT_HTTPGET, 1L);
      } else if (method == "HEAD" || method == "head") {
         curl_.easy_setopt(h, CURLOPT_NOBODY, 1L);
      } else if (method == "POST" || method == "post") {
         // CURLOPT_POST keeps the standard redirect behaviour (303 turns into GET).
         curl_.easy_setopt(h, CURLOPT_POST, 1L);
      } else {
         std::string upper = method;
         std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
         method_ = std::move(upper);
         curl_.easy_setopt(h, CURLOPT_CUSTOMREQUEST, method_.c_str());
      }
      // GET and HEAD carry no body (POSTFIELDS would silently turn them into a POST).
      const bool is_get_or_head = method == "GET" || method == "get" || method == "HEAD" || method == "head";
      const bool sends_body = !request.body.empty() || method == "POST" || method == "post";
      if (sends_body && !is_get_or_head) {
         curl_.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
         curl_.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
      }

      for (const auto& [name, value] : request.headers) {
         // "Name;" is libcurl's spelling for a header with an empty value.
         if (!headers.add(value.empty() ? name + ";" : name + ": " + value)) return false;
      }
      // No "Expect: 100-continue" round trip for large bodies.
      if (!headers.add("Expect:")) return false;
      curl_.easy_setopt(h, CURLOPT_HTTPHEADER, headers.list);
      return true;
   }

   std::string describe_failure(CURLcode code, const HttpRequest& request, const Transfer& transfer, const std::string& url)
   {
      const std::string detail = error_buffer_[0] != '\0' ? std::string(error_buffer_) : std::string(curl_.easy_strerror(code));
      switch (code) {
         case CURLE_WRITE_ERROR:
         case CURLE_FILESIZE_EXCEEDED:
            if (transfer.headers_too_large) {
               return fmt::format("response headers larger than {} from {}", format_bytes(max_header_bytes), url);
            }
            if (transfer.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
               return fmt::format("response body larger than {} from {}", format_bytes(request.max_body_bytes), url);
            }
            if (transfer.callback_failed) return fmt::format("could not store the response from {}: out of memory", url);
            return fmt::format("could not read the response from {}: {}", url, detail);
         case CURLE_COULDNT_CONNECT: {
            long os_errno = 0;
            curl_.easy_getinfo(handle_, CURLINFO_OS_ERRNO, &os_errno);
            if (os_errno == ECONNREFUSED) return fmt::format("could not connect to {}: connection refused", url);
            if (os_errno != 0) return fmt::format("could not connect to {}: {}", url, std::strerror(static_cast<int>(os_errno)));
            return fmt::format("could not connect to {}: {}", url, detail);
         }
         case CURLE_COULDNT_RESOLVE_HOST:
            return fmt::format("could not resolve the host name of {}", url);
         case CURLE_COULDNT_RESOLVE_PROXY:
            return fmt::format("could not resolve the proxy for {}: {}", url, detail);
         case CURLE_OPERATION_TIMEDOUT: {
            double connected_after = 0;
            curl_.easy_getinfo(handle_, CURLINFO_CONNECT_TIME, &connected_after);
            if (connected_after <= 0) {
               long limit = request.connect_timeout_ms;
               if (request.total_timeout_ms > 0 && (limit <= 0 || request.total_timeout_ms < limit)) limit = request.total_timeout_ms;
               return fmt::format("timed out after {} trying to connect to {}", format_duration_ms(static_cast<double>(limit)), url);
            }
            return fmt::format("timed out after {} waiting for {}", format_duration_ms(static_cast<double>(request.total_timeout_ms)), url);
         }
         case CURLE_PEER_FAILED_VERIFICATION:
         case CURLE_SSL_CACERT_BADFILE:
         case CURLE_SSL_ISSUER_ERROR:
         case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return fmt::format("TLS certificate of {} could not be verified: {}", url, detail);
         case CURLE_SSL_CONNECT_ERROR:
            return fmt::format("TLS handshake with {} failed (is it an https server?): {}", url, detail);
         case CURLE_TOO_MANY_REDIRECTS:
            return fmt::format("too many redirects (more than {}) from {}", max_redirects, url);
         case CURLE_GOT_NOTHING:
            return fmt::format("server closed the connection without answering: {}", url);
         case CURLE_PARTIAL_FILE:
            return fmt::format("server closed the connection before the whole response arrived: {}", url);
         case CURLE_RECV_ERROR:
            return fmt::format("the connection to {} broke while reading the response: {}", url, detail);
         case CURLE_SEND_ERROR:
            return fmt::format("the connection to {} broke while sending the request: {}", url, detail);
         case CURLE_UNSUPPORTED_PROTOCOL:
            // libcurl uses this code for three different stories.
            if (detail.find("HTTP/0.9") != std::string::npos) return fmt::format("the server at {} did not answer in HTTP", url);
            if (!has_http_scheme(request.url)) return fmt::format("unsupported URL scheme in {} (only http and https are allowed)", url);
            return fmt::format("a redirect from {} led to an unsupported URL scheme (only http and https are allowed): {}", url, detail);
         case CURLE_URL_MALFORMAT:
            return fmt::format("malformed URL {}: {}", url, detail);
         case CURLE_OUT_OF_MEMORY:
            return fmt::format("could not send the request to {}: out of memory", url);
         default:
            if (transfer.callback_failed) return fmt::format("could not store the response from {}: out of memory", url);
            return fmt::format("request to {} failed: {}", url, detail);
      }
   }

   const CurlLibrary& curl_ = curl_library();   ///< First: the handles below are made with it.
   CURL* handle_;
   CURLM* multi_;   ///< Drives handle_; owns the connection cache that keeps connections alive between requests.
   char error_buffer_[CURL_ERROR_SIZE] = {};   ///< libcurl writes into it during perform: must outlive the handle's use.
   CURLcode last_code_ = CURLE_OK;              ///< How the last transfer ended (send() retries on CURLE_GOT_NOTHING).
   bool fresh_connect_ = false;                 ///< The next transfer opens a new connection.
   std::string method_;                        ///< CUSTOMREQUEST keeps a pointer to it until the next request.
};

}  // namespace

std::unique_ptr<HttpClient> make_curl_client()
{
   return std::make_unique<CurlClient>();
}

}  // namespace runbook
