#include "store_resume.h"

#include <algorithm>

namespace rrr::store {

std::optional<std::uint64_t> storedCursor(Database& db, const std::string& ring, std::int64_t instance) {
  auto select = db.prepare("SELECT last_sequence FROM stream_cursors WHERE ring = ? AND ring_instance = ?");
  if (!select.ok()) return std::nullopt;
  select->bind(1, ring).bind(2, instance);
  const auto row = select->step();
  if (!row.ok() || !row.value()) return std::nullopt;
  return static_cast<std::uint64_t>(select->columnInt(0));
}

std::optional<std::uint64_t> storedMarketCursor(const MarketShards& shards, const std::string& ring, std::int64_t instance) {
  std::optional<std::uint64_t> newest;
  for (const auto& file : shards.files()) {
    auto db = Database::open(file);
    if (!db.ok()) continue;
    if (const auto cursor = storedCursor(*db, ring, instance)) newest = std::max(newest.value_or(0), *cursor);
  }
  return newest;
}

}  // namespace rrr::store
