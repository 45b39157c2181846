#include "store/bar_import.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

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
  statement.bind(1, std::string_view(symbol)).bind(2, interval_s);   // bindings outlive each run's reset
  for (const auto& bar : bars) {
    auto status = statement.bind(3, bar.open_time_ns).bind(4, bar.open_e8).bind(5, bar.high_e8).bind(6, bar.low_e8).bind(7, bar.close_e8)
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
  // The monthly runs, their files opened here (MarketShards is single-threaded).
  struct Run {
    Database* shard;
    std::span<const BarRecord> bars;
    ImportCount count;
    std::optional<std::string> error;
  };
  std::vector<Run> runs;
  for (std::size_t begin = 0; begin < bars.size();) {
    auto shard = shards.shardFor(bars[begin].open_time_ns);
    if (!shard.ok()) return makeError(shard.error().message);
    const auto month_end = nextMonthStartNs(bars[begin].open_time_ns);
    const auto end = static_cast<std::size_t>(
        std::partition_point(bars.begin() + static_cast<std::ptrdiff_t>(begin), bars.end(),
                             [&](const BarRecord& bar) { return bar.open_time_ns < month_end; }) - bars.begin());
    runs.push_back({shard.value(), bars.subspan(begin, end - begin), {}, std::nullopt});
    begin = end;
  }
  // Each monthly file has its own connection and lock, so runs of different months are written
  // in parallel, one thread per core: SQLite's insert path is CPU-bound.
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < runs.size();) {
      auto& run = runs[i];
      if (auto status = writeRun(*run.shard, symbol, interval_s, run.bars, run.count); !status.ok()) run.error = status.error().message;
    }
  };
  const auto threads = std::min<std::size_t>(runs.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::jthread> workers;
  for (std::size_t t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  workers.clear();
  ImportCount total;
  for (const auto& run : runs) {
    if (run.error) return makeError(*run.error);
    total.added += run.count.added;
    total.present += run.count.present;
  }
  return total;
}

}  // namespace rrr::store
