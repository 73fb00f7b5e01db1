#include "journal/sqlite.hpp"

#include "journal/journal.hpp"

#include <fmt/format.h>

namespace runbook::sqlite {

namespace {

/// What the operator can do about a failure, by primary result code.
std::string advice(int code, const std::string& path, int busy_timeout_ms)
{
   switch (code & 0xff) {
   case SQLITE_READONLY:
      return fmt::format("the journal {} is read-only: make the file and its folder writable, "
                         "or pass --journal PATH to use another journal", path);
   case SQLITE_FULL:
      return fmt::format("the disk holding the journal {} is full: free some space, then `runbook resume` "
                         "continues the run (nothing already journaled is lost)", path);
   case SQLITE_BUSY:
   case SQLITE_LOCKED:
      return fmt::format("the journal {} stayed locked by another process for more than {} ms: another "
                         "runbook is writing to it; try again, or pass --journal PATH", path, busy_timeout_ms);
   case SQLITE_CORRUPT:
   case SQLITE_NOTADB:
      return fmt::format("the journal {} is corrupt or not a runbook journal: move it aside "
                         "(mv {} {}.broken) to start a new one; `sqlite3 {}.broken .recover` may rescue "
                         "what it holds", path, path, path, path);
   case SQLITE_CANTOPEN:
      return fmt::format("cannot open the journal {}: check that its folder exists and is writable (SQLite "
                         "creates {}-wal and {}-shm next to it), or pass --journal PATH", path, path, path);
   case SQLITE_IOERR:
      return fmt::format("I/O error on the journal {}: check the disk (dmesg) and its free space", path);
   case SQLITE_PERM:
   case SQLITE_AUTH:
      return fmt::format("access to the journal {} was denied: check its permissions", path);
   default:
      return fmt::format("the journal {} could not be used", path);
   }
}

std::string error_message(sqlite3* db, int code, std::string_view operation, const std::string& path,
                          int busy_timeout_ms)
{
   std::string cause = sqlite3_errstr(code);
   if (db != nullptr) {
      const std::string detail = sqlite3_errmsg(db);
      if (!detail.empty() && detail != cause) cause += ": " + detail;
   }
   return fmt::format("{} ({} while {})", advice(code, path, busy_timeout_ms), cause, operation);
}

}  // namespace

// --- Database

Database::Database(std::string path, int flags, int busy_timeout_ms)
   : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms)
{
   const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
   if (rc != SQLITE_OK) {
      // The handle must be closed even when opening failed (sqlite.org/c3ref/open.html).
      const std::string message = error_message(db_, rc, "opening", path_, busy_timeout_ms_);
      sqlite3_close(db_);
      db_ = nullptr;
      throw JournalError(message);
   }
   sqlite3_extended_result_codes(db_, 1);
   set_busy_timeout(busy_timeout_ms_);
}

Database::~Database()
{
   // Other statements are finalized first (they are members declared after
   // the Database wherever one is kept), so close succeeds.
   sqlite3_finalize(begin_);
   sqlite3_finalize(commit_);
   sqlite3_close(db_);
}

void Database::run_prepared(sqlite3_stmt*& stmt, const char* sql, std::string_view operation)
{
   if (stmt == nullptr) {
      const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) fail(rc, operation);
   }
   const int rc = sqlite3_step(stmt);
   sqlite3_reset(stmt);
   if (rc != SQLITE_DONE) fail(rc, operation);
}

void Database::begin_immediate(std::string_view operation)
{
   run_prepared(begin_, "BEGIN IMMEDIATE", operation);
}

void Database::commit(std::string_view operation)
{
   run_prepared(commit_, "COMMIT", operation);
}

void Database::set_busy_timeout(int milliseconds)
{
   const int rc = sqlite3_busy_timeout(db_, milliseconds);
   if (rc != SQLITE_OK) fail(rc, "setting the busy timeout");
   busy_timeout_ms_ = milliseconds;
}

void Database::fail(int code, std::string_view operation) const
{
   throw JournalError(error_message(db_, code, operation, path_, busy_timeout_ms_));
}

