#pragma once
// Versioned schema migrations (procs/store/migrations/<database>/NNNN_name.sql, embedded at build
// time). A database's version is PRAGMA user_version; each pending migration runs in its own
// transaction together with the bump of user_version, so a crash leaves either the old or the new
// version, never half of one.

#include <string>
#include <vector>

#include "store/sqlite.h"

namespace rrr::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

extern const std::vector<Migration> kTradingMigrations;   // trading.db, backtest.db
extern const std::vector<Migration> kMarketMigrations;    // market_data_YYYY_MM.db

enum class MigrationError { kNewerSchema, kFailed };

// Brings db (the file at `path`, named in errors) up to the last version in migrations.
// kNewerSchema if the file's version is above what this binary knows: it was written by a newer
// rrr, and nothing is changed.
Status<MigrationError> migrate(Database& db, const std::string& path, const std::vector<Migration>& migrations);

// The version the file is at (PRAGMA user_version).
Result<int, MigrationError> schemaVersion(Database& db);

}  // namespace rrr::store
