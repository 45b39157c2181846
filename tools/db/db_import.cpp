#include <cstdio>

#include "../../supervisor/src/run_lock.h"
#include "db_commands.h"
#include "ingest/bar_validation.h"
#include "ingest/bar_aggregator.h"
#include "ingest/ohlcv_readers.h"
#include "ingest/trade_readers.h"
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

// Trades aggregated into bars of the interval (the one aggregation ingest uses), as rows for the
// validator. Notes what was skipped on the way.
Result<std::vector<ingest::OhlcvRow>, ingest::ReadError> barsFromTrades(const std::filesystem::path& file, long long interval_s,
                                                                         std::string& notes) {
  RRR_ASSIGN_OR_RETURN(auto trades, ingest::readTradeFile(file));
  ingest::BarAggregator aggregator(interval_s * 1'000'000'000);
  std::vector<ingest::AggregatedBar> bars;
  for (const auto& trade : trades.trades) {
    if (auto closed = aggregator.addTrade(trade)) bars.push_back(*closed);
  }
  if (auto last = aggregator.flush()) bars.push_back(*last);
  notes = std::to_string(trades.trades.size()) + " trades (" + std::to_string(trades.rejected) + " unusable, " +
          std::to_string(aggregator.late()) + " late) into bars: ";
  std::vector<ingest::OhlcvRow> rows;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& bar = bars[i];
    ingest::OhlcvRow row;
    row.place = file.string() + ": bar " + std::to_string(i + 1);
    row.open_time_ns = bar.open_time_ns;
    row.open_e8 = bar.open_e8;
    row.high_e8 = bar.high_e8;
    row.low_e8 = bar.low_e8;
    row.close_e8 = bar.close_e8;
    row.volume_e8 = bar.volume_e8;
    row.quote_volume_e8 = bar.quote_volume_e8;
    row.trade_count = bar.trade_count;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

int importCommand(const DbPaths& paths, const std::vector<std::filesystem::path>& files, const std::string& symbol,
                  long long interval_s, bool trades) {
  if (const pid_t pid = supervisor::RunLock::runningSupervisor(paths.run_dir); pid != 0) {
    std::fprintf(stderr, "rrr-db: rrr is running (pid %d) and rrr-store is then the only writer; `rrr-supervisor stop` first\n", pid);
    return 1;
  }
  store::MarketShards shards(paths.db_dir);
  int failures = 0;
  for (const auto& file : files) {
    std::string notes;
    auto format = ingest::formatOf(file);
    auto rows = trades ? barsFromTrades(file, interval_s, notes)
                       : format.ok() ? ingest::readOhlcvFile(file, format.value()) : format.error();
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
    std::printf("%s: %s%s; %llu new, %llu already present\n", file.c_str(), notes.c_str(), validator.summary().describe().c_str(),
                static_cast<unsigned long long>(written->added), static_cast<unsigned long long>(written->present));
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace rrr::db
