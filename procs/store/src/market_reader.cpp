#include "store/market_reader.h"

#include <ctime>
#include <set>

#include "store/store_files.h"

namespace rrr::store {
namespace {

// The first instant of the month after the one holding time_ns.
std::int64_t nextMonthStart(std::int64_t time_ns) {
  std::time_t seconds = static_cast<std::time_t>(time_ns / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  utc.tm_mday = 1;
  utc.tm_hour = utc.tm_min = utc.tm_sec = 0;
  utc.tm_mon += 1;
  return static_cast<std::int64_t>(timegm(&utc)) * 1'000'000'000;
}

constexpr const char* kBarColumns =
    "SELECT symbol, interval_s, open_time_ns, open_e8, high_e8, low_e8, close_e8, volume_e8, quote_volume_e8, trade_count "
    "FROM market_data ";

StoredBar barAt(const Statement& row) {
  return StoredBar{row.columnText(0), row.columnInt(1), row.columnInt(2), row.columnInt(3), row.columnInt(4),
                   row.columnInt(5),  row.columnInt(6), row.columnInt(7), row.columnInt(8), row.columnInt(9)};
}

// A failure while reading a shard, naming the shard.
Error<SqlError> inShard(const std::filesystem::path& path, const Error<SqlError>& error) {
  return makeError(error.code, path.string() + ": " + error.message);
}

}  // namespace

Result<std::vector<StoredBar>, SqlError> readBars(const std::filesystem::path& db_dir, const std::string& symbol,
                                                  std::int64_t interval_s, std::int64_t from_ns, std::int64_t to_ns) {
  std::vector<StoredBar> bars;
  for (std::int64_t month = from_ns; month < to_ns; month = nextMonthStart(month)) {
    const auto path = db_dir / shardFileName(month);
    if (!std::filesystem::exists(path)) continue;
    RRR_ASSIGN_OR_RETURN(auto db, Database::openReadOnly(path));
    RRR_ASSIGN_OR_RETURN(auto select, db.prepare(std::string(kBarColumns) +
                                                 "WHERE symbol = ? AND interval_s = ? AND open_time_ns >= ? AND open_time_ns < ? "
                                                 "ORDER BY open_time_ns"));
    select.bind(1, symbol).bind(2, interval_s).bind(3, from_ns).bind(4, to_ns);
    for (;;) {
      auto row = select.step();
      // A shard that fails part way (damaged, unreadable) is an error, never a shorter history.
      if (!row.ok()) return inShard(path, row.error());
      if (!row.value()) break;
      bars.push_back(barAt(select));
    }
  }
  return bars;
}

// Newest shard first: the first one holding a bar of the series holds its last.
Result<std::optional<StoredBar>, SqlError> lastStoredBar(const std::filesystem::path& db_dir, const std::string& symbol,
                                                         std::int64_t interval_s) {
  const auto shards = MarketShards(db_dir).files();
  for (auto path = shards.rbegin(); path != shards.rend(); ++path) {
    RRR_ASSIGN_OR_RETURN(auto db, Database::openReadOnly(*path));
    RRR_ASSIGN_OR_RETURN(auto select, db.prepare(std::string(kBarColumns) +
                                                 "WHERE symbol = ? AND interval_s = ? ORDER BY open_time_ns DESC LIMIT 1"));
    select.bind(1, symbol).bind(2, interval_s);
    const auto found = select.step();
    if (!found.ok()) return inShard(*path, found.error());
    if (found.value()) return std::optional<StoredBar>(barAt(select));
  }
  return std::optional<StoredBar>();
}

}  // namespace rrr::store
