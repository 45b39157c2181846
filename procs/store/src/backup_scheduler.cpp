#include "store/backup_scheduler.h"

#include <spdlog/spdlog.h>

namespace rrr::store {
namespace {

std::chrono::hours period(BackupKind kind) {
  switch (kind) {
    case BackupKind::kDaily: return std::chrono::hours(24);
    case BackupKind::kWeekly: return std::chrono::hours(24 * 7);
    case BackupKind::kMonthly: return std::chrono::hours(24 * 30);
  }
  return std::chrono::hours(24);
}

}  // namespace

BackupScheduler::BackupScheduler(std::filesystem::path db_dir, std::filesystem::path backups_dir, BackupRetention retention,
                                 std::chrono::seconds check_every)
    : db_dir_(std::move(db_dir)), backups_dir_(std::move(backups_dir)), retention_(retention), check_every_(check_every) {}

BackupScheduler::~BackupScheduler() {
  if (worker_.joinable()) worker_.join();
}

void BackupScheduler::poll(std::chrono::steady_clock::time_point now) {
  if (now < next_check_ || busy_.load()) return;
  next_check_ = now + check_every_;
  std::vector<BackupKind> due;
  for (auto kind : {BackupKind::kDaily, BackupKind::kWeekly, BackupKind::kMonthly}) {
    const int keep = kind == BackupKind::kDaily ? retention_.daily : kind == BackupKind::kWeekly ? retention_.weekly : retention_.monthly;
    if (keep <= 0) continue;
    const auto age = newestBackupAge(backups_dir_, kind);
    if (!age || *age >= period(kind)) due.push_back(kind);
  }
  if (due.empty()) return;
  if (worker_.joinable()) worker_.join();
  busy_.store(true);
  worker_ = std::thread([this, due] { runDue(due); });
}

void BackupScheduler::runDue(std::vector<BackupKind> kinds) {
  for (auto kind : kinds) {
    const int keep = kind == BackupKind::kDaily ? retention_.daily : kind == BackupKind::kWeekly ? retention_.weekly : retention_.monthly;
    auto report = backupAll(db_dir_, backups_dir_, kind, keep);
    if (report.ok()) {
      ++completed_;
      spdlog::info("{} backup of {} databases in {}", toString(kind), report->files.size(), report->folder.string());
    } else {
      ++failed_;
      spdlog::error("{} backup failed: {}", toString(kind), report.error().message);
    }
  }
  busy_.store(false);
}

}  // namespace rrr::store
