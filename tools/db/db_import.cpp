#include <cstdio>

#include "../../supervisor/src/run_lock.h"
#include "db_commands.h"
#include "ingest/bar_validation.h"
#include "ingest/ohlcv_readers.h"
#include "store/store_files.h"

namespace rrr::db {

namespace {

struct Written {
  std::uint64_t added = 0;
  std::uint64_t present = 0;
};

// One transaction per monthly file touched; a row already there (same symbol, interval, open
// time) is left as it is, which makes importing the same file twice a no-op.
Result<Written, std::string> writeRows(store::MarketShards& shards, const std::vector<ingest::OhlcvRow>& rows,
                                       const std::string& symbol, long long interval_s) {
  Written written;
  store::Database* open = nullptr;
  const auto commit = [&]() -> Status<std::string> {
    if (open != nullptr && !open->exec("COMMIT").ok()) return makeError(std::string("commit"), std::string("COMMIT failed"));
    open = nullptr;
    return {};
  };
  for (const auto& row : rows) {
    auto shard = shards.shardFor(row.open_time_ns);
    if (!shard.ok()) return makeError(std::string("open"), shard.error().message);
    if (shard.value() != open) {
      RRR_RETURN_IF_ERROR(commit());
      if (auto status = shard.value()->exec("BEGIN IMMEDIATE"); !status.ok()) return makeError(std::string("begin"), status.error().message);
      open = shard.value();
    }
    auto insert = open->cached("INSERT INTO market_data VALUES (?,?,?,?,?,?,?,?,?,?,NULL,NULL) ON CONFLICT DO NOTHING");
    if (!insert.ok()) return makeError(std::string("prepare"), insert.error().message);
    auto status = insert.value()->bind(1, symbol).bind(2, static_cast<std::int64_t>(interval_s)).bind(3, row.open_time_ns)
                      .bind(4, row.open_e8).bind(5, row.high_e8).bind(6, row.low_e8).bind(7, row.close_e8)
                      .bind(8, row.volume_e8).bind(9, row.quote_volume_e8).bind(10, static_cast<std::int64_t>(row.trade_count)).run();
    if (!status.ok()) return makeError(std::string("insert"), row.place + ": " + status.error().message);
    ++(open->changes() > 0 ? written.added : written.present);
  }
  RRR_RETURN_IF_ERROR(commit());
  return written;
}

}  // namespace

int importCommand(const DbPaths& paths, const std::vector<std::filesystem::path>& files, const std::string& symbol,
                  long long interval_s) {
  if (const pid_t pid = supervisor::RunLock::runningSupervisor(paths.run_dir); pid != 0) {
    std::fprintf(stderr, "rrr-db: rrr is running (pid %d) and rrr-store is then the only writer; `rrr-supervisor stop` first\n", pid);
    return 1;
  }
  store::MarketShards shards(paths.db_dir);
  int failures = 0;
  for (const auto& file : files) {
    auto format = ingest::formatOf(file);
    auto rows = format.ok() ? ingest::readOhlcvFile(file, format.value()) : format.error();
    if (!rows.ok()) {
      std::fprintf(stderr, "rrr-db: %s\n", rows.error().message.c_str());
      ++failures;
      continue;
    }
    ingest::BarValidator validator(interval_s);
    std::vector<ingest::OhlcvRow> accepted;
    for (const auto& row : rows.value()) {
      if (validator.accept(row)) accepted.push_back(row);
    }
    auto written = writeRows(shards, accepted, symbol, interval_s);
    if (!written.ok()) {
      std::fprintf(stderr, "rrr-db: %s: %s\n", file.c_str(), written.error().message.c_str());
      ++failures;
      continue;
    }
    std::printf("%s: %s; %llu new, %llu already present\n", file.c_str(), validator.summary().describe().c_str(),
                static_cast<unsigned long long>(written->added), static_cast<unsigned long long>(written->present));
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace rrr::db