void Database::exec(const std::string& sql, std::string_view operation)
{
   const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
   if (rc != SQLITE_OK) fail(rc, operation);
}

std::optional<std::string> Database::query_text(const std::string& sql, std::string_view operation)
{
   sqlite3_stmt* stmt = nullptr;
   int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
   if (rc != SQLITE_OK) fail(rc, operation);
   std::optional<std::string> result;
   rc = sqlite3_step(stmt);
   if (rc == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      result = text != nullptr ? std::string(text) : std::string();
   }
   sqlite3_finalize(stmt);
   if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(rc, operation);
   return result;
}

std::int64_t Database::query_int(const std::string& sql, std::string_view operation)
{
   const auto text = query_text(sql, operation);
   return text ? std::stoll(*text) : 0;
}

// --- Statement

Statement::Statement(Database& db, const char* sql) : db_(db)
{
   const int rc = sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
   if (rc != SQLITE_OK) db.fail(rc, fmt::format("preparing `{}`", sql));
}

Statement::~Statement()
{
   sqlite3_finalize(stmt_);
}

Statement::Use::Use(Statement& statement, std::string_view operation)
   : statement_(statement), operation_(operation)
{
}

Statement::Use::~Use()
{
   // reset() repeats the error of a failed step, which was already thrown.
   sqlite3_reset(statement_.stmt_);
   sqlite3_clear_bindings(statement_.stmt_);
}

Statement::Use& Statement::Use::bind(std::string_view text)
{
   const int rc = sqlite3_bind_text(statement_.stmt_, next_parameter_++, text.data(),
                                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
   if (rc != SQLITE_OK) statement_.db_.fail(rc, operation_);
   return *this;
}

Statement::Use& Statement::Use::bind(std::int64_t value)
{
   const int rc = sqlite3_bind_int64(statement_.stmt_, next_parameter_++, value);
   if (rc != SQLITE_OK) statement_.db_.fail(rc, operation_);
   return *this;
}

Statement::Use& Statement::Use::bind(double value)
{
   const int rc = sqlite3_bind_double(statement_.stmt_, next_parameter_++, value);
   if (rc != SQLITE_OK) statement_.db_.fail(rc, operation_);
   return *this;
}

Statement::Use& Statement::Use::bind(std::optional<double> value)
{
   return value ? bind(*value) : bind_null();
}

Statement::Use& Statement::Use::bind_null()
{
   const int rc = sqlite3_bind_null(statement_.stmt_, next_parameter_++);
   if (rc != SQLITE_OK) statement_.db_.fail(rc, operation_);
   return *this;
}

bool Statement::Use::step()
{
   const int rc = sqlite3_step(statement_.stmt_);
   if (rc == SQLITE_ROW) return true;
   if (rc == SQLITE_DONE) return false;
   statement_.db_.fail(rc, operation_);
}

void Statement::Use::run()
{
   while (step()) {
   }
}

std::string Statement::Use::text(int column) const
{
   const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_.stmt_, column));
   const int size = sqlite3_column_bytes(statement_.stmt_, column);
   return data != nullptr ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::int64_t Statement::Use::integer(int column) const
{
   return sqlite3_column_int64(statement_.stmt_, column);
}

double Statement::Use::real(int column) const
{
   return sqlite3_column_double(statement_.stmt_, column);
}

bool Statement::Use::is_null(int column) const
{
   return sqlite3_column_type(statement_.stmt_, column) == SQLITE_NULL;
}

std::optional<double> Statement::Use::optional_real(int column) const
{
   if (is_null(column)) return std::nullopt;
   return real(column);
}

// --- Transaction

Transaction::Transaction(Database& db, std::string_view operation) : db_(db), operation_(operation)
{
   db_.begin_immediate(operation_);
}

Transaction::~Transaction()
{
   // A failed COMMIT may leave the transaction open (SQLITE_BUSY) or may have
   // rolled it back already (SQLITE_FULL, SQLITE_IOERR): ask SQLite.
   if (!committed_ && sqlite3_get_autocommit(db_.handle()) == 0) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
   }
}

void Transaction::commit()
{
   db_.commit(operation_);
   committed_ = true;
}

}  // namespace runbook::sqlite
