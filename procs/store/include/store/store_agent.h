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

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "common/process/streams.h"
#include "store/sqlite.h"
#include "store/store_files.h"

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

  struct Stream {
    std::string ring;
    process::InputStream input;
    std::int64_t instance;
    std::optional<std::uint64_t> batch_last;   // last sequence written in the open transactions
  };

 private:
  StoreAgent(Database trading, MarketShards shards, std::vector<Stream> streams);
  bool write(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence);
  void writeBar(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence);
  void writeTrading(Stream& stream, const msg::Envelope& envelope, std::uint64_t sequence);
  void beginShard(Database* shard);
  void commitBatch();
  [[noreturn]] void failed(const std::string& what);

  Database trading_;
  MarketShards shards_;
  std::vector<Stream> streams_;
  Database* shard_ = nullptr;          // the shard of the open market transaction, if any
  bool trading_open_ = false;
  int batch_rows_ = 0;
  std::chrono::steady_clock::time_point batch_started_;
};

}  // namespace rrr::store
