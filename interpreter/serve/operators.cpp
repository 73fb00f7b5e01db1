#include "serve/operators.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

#include "journal/sha256.hpp"

namespace runbook::serve {

bool equal_in_constant_time(std::string_view a, std::string_view b)
{
   unsigned char differ = a.size() == b.size() ? 0 : 1;
   const std::size_t n = std::max(a.size(), b.size());
   for (std::size_t i = 0; i < n; ++i) {
      const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
      const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
      differ |= static_cast<unsigned char>(x ^ y);
   }
   return differ == 0;
}

Operators Operators::parse(std::string_view text, const std::string& origin)
{
   Operators operators;
   std::istringstream lines{std::string(text)};
   std::string line;
   int number = 0;
   while (std::getline(lines, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line.front() == '#') continue;
      const auto colon = line.find(':');
      const std::string name = line.substr(0, colon);
      const std::string hash = colon == std::string::npos ? "" : line.substr(colon + 1);
      const bool hex = hash.size() == 7 + 64 && hash.rfind("sha256:", 0) == 0 &&
                       hash.find_first_not_of("0123456789abcdef", 7) == std::string::npos;
      if (name.empty() || !hex)
         throw std::runtime_error(fmt::format("{}:{}: expected name:sha256:HEX (64 lowercase hex digits; "
                                              "`runbook serve --hash-token` prints the hash)",
                                              origin, number));
      if (!operators.hashes_.emplace(name, hash).second)
         throw std::runtime_error(fmt::format("{}:{}: operator '{}' is listed twice", origin, number, name));
   }
   return operators;
}

Operators Operators::load(const std::string& path)
{
   std::ifstream in(path, std::ios::binary);
   if (!in) throw std::runtime_error(fmt::format("cannot read the operators file {}", path));
   std::ostringstream text;
   text << in.rdbuf();
   return parse(text.str(), path);
}

bool Operators::check(const std::string& name, const std::string& token) const
{
   // An unknown name is compared against a hash no token has, so that it
   // costs what a wrong token costs.
   static const std::string nobody = "sha256:" + std::string(64, 'x');
   const auto it = hashes_.find(name);
   const bool matches = equal_in_constant_time(hash_token(token), it == hashes_.end() ? nobody : it->second);
   return matches && it != hashes_.end();
}

}  // namespace runbook::serve
