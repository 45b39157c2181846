#include "db_commands.h"

#include <cstdio>
#include <regex>

#include "../../supervisor/src/run_lock.h"
#include "query_output.h"
#include "store/audit_log.h"
#include "store/backups.h"
#include "store/market_reader.h"
#include "store/migrations.h"
#include "store/store_files.h"

namespace rrr::db {
namespace fs = std::filesystem;

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "rrr-db: %s\n", message.c_str());
  return 1;
}

std::uintmax_t sizeOf(const fs::path& path) {
  std::error_code ignored;
  const auto size = fs::file_size(path, ignored);
  return ignored ? 0 : size;
}

// Writes are rrr-store's alone while the system runs.
bool systemRunning(const DbPaths& paths) { return supervisor::RunLock::runningSupervisor(paths.run_dir) != 0; }

}  // namespace

int statusCommand(const DbPaths& paths) {
  const auto files = store::databaseFiles(paths.db_dir);
  if (files.empty()) return fail("no databases in " + paths.db_dir.string());
  for (const auto& file : files) {
    auto db = store::Database::openReadOnly(file);
    if (!db.ok()) {
      std::printf("%s: %s\n", file.filename().c_str(), db.error().message.c_str());
      continue;
    }
    const auto version = store::schemaVersion(*db);
    std::printf("%s  %.1f MB  WAL %.1f MB  schema v%d\n", file.filename().c_str(), static_cast<double>(sizeOf(file)) / 1e6,
                static_cast<double>(sizeOf(file.string() + "-wal")) / 1e6, version.ok() ? version.value() : -1);
    auto tables = db->prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    if (!tables.ok()) continue;
    for (auto row = tables->step(); row.ok() && row.value(); row = tables->step()) {
      const auto table = tables->columnText(0);
      auto count = db->prepare("SELECT count(*) FROM \"" + table + "\"");
      if (count.ok() && count->step().value()) std::printf("  %-22s %lld rows\n", table.c_str(), static_cast<long long>(count->columnInt(0)));
    }
  }
  for (auto kind : {store::BackupKind::kDaily, store::BackupKind::kWeekly, store::BackupKind::kMonthly}) {
    const auto backups = store::listBackups(paths.backups_dir, kind);
    std::printf("backups %-8s %zu kept%s%s\n", store::toString(kind), backups.size(), backups.empty() ? "" : ", newest ",
                backups.empty() ? "" : backups.front().filename().c_str());
  }
  return 0;
}

int queryCommand(const DbPaths& paths, const std::string& database, const std::string& sql, OutputFormat format) {
  if (!std::regex_match(database, std::regex("[A-Za-z0-9_]+"))) return fail("database '" + database + "' is not a name like trading or market_data_2024_01");
  const auto path = paths.db_dir / (database + ".db");
  if (!fs::exists(path)) return fail(path.string() + " does not exist");
  auto db = store::Database::openReadOnly(path);
  if (!db.ok()) return fail(db.error().message);
  auto statement = db->prepare(sql);
  if (!statement.ok()) return fail(statement.error().message);
  return printRows(*statement, format) ? 0 : 1;
}

int exportCommand(const DbPaths& paths, const std::string& database, const std::string& table, const fs::path& out) {
  if (!std::regex_match(table, std::regex("[A-Za-z_][A-Za-z0-9_]*"))) return fail("'" + table + "' is not a table name");
  if (!out.empty() && std::freopen(out.c_str(), "w", stdout) == nullptr) return fail("cannot write " + out.string());
  return queryCommand(paths, database, "SELECT * FROM \"" + table + "\"", OutputFormat::kCsv);
}

int barsCommand(const DbPaths& paths, const std::string& symbol, long long interval_s, long long from_s, long long to_s) {
  auto bars = store::readBars(paths.db_dir, symbol, interval_s, from_s * 1'000'000'000, to_s * 1'000'000'000);
  if (!bars.ok()) return fail(bars.error().message);
  std::printf("open_time_ns,symbol,interval_s,open_e8,high_e8,low_e8,close_e8,volume_e8,trade_count\n");
  for (const auto& bar : bars.value()) {
    std::printf("%lld,%s,%lld,%lld,%lld,%lld,%lld,%lld,%lld\n", static_cast<long long>(bar.open_time_ns), bar.symbol.c_str(),
                static_cast<long long>(bar.interval_s), static_cast<long long>(bar.open_e8), static_cast<long long>(bar.high_e8),
                static_cast<long long>(bar.low_e8), static_cast<long long>(bar.close_e8), static_cast<long long>(bar.volume_e8),
                static_cast<long long>(bar.trade_count));
  }
  return 0;
}

int backupCommand(const DbPaths& paths, const std::string& kind_name) {
  const auto kind = kind_name == "weekly" ? store::BackupKind::kWeekly
                    : kind_name == "monthly" ? store::BackupKind::kMonthly
                                             : store::BackupKind::kDaily;
  auto report = store::backupAll(paths.db_dir, paths.backups_dir, kind, store::defaultRetention(kind));
  if (!report.ok()) return fail(report.error().message);
  std::printf("backed up %zu databases into %s (each passed integrity_check)\n", report->files.size(), report->folder.c_str());
  for (const auto& removed : report->removed) std::printf("removed %s (retention)\n", removed.c_str());
  return 0;
}

int restoreCommand(const DbPaths& paths, const fs::path& folder) {
  if (systemRunning(paths)) return fail("rrr is running (pid " + std::to_string(supervisor::RunLock::runningSupervisor(paths.run_dir)) + "); `rrr-supervisor stop` first");
  auto status = store::restoreBackup(folder, paths.db_dir);
  if (!status.ok()) return fail(status.error().message);
  std::printf("restored %s into %s\n", folder.c_str(), paths.db_dir.c_str());
  return 0;
}

int verifyCommand(const DbPaths& paths) {
  int bad = 0;
  for (const auto& file : store::databaseFiles(paths.db_dir)) {
    const auto result = store::integrityCheck(file);
    std::printf("%s: %s\n", file.filename().c_str(), result.c_str());
    if (result != "ok") ++bad;
  }
  return bad == 0 ? 0 : 1;
}

int verifyAuditCommand(const DbPaths& paths) {
  auto db = store::Database::openReadOnly(paths.db_dir / "trading.db");
  if (!db.ok()) return fail(db.error().message);
  auto verdict = store::verifyAuditChain(*db);
  if (!verdict.ok()) return fail(verdict.error().message);
  if (verdict->problem) return fail(*verdict->problem);
  std::printf("audit log: %lld records, chain intact\n", static_cast<long long>(verdict->records));
  return 0;
}

int maintainCommand(const DbPaths& paths, const std::string& verb) {
  if (systemRunning(paths)) return fail(verb + " writes; rrr is running, and only rrr-store writes then. `rrr-supervisor stop` first");
  for (const auto& file : store::databaseFiles(paths.db_dir)) {
    auto db = store::Database::open(file);
    if (!db.ok()) return fail(db.error().message);
    const auto before = sizeOf(file);
    auto status = db->exec(verb == "vacuum" ? "VACUUM" : "ANALYZE; PRAGMA optimize;");
    if (!status.ok()) return fail(file.string() + ": " + status.error().message);
    std::printf("%s: %s (%.1f MB -> %.1f MB)\n", file.filename().c_str(), verb.c_str(), static_cast<double>(before) / 1e6,
                static_cast<double>(sizeOf(file)) / 1e6);
  }
  return 0;
}

}  // namespace rrr::db
