// Who may act from the web: the operators file, one `name:sha256:HEX` a line
// (HEX: the SHA-256 of the operator's token; `runbook serve --hash-token`
// prints that line's second half). Tokens are long random strings handed to
// each operator (`openssl rand -hex 32`), so one unsalted SHA-256 suffices:
// there is nothing short to guess, and the file holds no token.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "journal/sha256.hpp"

namespace runbook::serve {

class Operators {
public:
   /// Reads the file; throws std::runtime_error naming the line at fault.
   static Operators load(const std::string& path);
   /// Parses the file's text; `origin` names it in errors.
   static Operators parse(std::string_view text, const std::string& origin);

   /// Whether `token` is `name`'s. The same work and the same answer
   /// whichever part is wrong (an unknown name, a wrong token), and the
   /// hashes are compared in constant time.
   bool check(const std::string& name, const std::string& token) const;
   bool empty() const { return hashes_.empty(); }

private:
   std::map<std::string, std::string> hashes_;   ///< name -> "sha256:HEX"
};

/// "sha256:HEX" for a token: what the operators file stores. Inline: the
/// CLI prints it (--hash-token) without loading the server's module.
inline std::string hash_token(std::string_view token) { return "sha256:" + sha256_hex(token); }

/// Whether a and b are equal, in time that depends only on their lengths.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace runbook::serve
