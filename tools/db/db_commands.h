#pragma once
// The verbs of rrr-db. Each returns the exit code: 0 done, 1 failed (the message says why),
// 2 bad usage or config.

#include <filesystem>
#include <string>
#include <vector>

namespace rrr::db {

struct DbPaths {
  std::filesystem::path db_dir;        // data/db
  std::filesystem::path backups_dir;   // backups
  std::filesystem::path run_dir;       // to tell whether a supervisor is running
};

enum class OutputFormat { kTable, kJson, kCsv };

int statusCommand(const DbPaths& paths);
// Read-only SQL against one database file of data/db ("trading", "backtest", "market_data_2024_01").
int queryCommand(const DbPaths& paths, const std::string& database, const std::string& sql, OutputFormat format);
// A whole table as CSV (RFC 4180), to stdout or a file.
int exportCommand(const DbPaths& paths, const std::string& database, const std::string& table, const std::filesystem::path& out);
int barsCommand(const DbPaths& paths, const std::string& symbol, long long interval_s, long long from_s, long long to_s);
int backupCommand(const DbPaths& paths, const std::string& kind);
int restoreCommand(const DbPaths& paths, const std::filesystem::path& folder);
int verifyCommand(const DbPaths& paths);
// Recomputes trading.db's audit hash chain; names the first edited or removed record.
int verifyAuditCommand(const DbPaths& paths);
// optimize (ANALYZE + PRAGMA optimize) or vacuum: writes, so only while no supervisor runs.
int maintainCommand(const DbPaths& paths, const std::string& verb);

}  // namespace rrr::db
