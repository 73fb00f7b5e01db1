#include "journal/pg.hpp"

#include "journal/libpq_library.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace runbook::pg {

std::string redact_url(const std::string& url)
{
   std::string out = url;
   // URL form: scheme://user:password@host/...
   if (const auto scheme = out.find("://"); scheme != std::string::npos) {
      const auto authority = scheme + 3;
      const auto end = out.find_first_of("/?", authority);
      const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
      if (at != std::string::npos && at >= authority) {
         const auto colon = out.find(':', authority);
         if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
      }
   }
   // Query or keyword form: password=secret up to the next & or space.
   for (std::size_t at = out.find("password="); at != std::string::npos; at = out.find("password=", at + 1)) {
      const auto value = at + 9;
      const auto end = out.find_first_of("& ", value);
      out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
   }
   return out;
}

Result::~Result()
{
   if (result_ != nullptr) pq_library().clear(result_);
}

int Result::rows() const
{
   return pq_library().ntuples(result_);
}

bool Result::is_null(int row, int column) const
{
   return pq_library().getisnull(result_, row, column) == 1;
}

std::string Result::text(int row, int column) const
{
   return pq_library().getvalue(result_, row, column);
}

int Result::changed() const
{
   const char* count = pq_library().cmd_tuples(result_);
   return count == nullptr || *count == '\0' ? 0 : std::atoi(count);
}

double Result::real(int row, int column) const
{
   return is_null(row, column) ? 0 : std::strtod(pq_library().getvalue(result_, row, column), nullptr);
}

std::int64_t Result::integer(int row, int column) const
{
   return is_null(row, column) ? 0 : std::strtoll(pq_library().getvalue(result_, row, column), nullptr, 10);
}

std::optional<double> Result::optional_real(int row, int column) const
{
   if (is_null(row, column)) return std::nullopt;
   return real(row, column);
}

Connection::Connection(std::string url) : url_(std::move(url)), name_(redact_url(url_))
{
   reconnect();
}

Connection::~Connection()
{
   if (conn_ != nullptr) pq_library().finish(conn_);
}

bool Connection::broken() const
{
   return conn_ == nullptr || pq_library().status(conn_) != CONNECTION_OK;
}

void Connection::reconnect()
{
   if (conn_ != nullptr) pq_library().finish(conn_);
   prepared_.clear();   // statements live and die with their connection
   conn_ = pq_library().connectdb(url_.c_str());
   if (pq_library().status(conn_) == CONNECTION_OK) {
      // Notices (e.g. "relation already exists, skipping") are not for the operator.
      pq_library().set_notice_processor(conn_, [](void*, const char*) {}, nullptr);
      return;
   }
   std::string why = conn_ != nullptr ? pq_library().error_message(conn_) : "out of memory";
   // A failed connection is still libpq's to free; thrown out of the
   // constructor, ~Connection would never free it.
   if (conn_ != nullptr) pq_library().finish(conn_);
   conn_ = nullptr;
   while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
   // libpq's message may quote the connection string: never its password.
   why = redact_url(why);
   throw ConnectionLost(fmt::format("cannot connect to the journal {}: {}: check that the server runs and the URL "
                                    "is right, or pass --journal PATH to use a SQLite journal",
                                    name_, why));
}

namespace {

/// libpq's form of `params`: C strings, a null pointer for NULL.
std::vector<const char*> param_values(const std::vector<Param>& params)
{
   std::vector<const char*> values;
   values.reserve(params.size());
   for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
   return values;
}

/// Whether a failure with SQLSTATE `state` is the link's, not the statement's:
/// none ("": libpq's own, such as "server closed the connection unexpectedly",
/// after which libpq may still call the connection OK), a connection
/// exception (08...), or the server ending the session (57P01 shut down,
/// 57P02 crashed, 57P03 starting up).
bool connection_lost(std::string_view state)
{
   return state.empty() || state.starts_with("08") || state.starts_with("57P0");
}

}  // namespace

Result Connection::exec(const std::string& sql, const std::vector<Param>& params, std::string_view operation)
{
   const auto values = param_values(params);
   return checked(pq_library().exec_params(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                           values.data(), nullptr, nullptr, 0),
                  operation);
}

Result Connection::exec_prepared(const std::string& sql, const std::vector<Param>& params,
                                 std::string_view operation)
{
   // The server parses and plans a statement once per connection instead of
   // once per call: on the fast path's one-call writes, that is a tenth of
   // a write's time (bench/pg_journal.sh).
   auto known = prepared_.find(sql);
   if (known == prepared_.end()) {
      const std::string name = fmt::format("runbook_{}", prepared_.size() + 1);
      checked(pq_library().prepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(params.size()), nullptr),
              operation);
      known = prepared_.emplace(sql, name).first;
   }
   const auto values = param_values(params);
   return checked(pq_library().exec_prepared(conn_, known->second.c_str(), static_cast<int>(values.size()),
                                             values.data(), nullptr, nullptr, 0),
                  operation);
}

void Connection::exec(const std::string& sql, std::string_view operation)
{
   checked(pq_library().exec(conn_, sql.c_str()), operation);
}

Result Connection::checked(PGresult* result, std::string_view operation)
{
   const auto status = pq_library().result_status(result);
   if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result, operation);
   return Result(result);
}

void Connection::fail(PGresult* result, std::string_view operation)
{
   const char* field = result != nullptr ? pq_library().result_error_field(result, PG_DIAG_SQLSTATE) : nullptr;
   const std::string state = field != nullptr ? field : "";
   const bool refused = state.starts_with("RB");
   std::string why = result != nullptr ? pq_library().result_error_message(result) : "";
   if (why.empty()) why = pq_library().error_message(conn_);
   while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
   pq_library().clear(result);
   const std::string message = fmt::format("{} failed in the journal {}: {}", operation, name_, redact_url(why));
   if (broken() || connection_lost(state)) throw ConnectionLost(message);
   if (refused) throw Refused(message);
   throw JournalError(message);
}

Transaction::Transaction(Connection& connection, std::string_view operation)
   : connection_(connection), operation_(operation)
{
   connection_.exec("BEGIN", operation_);
}

Transaction::~Transaction()
{
   if (!open_ || connection_.broken()) return;
   try {
      connection_.exec("ROLLBACK", operation_);
   } catch (const JournalError&) {
      // Nothing was committed; the connection is reset on its next use.
   }
}

void Transaction::commit()
{
   open_ = false;
   connection_.exec("COMMIT", operation_);
}

}  // namespace runbook::pg
