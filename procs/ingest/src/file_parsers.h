#pragma once
// The parser of each format, on text in memory (market_file.cpp picks one).

#include <string_view>

#include "ingest/market_file.h"

namespace rrr::ingest::parsers {

MarketFile binanceKlines(std::string_view text, RowNaming naming);
MarketFile binanceAggTrades(std::string_view text, RowNaming naming);
Result<MarketFile, ReadError> freqtradeCandles(std::string_view text, RowNaming naming);
Result<MarketFile, ReadError> freqtradeTrades(std::string_view text, RowNaming naming);
Result<MarketFile, ReadError> mappedCsv(std::string_view text, const CsvMapping& mapping, RowNaming naming);

// A price or volume field: fixed point, or NaN noted (nan_price) so that validation names it.
std::optional<std::int64_t> priceField(std::string_view text, bool& nan);
// Logs a trade that cannot be used, with its place, and counts it.
void rejectTrade(MarketFile& file, std::uint64_t line, std::string_view why);

}  // namespace rrr::ingest::parsers
