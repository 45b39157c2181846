#include "store/backups.h"

#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <fstream>

#include "store/sqlite.h"
#include "store/store_files.h"

namespace rrr::store {
namespace fs = std::filesystem;

namespace {

std::string timestampNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", &utc);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return std::string(text) + "-" + std::to_string(1000 + millis).substr(1);
}

// Copies source into target through the SQLite backup API.
Status<BackupError> copyDatabase(const fs::path& source, const fs::path& target) {
  sqlite3* from = nullptr;
  sqlite3* to = nullptr;
  const auto close = [&] {
    sqlite3_close_v2(from);
    sqlite3_close_v2(to);
  };
  if (sqlite3_open_v2(source.c_str(), &from, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    close();
    return makeError(BackupError::kSource, "cannot open " + source.string());
  }
  sqlite3_busy_timeout(from, 5000);
  if (sqlite3_open_v2(target.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    close();
    return makeError(BackupError::kWrite, "cannot create " + target.string());
  }
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  int rc = backup != nullptr ? sqlite3_backup_step(backup, -1) : SQLITE_ERROR;
  sqlite3_backup_finish(backup);
  const std::string message = sqlite3_errmsg(to);
  close();
  if (rc != SQLITE_DONE) return makeError(BackupError::kWrite, "backup of " + source.string() + " failed: " + message);
  return {};
}

}  // namespace

const char* toString(BackupKind kind) {
  switch (kind) {
    case BackupKind::kDaily: return "daily";
    case BackupKind::kWeekly: return "weekly";
    case BackupKind::kMonthly: return "monthly";
  }
  return "daily";
}

int defaultRetention(BackupKind kind) {
  switch (kind) {
    case BackupKind::kDaily: return 7;
    case BackupKind::kWeekly: return 4;
    case BackupKind::kMonthly: return 12;
  }
  return 7;
}

std::string integrityCheck(const fs::path& database) {
  auto db = Database::open(database);
  if (!db.ok()) return db.error().message;
  auto check = db->prepare("PRAGMA integrity_check");
  if (!check.ok()) return check.error().message;
  std::string result;
  for (auto row = check->step(); row.ok() && row.value(); row = check->step()) {
    result += (result.empty() ? "" : "; ") + check->columnText(0);
  }
  return result.empty() ? "no answer" : result;
}

std::vector<fs::path> listBackups(const fs::path& backups_dir, BackupKind kind) {
  std::vector<fs::path> folders;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(backups_dir / toString(kind), ignored)) {
    if (fs::exists(entry.path() / "MANIFEST")) folders.push_back(entry.path());
  }
  std::sort(folders.rbegin(), folders.rend());
  return folders;
}

std::optional<std::chrono::system_clock::duration> newestBackupAge(const fs::path& backups_dir, BackupKind kind) {
  const auto folders = listBackups(backups_dir, kind);
  if (folders.empty()) return std::nullopt;
  std::error_code ignored;
  const auto written = fs::last_write_time(folders.front() / "MANIFEST", ignored);
  if (ignored) return std::nullopt;
  return std::chrono::system_clock::now() - std::chrono::file_clock::to_sys(written);
}

Result<BackupReport, BackupError> backupAll(const fs::path& db_dir, const fs::path& backups_dir, BackupKind kind, int keep) {
  BackupReport report;
  report.folder = backups_dir / toString(kind) / timestampNow();
  std::error_code error;
  fs::create_directories(report.folder, error);
  if (error) return makeError(BackupError::kWrite, "cannot create " + report.folder.string() + ": " + error.message());
  std::string manifest;
  for (const auto& source : databaseFiles(db_dir)) {
    const auto target = report.folder / source.filename();
    RRR_RETURN_IF_ERROR(copyDatabase(source, target));
    const auto integrity = integrityCheck(target);
    if (integrity != "ok") {
      return makeError(BackupError::kIntegrity, "backup copy " + target.string() + " fails integrity_check: " + integrity);
    }
    manifest += source.filename().string() + " " + std::to_string(fs::file_size(target)) + " integrity=ok\n";
    report.files.push_back(source.filename().string());
  }
  std::ofstream(report.folder / "MANIFEST") << manifest;
  const auto complete = listBackups(backups_dir, kind);
  for (std::size_t i = static_cast<std::size_t>(std::max(keep, 1)); i < complete.size(); ++i) {
    fs::remove_all(complete[i], error);
    report.removed.push_back(complete[i]);
  }
  return report;
}

Status<BackupError> restoreBackup(const fs::path& backup_folder, const fs::path& db_dir) {
  if (!fs::exists(backup_folder / "MANIFEST")) {
    return makeError(BackupError::kNotFound, backup_folder.string() + " is not a complete backup (no MANIFEST)");
  }
  const auto files = databaseFiles(backup_folder);
  for (const auto& file : files) {
    const auto integrity = integrityCheck(file);
    if (integrity != "ok") return makeError(BackupError::kIntegrity, file.string() + " fails integrity_check: " + integrity);
  }
  std::error_code error;
  fs::create_directories(db_dir, error);
  for (const auto& current : databaseFiles(db_dir)) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(current.string() + suffix, error);
  }
  for (const auto& file : files) {
    fs::copy_file(file, db_dir / file.filename(), fs::copy_options::overwrite_existing, error);
    if (error) return makeError(BackupError::kWrite, "cannot restore " + file.filename().string() + ": " + error.message());
  }
  return {};
}

}  // namespace rrr::store
