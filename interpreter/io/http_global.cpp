#include <curl/curl.h>

#include "io/http_client.hpp"

namespace runbook {

void http_global_init()
{
   // Once, before any thread starts (curl_global_init is not thread safe).
   static const bool initialised = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
   (void)initialised;
}

}  // namespace runbook
