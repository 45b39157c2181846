#pragma once
// rrr-store (walking skeleton): the only SQLite writer. A durable consumer of every durable ring;
// writes their messages into data/db/trading.db in batched transactions (at most kMaxBatchRows
// rows or kMaxBatchDelay old), and commits each ring's cursor in the same transaction as its rows.
// The ring cursors are published only after the SQL commit, so a kill at any instant loses
// nothing and writes nothing twice: on restart each ring is resumed after the cursor stored in
// the database (for the same ring instance).
//
// Migrations, shards, backups and the full schema come with the store issue.

#include <chrono>
#include <memory>
#include <vector>

#include "common/process/streams.h"
#include "store/sqlite.h"

namespace rrr::store {

inline constexpr int kMaxBatchRows = 2000;
inline constexpr auto kMaxBatchDelay = std::chrono::milliseconds(50);

class StoreAgent : public process::Agent {
 public:
  static std::unique_ptr<StoreAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;
  std::vector<process::RingLagReport> ringLags() const override;
  void onStop() override;

  struct Statements {
    Statement bar, prediction, intent, decision, cursor;
  };

 private:
  struct Stream {
    std::string ring;
    process::InputStream input;
    std::int64_t instance;
    std::optional<std::uint64_t> batch_last;   // last sequence written in the open transaction
  };
  StoreAgent(Database db, Statements statements, std::vector<Stream> streams);
  bool write(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence);
  void commitBatch();
  [[noreturn]] void failed(const std::string& what);

  Database db_;
  Statements statements_;
  std::vector<Stream> streams_;
  int batch_rows_ = 0;
  std::chrono::steady_clock::time_point batch_started_;
};

}  // namespace rrr::store
