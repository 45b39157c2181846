#include "store/bar_import.h"

#include <algorithm>

namespace rrr::store {
namespace {

constexpr const char* kInsert =
    "INSERT INTO market_data VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, NULL) ON CONFLICT DO NOTHING";

// The bars of one monthly file, in one transaction.
Status<std::string> writeRun(Database& shard, const std::string& symbol, std::int64_t interval_s,
                             std::span<const BarRecord> bars, ImportCount& count) {
  if (auto status = shard.exec("BEGIN IMMEDIATE"); !status.ok()) return makeError("cannot begin: " + status.error().message);
  auto insert = shard.cached(kInsert);
  if (!insert.ok()) {
    (void)shard.exec("ROLLBACK");
    return makeError("cannot prepare the insert: " + insert.error().message);
  }
  auto& statement = *insert.value();
  for (const auto& bar : bars) {
    auto status = statement.bind(1, std::string_view(symbol)).bind(2, interval_s).bind(3, bar.open_time_ns)
                      .bind(4, bar.open_e8).bind(5, bar.high_e8).bind(6, bar.low_e8).bind(7, bar.close_e8)
                      .bind(8, bar.volume_e8).bind(9, bar.quote_volume_e8).bind(10, bar.trade_count).run();
    if (!status.ok()) {
      (void)shard.exec("ROLLBACK");
      return makeError("bar at " + std::to_string(bar.open_time_ns) + ": " + status.error().message);
    }
    ++(shard.changes() > 0 ? count.added : count.present);
  }
  if (auto status = shard.exec("COMMIT"); !status.ok()) {
    (void)shard.exec("ROLLBACK");
    return makeError("cannot commit: " + status.error().message);
  }
  return {};
}

}  // namespace

Result<ImportCount, std::string> importBars(MarketShards& shards, const std::string& symbol, std::int64_t interval_s,
                                            std::span<const BarRecord> bars) {
  ImportCount count;
  std::size_t begin = 0;
  while (begin < bars.size()) {
    auto shard = shards.shardFor(bars[begin].open_time_ns);
    if (!shard.ok()) return makeError(shard.error().message);
    const auto month_end = nextMonthStartNs(bars[begin].open_time_ns);
    const auto end = static_cast<std::size_t>(
        std::partition_point(bars.begin() + static_cast<std::ptrdiff_t>(begin), bars.end(),
                             [&](const BarRecord& bar) { return bar.open_time_ns < month_end; }) - bars.begin());
    RRR_RETURN_IF_ERROR(writeRun(*shard.value(), symbol, interval_s, bars.subspan(begin, end - begin), count));
    begin = end;
  }
  return count;
}

}  // namespace rrr::store
