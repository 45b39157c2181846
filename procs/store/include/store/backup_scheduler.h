#pragma once
// Scheduled backups for rrr-store: daily, weekly and monthly (store/backups.h), each taken when
// the newest complete one of its kind is older than a day, 7 days or 30 days, with retention
// (settings: backups.daily / weekly / monthly, default 7 / 4 / 12; 0 disables a kind).
//
// A backup runs on its own thread with its own read-only connections (a WAL snapshot), so the
// store's writing, and through back-pressure the producers, never wait for it.
// Thread safety: poll() and the destructor from the store's thread only.

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/backups.h"

namespace rrr::store {

struct BackupRetention {
  int daily = defaultRetention(BackupKind::kDaily);
  int weekly = defaultRetention(BackupKind::kWeekly);
  int monthly = defaultRetention(BackupKind::kMonthly);
};

class BackupScheduler {
 public:
  BackupScheduler(std::filesystem::path db_dir, std::filesystem::path backups_dir, BackupRetention retention,
                  std::chrono::seconds check_every);
  ~BackupScheduler();
  BackupScheduler(const BackupScheduler&) = delete;
  BackupScheduler& operator=(const BackupScheduler&) = delete;

  // Starts the backups that are due, unless one is still running. Cheap when nothing is due.
  void poll(std::chrono::steady_clock::time_point now);
  // Completed and failed backups so far (for heartbeats and tests).
  int completed() const { return completed_.load(); }
  int failed() const { return failed_.load(); }

 private:
  void runDue(std::vector<BackupKind> kinds);

  std::filesystem::path db_dir_;
  std::filesystem::path backups_dir_;
  BackupRetention retention_;
  std::chrono::seconds check_every_;
  std::chrono::steady_clock::time_point next_check_{};
  std::thread worker_;
  std::atomic<bool> busy_{false};
  std::atomic<int> completed_{0};
  std::atomic<int> failed_{0};
};

}  // namespace rrr::store
