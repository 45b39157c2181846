#pragma once
// Online backups of the store's database files.
//
// backups/<kind>/<UTC timestamp>/ holds a copy of every .db file of data/db, taken with the SQLite
// backup API (a consistent snapshot while rrr-store keeps writing; WAL readers never block it),
// each checked with PRAGMA integrity_check after it is written. A backup is complete once its
// folder has a MANIFEST (file names, sizes, integrity results); a folder without one is an
// interrupted backup and is neither restored nor counted for retention.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace rrr::store {

enum class BackupKind { kDaily, kWeekly, kMonthly };
const char* toString(BackupKind kind);
// How many of each kind are kept by default: 7 daily, 4 weekly, 12 monthly.
int defaultRetention(BackupKind kind);

enum class BackupError { kSource, kWrite, kIntegrity, kNotFound, kSystemRunning };

struct BackupReport {
  std::filesystem::path folder;
  std::vector<std::string> files;
  std::vector<std::filesystem::path> removed;   // older backups dropped by retention
};

// Backs up every database in db_dir into backups_dir/<kind>/<timestamp>/, verifies each copy and
// then keeps only the newest `keep` complete backups of that kind.
Result<BackupReport, BackupError> backupAll(const std::filesystem::path& db_dir, const std::filesystem::path& backups_dir,
                                            BackupKind kind, int keep);

// Complete backups of a kind, newest first.
std::vector<std::filesystem::path> listBackups(const std::filesystem::path& backups_dir, BackupKind kind);

// Age of the newest complete backup of a kind, or nothing if there is none.
std::optional<std::chrono::system_clock::duration> newestBackupAge(const std::filesystem::path& backups_dir, BackupKind kind);

// PRAGMA integrity_check of one file: "ok" or what SQLite reports.
std::string integrityCheck(const std::filesystem::path& database);

// Replaces db_dir's databases with those of a complete backup folder, after checking each. The
// caller makes sure nothing is running (rrr-db restore refuses while a supervisor runs).
Status<BackupError> restoreBackup(const std::filesystem::path& backup_folder, const std::filesystem::path& db_dir);

}  // namespace rrr::store
