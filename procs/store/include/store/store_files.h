#pragma once
// The store's database files under data/db/:
//   trading.db                  trading state (orders, fills, positions, models, risk, audit)
//   market_data_YYYY_MM.db      one file of bars per calendar month (UTC) of the bar's open time
//   backtest.db                 backtest results (the trading schema)
//
// PRAGMAs: WAL (readers never block the writer), temp_store=MEMORY, 64 MiB cache, 256 MiB mmap,
// a 250 ms busy timeout (well under the watchdog: a foreign lock becomes a fault the store retries,
// not a hung loop the supervisor kills). synchronous=FULL for trading.db: an order or fill that COMMIT reported must
// survive a power cut, and the store's batching keeps the extra fsync per batch cheap.
// synchronous=NORMAL for market data: a power cut can lose the last batches, which the durable
// rings and the feeds' own history make good again.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/migrations.h"
#include "store/sqlite.h"

namespace rrr::store {

enum class Durability { kFull, kNormal };

enum class StoreError {
  kOpen,          // cannot open or create the file (permissions, corrupt header, ...)
  kNewerSchema,   // written by a newer rrr
  kMigration,     // a migration failed
  kWrite,         // a write or commit failed (disk full, I/O error, lock held elsewhere)
};

// Opens (creating if needed) a store database with its PRAGMAs and migrates it.
Result<Database, StoreError> openStoreDatabase(const std::filesystem::path& path, const std::vector<Migration>& migrations,
                                                Durability durability);

// Every .db file of a folder (data/db or a backup), sorted by name.
std::vector<std::filesystem::path> databaseFiles(const std::filesystem::path& dir);

// trading.db in the databases folder: rrr-store writes it; rrr-risk reads its decisions back.
inline std::filesystem::path tradingDatabase(const std::filesystem::path& db_dir) { return db_dir / "trading.db"; }

// "market_data_2024_01.db" for a time in January 2024 (UTC).
std::string shardFileName(std::int64_t time_ns);

// The start of the calendar month (UTC) after the one of time_ns: where its shard ends.
std::int64_t nextMonthStartNs(std::int64_t time_ns);

// The monthly market-data files, opened on first use and kept open.
class MarketShards {
 public:
  explicit MarketShards(std::filesystem::path db_dir) : db_dir_(std::move(db_dir)) {}

  // The shard holding bars that open at time_ns.
  Result<Database*, StoreError> shardFor(std::int64_t time_ns);
  // Every shard file present, oldest month first.
  std::vector<std::filesystem::path> files() const;

 private:
  std::filesystem::path db_dir_;
  std::map<std::string, std::unique_ptr<Database>> open_;
};

}  // namespace rrr::store
