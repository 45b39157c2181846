#include "store/sqlite.h"

namespace rrr::store {

Result<Database, SqlError> Database::open(const std::filesystem::path& path) {
  std::error_code ignored;
  std::filesystem::create_directories(path.parent_path(), ignored);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return makeError(SqlError::kOpen, "cannot open " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  return Database(db);
}

Result<Database, SqlError> Database::openReadOnly(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return makeError(SqlError::kOpen, "cannot open " + path.string() + " read-only: " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  Database database(db);
  RRR_RETURN_IF_ERROR(database.exec("PRAGMA query_only = 1"));
  return database;
}

Status<SqlError> Database::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return makeError(SqlError::kStep, text + " in: " + sql.substr(0, 200));
  }
  return {};
}

Result<Statement, SqlError> Database::prepare(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &statement, nullptr) != SQLITE_OK) {
    return makeError(SqlError::kPrepare, std::string(sqlite3_errmsg(db_.get())) + " in: " + sql.substr(0, 200));
  }
  return Statement(db_.get(), statement);
}

Result<Statement*, SqlError> Database::cached(const std::string& sql) {
  if (auto found = cache_.find(sql); found != cache_.end()) {
    found->second.reset();
    return &found->second;
  }
  RRR_ASSIGN_OR_RETURN(auto statement, prepare(sql));
  return &cache_.emplace(sql, std::move(statement)).first->second;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(statement_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(statement_.get(), index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bindNull(int index) {
  sqlite3_bind_null(statement_.get(), index);
  return *this;
}

Status<SqlError> Statement::run() {
  const int rc = sqlite3_step(statement_.get());
  sqlite3_reset(statement_.get());
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    return makeError(SqlError::kStep, std::string(sqlite3_errmsg(db_)) + " in: " + sqlite3_sql(statement_.get()));
  }
  return {};
}

Result<bool, SqlError> Statement::step() {
  const int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return makeError(SqlError::kStep, std::string(sqlite3_errmsg(db_)) + " in: " + sqlite3_sql(statement_.get()));
}

int Statement::columnCount() const { return sqlite3_column_count(statement_.get()); }
std::string Statement::columnName(int index) const { return sqlite3_column_name(statement_.get(), index); }
int Statement::columnType(int index) const { return sqlite3_column_type(statement_.get(), index); }
double Statement::columnDouble(int index) const { return sqlite3_column_double(statement_.get(), index); }

std::int64_t Statement::columnInt(int index) const { return sqlite3_column_int64(statement_.get(), index); }

std::string Statement::columnText(int index) const {
  const auto* text = sqlite3_column_text(statement_.get(), index);
  return text != nullptr ? reinterpret_cast<const char*>(text) : "";
}

void Statement::reset() { sqlite3_reset(statement_.get()); }

}  // namespace rrr::store
