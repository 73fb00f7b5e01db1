#include "io/url.hpp"

namespace runbook {

std::string url_encode(std::string_view text)
{
   static const char hex[] = "0123456789ABCDEF";
   std::string encoded;
   encoded.reserve(text.size() * 3);
   for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (alnum || c == '-' || c == '.' || c == '_' || c == '~') {
         encoded += c;
      } else {
         encoded += '%';
         encoded += hex[byte >> 4];
         encoded += hex[byte & 0x0F];
      }
   }
   return encoded;
}

}  // namespace runbook
