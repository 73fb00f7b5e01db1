#include "sandbox_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "json_util.hpp"

namespace sandbox {

using nlohmann::json;

namespace {

constexpr int state_format_version = 1;

json optional_string(const std::optional<std::string>& value)
{
   return value ? json(*value) : json(nullptr);
}

std::optional<std::string> read_optional_string(const json& value)
{
   if (value.is_string()) return value.get<std::string>();
   return std::nullopt;
}

LoggedRequest logged_request_from_json(const json& j)
{
   LoggedRequest request;
   request.seq = j.at("seq").get<std::uint64_t>();
   request.method = j.at("method").get<std::string>();
   request.path = j.at("path").get<std::string>();
   request.body = j.value("body", json(nullptr));
   request.idempotency_key = read_optional_string(j.value("idempotency_key", json(nullptr)));
   request.auth_scheme = read_optional_string(j.value("auth_scheme", json(nullptr)));
   request.time_ms = j.at("time_ms").get<long long>();
   request.status = j.at("status").get<int>();
   request.replayed = j.value("replayed", false);
   return request;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

json logged_request_to_json(const LoggedRequest& request)
{
   return {
      {"seq", request.seq},
      {"method", request.method},
      {"path", request.path},
      {"body", request.body},
      {"idempotency_key", optional_string(request.idempotency_key)},
      {"auth_scheme", optional_string(request.auth_scheme)},
      {"time_ms", request.time_ms},
      {"status", request.status},
      {"replayed", request.replayed},
   };
}

json state_to_json(const SandboxState& state)
{
   json idempotency = json::object();
   for (const auto& [key, answer] : state.idempotency)
      idempotency[key] = {{"method", answer.method}, {"path", answer.path}, {"request_body", answer.request_body},
                          {"status", answer.status}, {"response_body", answer.response_body}};
   json requests = json::array();
   for (const auto& request : state.requests) requests.push_back(logged_request_to_json(request));
   return {
      {"version", state_format_version},
      {"traffic", {{"blue", number_json(state.split.percentage(Environment::blue))}, {"green", number_json(state.split.percentage(Environment::green))}}},
      {"faults", faults_to_json(state.faults)},
      {"idempotency", idempotency},
      {"requests", requests},
      {"next_seq", state.next_seq},
   };
}

SandboxState state_from_json(const json& j)
{
   try {
      if (j.value("version", 0) != state_format_version)
         throw std::runtime_error(fmt::format("unsupported state format version {} (this sandbox reads version {})", j.value("version", 0), state_format_version));
      SandboxState state;
      state.split.route(Environment::green, j.at("traffic").at("green").get<double>());
      state.faults = faults_from_json(j.at("faults"));
      for (const auto& [key, answer] : j.at("idempotency").items())
         state.idempotency[key] = {answer.at("method").get<std::string>(), answer.at("path").get<std::string>(),
                                   answer.at("request_body").get<std::string>(), answer.at("status").get<int>(),
                                   answer.at("response_body").get<std::string>()};
      for (const auto& request : j.at("requests")) state.requests.push_back(logged_request_from_json(request));
      state.next_seq = j.at("next_seq").get<std::uint64_t>();
      return state;
   }
   catch (const json::exception& e) {
      throw std::runtime_error(fmt::format("malformed state: {}", e.what()));
   }
   catch (const FaultFormatError& e) {
      throw std::runtime_error(fmt::format("malformed faults in state: {}", e.what()));
   }
}

std::optional<SandboxState> StateFile::load() const
{
   std::ifstream in(path_, std::ios::binary);
   if (!in) {
      if (!std::filesystem::exists(path_)) return std::nullopt;
      throw std::runtime_error(fmt::format("cannot read state file {}: {}", path_.string(), errno_text()));
   }
   std::stringstream text;
   text << in.rdbuf();
   const auto parsed = json::parse(text.str(), nullptr, false);
   if (parsed.is_discarded()) throw std::runtime_error(fmt::format("state file {} is not valid JSON", path_.string()));
   try {
      return state_from_json(parsed);
   }
   catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("state file {}: {}", path_.string(), e.what()));
   }
}

void StateFile::save(const SandboxState& state) const
{
   const std::string text = dump_json(state_to_json(state), 1) + "\n";
   const std::filesystem::path temporary = path_.string() + ".tmp";
   const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
   if (fd < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", temporary.string(), errno_text()));
   std::size_t written = 0;
   while (written < text.size()) {
      const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
         const std::string why = errno_text();
         ::close(fd);
         throw std::runtime_error(fmt::format("cannot write {}: {}", temporary.string(), why));
      }
      written += static_cast<std::size_t>(n);
   }
   // No fsync: the sandbox must survive being killed (the kernel keeps the
   // written pages), not a power cut, and an fsync per request would slow the
   // crash tests down for nothing.
   if (::close(fd) != 0) throw std::runtime_error(fmt::format("cannot write {}: {}", temporary.string(), errno_text()));
   if (::rename(temporary.c_str(), path_.c_str()) != 0)
      throw std::runtime_error(fmt::format("cannot replace {}: {}", path_.string(), errno_text()));
}

}  // namespace sandbox
