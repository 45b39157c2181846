#pragma once
// A thin RAII layer over the SQLite C API: a connection and prepared statements. Errors are
// values carrying SQLite's message and the SQL that failed.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace rrr::store {

enum class SqlError { kOpen, kPrepare, kStep };

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bindNull(int index);
  // Runs to completion (INSERT, UPDATE) and resets for reuse.
  Status<SqlError> run();
  // Steps once: true while a row is available.
  Result<bool, SqlError> step();
  int columnCount() const;
  std::string columnName(int index) const;
  int columnType(int index) const;   // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL
  double columnDouble(int index) const;
  std::int64_t columnInt(int index) const;
  std::string columnText(int index) const;
  void reset();

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement, &sqlite3_finalize) {}
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement_;
};

class Database {
 public:
  static Result<Database, SqlError> open(const std::filesystem::path& path);
  // A read-only connection (also PRAGMA query_only): how every process but rrr-store reads.
  static Result<Database, SqlError> openReadOnly(const std::filesystem::path& path);

  Status<SqlError> exec(const std::string& sql);
  Result<Statement, SqlError> prepare(const std::string& sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int changes() const { return sqlite3_changes(db_.get()); }
  // A statement prepared once per connection and kept; reset before it is returned.
  Result<Statement*, SqlError> cached(const std::string& sql);

 private:
  explicit Database(sqlite3* db) : db_(db, &sqlite3_close_v2) {}
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db_;
  std::map<std::string, Statement> cache_;   // after db_: finalized before the connection closes
};

}  // namespace rrr::store
