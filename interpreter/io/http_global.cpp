#include <csignal>
#include <cstdlib>
#include <string>

#include "io/curl_library.hpp"
#include "io/http_client.hpp"

namespace runbook {

void http_global_init()
{
   // With CURLOPT_NOSIGNAL libcurl no longer ignores SIGPIPE itself: a
   // server resetting a connection mid-write must not kill runbook.
   // (Shell commands get the default disposition back: see io/shell.cpp.)
   std::signal(SIGPIPE, SIG_IGN);
   // Open libcurl now, before the run's threads start: curl_global_init
   // initialises OpenSSL, which older libcurls did not do thread-safely.
   curl_library();
}

namespace {
std::string g_ca_file;   // Set before a run's threads start; read only afterwards.
}

void set_ca_file(const std::string& path) { g_ca_file = path; }

std::string ca_file()
{
   if (!g_ca_file.empty()) return g_ca_file;
   for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
      const char* value = std::getenv(name);
      if (value != nullptr && *value != '\0') return value;
   }
   return "";
}

}  // namespace runbook
