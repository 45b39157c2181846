#pragma once
// Reading bars across the monthly shards through one call: the range is split by month and each
// shard that exists is read in turn, read-only, in open-time order.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/sqlite.h"

namespace rrr::store {

struct StoredBar {
  std::string symbol;
  std::int64_t interval_s, open_time_ns, open_e8, high_e8, low_e8, close_e8, volume_e8, quote_volume_e8, trade_count;
};

// Bars of symbol and interval with from_ns <= open time < to_ns, oldest first.
Result<std::vector<StoredBar>, SqlError> readBars(const std::filesystem::path& db_dir, const std::string& symbol,
                                                  std::int64_t interval_s, std::int64_t from_ns, std::int64_t to_ns);

// The bar of symbol and interval with the latest open time in any shard, if there is one.
Result<std::optional<StoredBar>, SqlError> lastStoredBar(const std::filesystem::path& db_dir, const std::string& symbol,
                                                         std::int64_t interval_s);

}  // namespace rrr::store
