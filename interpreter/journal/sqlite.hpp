// A small RAII layer over the SQLite C API, in the style of NixOS/nix sqlite.cc.
//
//   Database     one connection; closed (after its statements) when destroyed
//   Statement    prepared once, reused: use() binds, steps, and resets on scope exit
//   Transaction  BEGIN IMMEDIATE; rolled back when destroyed without commit()
//
// Every failure becomes a JournalError that says what we were doing, SQLite's
// own words, which file, and what the operator can do about it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runbook::sqlite {

class Database {
public:
   /// Opens `path` with `flags` (SQLITE_OPEN_*), with extended result codes
   /// and a busy timeout. Throws JournalError; never leaks the handle.
   Database(std::string path, int flags, int busy_timeout_ms);
   ~Database();
   Database(const Database&) = delete;
   Database& operator=(const Database&) = delete;

   sqlite3* handle() const { return db_; }
   const std::string& path() const { return path_; }

   /// Runs SQL without results (may hold several statements).
   void exec(const std::string& sql, std::string_view operation);
   /// The first column of the first row of a one-off query (pragmas), or nullopt when no row.
   std::optional<std::string> query_text(const std::string& sql, std::string_view operation);
   std::int64_t query_int(const std::string& sql, std::string_view operation);
   void set_busy_timeout(int milliseconds);
   /// BEGIN IMMEDIATE and COMMIT through statements prepared once: a step
   /// runs both twice, and parsing them each time costs more than the insert.
   void begin_immediate(std::string_view operation);
   void commit(std::string_view operation);
   /// Rows changed by the latest INSERT/UPDATE/DELETE.
   int changes() const { return sqlite3_changes(db_); }

   /// Throws a JournalError for result `code` while doing `operation`: SQLite's
   /// words, the file, and advice for what an operator can act on (read-only,
   /// disk full, locked, corrupt, cannot open).
   [[noreturn]] void fail(int code, std::string_view operation) const;

private:
   void run_prepared(sqlite3_stmt*& stmt, const char* sql, std::string_view operation);

   sqlite3* db_ = nullptr;
   std::string path_;
   int busy_timeout_ms_;
   sqlite3_stmt* begin_ = nullptr;
   sqlite3_stmt* commit_ = nullptr;
};

class Statement {
public:
   /// Prepares `sql` once, flagged persistent: it lives as long as the journal.
   Statement(Database& db, const char* sql);
   ~Statement();
   Statement(const Statement&) = delete;
   Statement& operator=(const Statement&) = delete;

   /// One execution: bind parameters in order, then step() or run(). The
   /// statement is reset and its bindings cleared when the Use goes away, so
   /// no value from one execution leaks into the next.
   class Use {
   public:
      Use(Statement& statement, std::string_view operation);
      ~Use();
      Use(const Use&) = delete;
      Use& operator=(const Use&) = delete;

      Use& bind(std::string_view text);
      Use& bind(const char* text) { return bind(std::string_view(text)); }
      Use& bind(const std::string& text) { return bind(std::string_view(text)); }
      Use& bind(std::int64_t value);
      Use& bind(int value) { return bind(static_cast<std::int64_t>(value)); }
      Use& bind(double value);
      Use& bind(std::optional<double> value);
      Use& bind_null();

      /// Steps once: true when a row is available, false when done.
      bool step();
      /// Steps to completion, for statements without results.
      void run();

      std::string text(int column) const;
      std::int64_t integer(int column) const;
      double real(int column) const;
      bool is_null(int column) const;
      std::optional<double> optional_real(int column) const;

   private:
      Statement& statement_;
      std::string_view operation_;
      int next_parameter_ = 1;
   };

   Use use(std::string_view operation) { return Use(*this, operation); }

private:
   Database& db_;
   sqlite3_stmt* stmt_ = nullptr;
};

/// A write transaction. BEGIN IMMEDIATE takes the write lock up front, so the
/// busy timeout covers the whole transaction (a deferred BEGIN that reads
/// first gets SQLITE_BUSY at its first write regardless of the timeout).
class Transaction {
public:
   Transaction(Database& db, std::string_view operation);
   /// Rolls back unless committed; never throws.
   ~Transaction();
   Transaction(const Transaction&) = delete;
   Transaction& operator=(const Transaction&) = delete;

   void commit();

private:
   Database& db_;
   std::string_view operation_;
   bool committed_ = false;
};

}  // namespace runbook::sqlite
