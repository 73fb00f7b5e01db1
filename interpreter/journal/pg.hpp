// A small RAII layer over libpq, the PostgreSQL counterpart of sqlite.hpp.
//
//   Connection   one connection; parameters always bound, never spliced in;
//                frequent statements prepared once per connection
//   Result       one answer, cleared when destroyed
//   Transaction  BEGIN; rolled back when destroyed without commit()
//
// Every failure becomes a JournalError that says what we were doing, the
// server's own words, and which database, with the URL's password redacted.
#pragma once

#include "journal/journal.hpp"

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runbook::pg {

/// `url` with the password (user:PASSWORD@ or password=...) replaced by "***":
/// the only form of a PostgreSQL journal URL that may appear in a message.
std::string redact_url(const std::string& url);

/// A parameter: text, or NULL when empty.
using Param = std::optional<std::string>;

class Result {
public:
   explicit Result(PGresult* result) : result_(result) {}
   ~Result();
   Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
   Result(const Result&) = delete;
   Result& operator=(const Result&) = delete;
   Result& operator=(Result&&) = delete;

   int rows() const;
   /// Rows an UPDATE/INSERT/DELETE changed.
   int changed() const;
   bool is_null(int row, int column) const;
   std::string text(int row, int column) const;
   double real(int row, int column) const;
   std::int64_t integer(int row, int column) const;
   std::optional<double> optional_real(int row, int column) const;

private:
   PGresult* result_;
};

/// The server went away (restarted, unreachable): the same work may pass
/// once it is back. What was not committed was not written.
class ConnectionLost : public JournalError {
public:
   using JournalError::JournalError;
};

/// A journal function refused a write (SQLSTATE RB...: pg_schema.cpp): this
/// process does not hold the run, or the step has no unfinished attempt.
/// Nothing was written; the caller takes the slow path, which says why.
class Refused : public JournalError {
public:
   using JournalError::JournalError;
};

class Connection {
public:
   /// Connects to `url` (postgresql://...). Throws JournalError.
   explicit Connection(std::string url);
   ~Connection();
   Connection(const Connection&) = delete;
   Connection& operator=(const Connection&) = delete;

   /// The URL with its password redacted: what messages name.
   const std::string& name() const { return name_; }

   /// Runs `sql` with `params` ($1, $2...). Throws JournalError on failure.
   Result exec(const std::string& sql, const std::vector<Param>& params, std::string_view operation);
   /// exec() of a statement this connection runs often: prepared (parsed and
   /// planned) once per connection, then only executed.
   Result exec_prepared(const std::string& sql, const std::vector<Param>& params, std::string_view operation);
   /// Runs SQL without parameters (may hold several statements).
   void exec(const std::string& sql, std::string_view operation);

   /// True when the connection is broken (the server went away).
   bool broken() const;
   /// Connects again after the server went away. Throws JournalError.
   void reconnect();

private:
   /// `result`, or the failure it reports thrown (fail()).
   Result checked(PGresult* result, std::string_view operation);
   [[noreturn]] void fail(PGresult* result, std::string_view operation);

   std::string url_;
   std::string name_;
   PGconn* conn_ = nullptr;
   std::map<std::string, std::string> prepared_;   ///< SQL -> its statement's name on conn_.
};

class Transaction {
public:
   Transaction(Connection& connection, std::string_view operation);
   ~Transaction();
   Transaction(const Transaction&) = delete;
   Transaction& operator=(const Transaction&) = delete;
   void commit();

private:
   Connection& connection_;
   std::string operation_;
   bool open_ = true;
};

}  // namespace runbook::pg
