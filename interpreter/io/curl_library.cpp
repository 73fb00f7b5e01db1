#include "io/curl_library.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace runbook {

namespace {

/// The soname of libcurl's ABI 4, the one every Debian since 2006 ships
/// (package libcurl4); the header this file is built against is the same ABI.
constexpr const char* curl_soname = "libcurl.so.4";

std::string dl_error()
{
   const char* text = dlerror();
   return text != nullptr ? text : "unknown error";
}

/// Fills `slot` with the function called `name`, typed as the header declares it.
template <typename Function>
void look_up(void* library, const char* name, Function& slot)
{
   void* symbol = dlsym(library, name);
   if (symbol == nullptr) {
      throw std::runtime_error(std::string("libcurl has no function ") + name +
                               " (runbook needs libcurl 7.85 or later): " + dl_error());
   }
   slot = reinterpret_cast<Function>(symbol);
}

CurlLibrary open_curl()
{
   // Never closed: handles may live until the process exits.
   void* library = dlopen(curl_soname, RTLD_NOW | RTLD_LOCAL);
   if (library == nullptr) {
      throw std::runtime_error(std::string("cannot make HTTP requests: cannot load ") + curl_soname +
                               " (install the libcurl4 package): " + dl_error());
   }
   CurlLibrary curl{};
   look_up(library, "curl_easy_init", curl.easy_init);
   look_up(library, "curl_easy_cleanup", curl.easy_cleanup);
   look_up(library, "curl_easy_reset", curl.easy_reset);
   look_up(library, "curl_easy_setopt", curl.easy_setopt);
   look_up(library, "curl_easy_getinfo", curl.easy_getinfo);
   look_up(library, "curl_easy_strerror", curl.easy_strerror);
   look_up(library, "curl_multi_init", curl.multi_init);
   look_up(library, "curl_multi_cleanup", curl.multi_cleanup);
   look_up(library, "curl_multi_add_handle", curl.multi_add_handle);
   look_up(library, "curl_multi_remove_handle", curl.multi_remove_handle);
   look_up(library, "curl_multi_perform", curl.multi_perform);
   look_up(library, "curl_multi_info_read", curl.multi_info_read);
   look_up(library, "curl_multi_poll", curl.multi_poll);
   look_up(library, "curl_slist_append", curl.slist_append);
   look_up(library, "curl_slist_free_all", curl.slist_free_all);

   decltype(&::curl_global_init) global_init = nullptr;
   look_up(library, "curl_global_init", global_init);
   if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("cannot make HTTP requests: libcurl failed to initialise");
   }
   return curl;
}

}  // namespace

const CurlLibrary& curl_library()
{
   // A function-local static: one thread opens it, the others wait. (A throw
   // leaves it unopened, so a later call tries again and says why again.)
   static const CurlLibrary curl = open_curl();
   return curl;
}

}  // namespace runbook
