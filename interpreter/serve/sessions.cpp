#include "serve/sessions.hpp"

#include <fstream>
#include <stdexcept>

#include <fmt/core.h>

#include "journal/lease.hpp"

namespace runbook::serve {

namespace {

constexpr double session_lifetime_ms = 12 * 3600 * 1000.0;   // A long shift.

}  // namespace

std::string random_token()
{
   std::ifstream random("/dev/urandom", std::ios::binary);
   unsigned char bytes[32];
   if (!random.read(reinterpret_cast<char*>(bytes), sizeof bytes))
      throw std::runtime_error("cannot read /dev/urandom for a session token");
   std::string hex;
   for (const unsigned char b : bytes) hex += fmt::format("{:02x}", b);
   return hex;
}

std::string Sessions::open(const std::string& name)
{
   const std::string id = random_token();
   const std::lock_guard lock(mutex_);
   // Forget the expired ones now and then, so the table does not grow forever.
   const double now = wall_now_ms();
   std::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires_ms < now; });
   sessions_[id] = Session{name, random_token(), now + session_lifetime_ms};
   return id;
}

std::optional<Session> Sessions::find(const std::string& id)
{
   if (id.empty()) return std::nullopt;
   const std::lock_guard lock(mutex_);
   const auto it = sessions_.find(id);
   if (it == sessions_.end() || it->second.expires_ms < wall_now_ms()) return std::nullopt;
   return it->second;
}

void Sessions::close(const std::string& id)
{
   const std::lock_guard lock(mutex_);
   sessions_.erase(id);
}

}  // namespace runbook::serve
