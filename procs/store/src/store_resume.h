#pragma once
// Where each ring resumes when the store starts: after the newest cursor stored for the ring's
// current instance, in trading.db or (for md) in any market-data shard.

#include <optional>
#include <string>

#include "store/store_files.h"

namespace rrr::store {

std::optional<std::uint64_t> storedCursor(Database& db, const std::string& ring, std::int64_t instance);
std::optional<std::uint64_t> storedMarketCursor(const MarketShards& shards, const std::string& ring, std::int64_t instance);

}  // namespace rrr::store
