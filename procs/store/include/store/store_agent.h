#pragma once
// rrr-store: the only SQLite writer. A durable consumer of every durable ring; Bars go into the
// monthly market-data shard of their open time, everything else into trading.db
// (store/store_files.h). Writes are batched (at most kMaxBatchRows rows or kMaxBatchDelay old);
// each database's transaction also records, in its own stream_cursors table, the last ring
// sequence whose rows it holds, and the ring cursors are released only after every COMMIT. A kill
// at any instant therefore loses nothing and writes nothing twice; on restart each ring resumes
// after the newest cursor stored for its current ring instance. A batch never spans two shards
// (a bar of another month commits the batch first), because SQLite in WAL mode does not make a
// transaction over several files atomic as a whole.
//
// Faults (disk full, a corrupt or locked file, a schema newer than this binary) never crash the
// store and never lose data: the open transactions are rolled back, every ring is rewound to its
// committed cursor (the rings keep holding the data; producers see back-pressure once a ring
// fills), an Alert goes out on the tap, the heartbeat says Degraded, and the store retries with
// backoff (1 s doubling to 30 s), reopening the files, until writing works again.

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "common/process/streams.h"
#include "store/audit_log.h"
#include "store/backup_scheduler.h"
#include "store/sqlite.h"
#include "store/store_files.h"

namespace rrr::store {

// The rings rrr-store reads, each as the durable consumer "store"; every one must exist.
inline constexpr std::array<const char*, 6> kStoredRings = {"md", "pred", "intent", "decision", "exec", "system"};

inline constexpr int kMaxBatchRows = 20000;
inline constexpr auto kMaxBatchDelay = std::chrono::milliseconds(60);
// Rows taken per doWork(): the runtime heartbeats between turns, so a catch-up of thousands of
// rows (a full ring after a restart or a fault) must not be one turn, or on a slow machine the
// supervisor's watchdog kills the store before its first COMMIT, over and over. A batch stays
// open across turns.
inline constexpr int kMaxRowsPerTurn = 256;

class StoreAgent : public process::Agent {
 public:
  static std::unique_ptr<StoreAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;
  std::vector<process::RingLagReport> ringLags() const override;
  void onStop() override;
  bool degraded() const override { return fault_.has_value(); }
  std::string degradedReason() const override { return fault_.value_or(""); }

  struct Stream {
    std::string ring;
    process::InputStream input;
    std::int64_t instance;
    std::optional<std::uint64_t> batch_last;   // last sequence written in the open transactions
  };

 private:
  StoreAgent(process::ProcessRuntime& runtime, std::vector<Stream> streams, std::unique_ptr<BackupScheduler> backups);
  // Opens (or reopens) the files and moves each ring past what they already hold.
  bool openDatabases();
  bool write(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence);
  bool writeBar(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence);
  bool writeTrading(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence);
  bool commitBatch();
  // Abandons the batch and the connections, rewinds the rings, alerts, schedules a retry.
  void fault(const std::string& what);
  void recovered();
  void alert(msg::Severity severity, const std::string& text);

  process::ProcessRuntime* runtime_;
  std::filesystem::path db_dir_;
  std::optional<Database> trading_;
  std::optional<AuditLog> audit_;        // reloaded with trading_, so a rollback leaves it right
  std::optional<MarketShards> shards_;
  std::vector<Stream> streams_;
  std::optional<std::string> fault_;
  bool retrying_ = false;   // files reopened after a fault; degraded until a batch commits
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::milliseconds retry_delay_{1000};
  Database* shard_ = nullptr;          // the shard of the open market transaction, if any
  bool trading_open_ = false;
  int batch_rows_ = 0;
  std::chrono::steady_clock::time_point batch_started_;
  std::unique_ptr<BackupScheduler> backups_;
};

}  // namespace rrr::store
