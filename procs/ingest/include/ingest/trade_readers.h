#pragma once
// Trade files into TradeTicks for BarAggregator. Like the OHLCV readers: a file that cannot be read
// is an error naming it; a trade that cannot be parsed, or has a non-positive price or quantity,
// is skipped and counted in `rejected`, and the first few are logged with their place. Either
// format may be gzip-compressed.
//
//   freqtrade trades JSON: [[timestamp_ms, id, order_type, side, price, amount, cost], ...]
//   Binance aggTrades CSV: agg_trade_id, price, quantity, first_trade_id, last_trade_id,
//     transact_time (ms, or us from 2025), is_buyer_maker, is_best_match; a header is skipped.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "common/result.h"
#include "ingest/bar_aggregator.h"
#include "ingest/ohlcv_readers.h"

namespace rrr::ingest {

struct TradeFile {
  std::vector<TradeTick> trades;
  std::uint64_t rejected = 0;
};

Result<TradeFile, ReadError> readTradeFile(const std::filesystem::path& path);

}  // namespace rrr::ingest
