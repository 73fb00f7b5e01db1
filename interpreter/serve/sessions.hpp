// Signed-in operators: a session is a random id in an HttpOnly,
// SameSite=Strict cookie, with its own random CSRF token that every POST
// form carries back. Sessions live in this process's memory: a restart
// signs everybody out, which is fine for a console.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace runbook::serve {

struct Session {
   std::string name;
   std::string csrf;
   double expires_ms = 0;
};

class Sessions {
public:
   /// A new session for `name`: returns its id (the cookie's value).
   std::string open(const std::string& name);
   /// The live session with this id, if any.
   std::optional<Session> find(const std::string& id);
   void close(const std::string& id);

private:
   std::mutex mutex_;
   std::unordered_map<std::string, Session> sessions_;
};

/// 32 random bytes from the system's random source, as hex.
std::string random_token();

}  // namespace runbook::serve
