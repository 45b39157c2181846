#include "store/store_files.h"

#include <algorithm>
#include <ctime>

namespace rrr::store {

Result<Database, StoreError> openStoreDatabase(const std::filesystem::path& path, const std::vector<Migration>& migrations,
                                                Durability durability) {
  auto db = Database::open(path);
  if (!db.ok()) return makeError(StoreError::kOpen, db.error().message);
  const std::string pragmas = std::string("PRAGMA journal_mode = WAL; PRAGMA synchronous = ") +
                              (durability == Durability::kFull ? "FULL" : "NORMAL") +
                              "; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;" +
                              // Market shards take bulk appends: checkpoint every ~40 MB of WAL, not 4 MB, so a page
                              // that every batch touches is copied back to the file ten times less often.
                              (durability == Durability::kNormal ? " PRAGMA wal_autocheckpoint = 10000;" : "") +
                              // Short: a lock held by another program must not block the store's loop past its
                              // heartbeat; the store's own retry with backoff takes over from here.
                              " PRAGMA busy_timeout = 250;";
  if (auto status = db->exec(pragmas); !status.ok()) {
    return makeError(StoreError::kOpen, path.string() + ": " + status.error().message);
  }
  if (auto status = migrate(*db, path.string(), migrations); !status.ok()) {
    const auto code = status.error().code == MigrationError::kNewerSchema ? StoreError::kNewerSchema : StoreError::kMigration;
    return makeError(code, status.error().message);
  }
  return std::move(db).value();
}

std::vector<std::filesystem::path> databaseFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ignored)) {
    if (entry.path().extension() == ".db") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string shardFileName(std::int64_t time_ns) {
  const std::time_t seconds = static_cast<std::time_t>(time_ns / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char name[40];
  std::snprintf(name, sizeof(name), "market_data_%04d_%02d.db", utc.tm_year + 1900, utc.tm_mon + 1);
  return name;
}

std::int64_t nextMonthStartNs(std::int64_t time_ns) {
  const std::time_t seconds = static_cast<std::time_t>(time_ns / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::tm next{};
  next.tm_year = utc.tm_mon == 11 ? utc.tm_year + 1 : utc.tm_year;
  next.tm_mon = (utc.tm_mon + 1) % 12;
  next.tm_mday = 1;
  return static_cast<std::int64_t>(timegm(&next)) * 1'000'000'000;
}

Result<Database*, StoreError> MarketShards::shardFor(std::int64_t time_ns) {
  const auto name = shardFileName(time_ns);
  if (auto found = open_.find(name); found != open_.end()) return found->second.get();
  auto db = openStoreDatabase(db_dir_ / name, kMarketMigrations, Durability::kNormal);
  if (!db.ok()) return db.error();
  auto& slot = open_[name];
  slot = std::make_unique<Database>(std::move(db).value());
  return slot.get();
}

std::vector<std::filesystem::path> MarketShards::files() const {
  std::vector<std::filesystem::path> files;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(db_dir_, ignored)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("market_data_", 0) == 0 && entry.path().extension() == ".db") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace rrr::store
