#pragma once
// The parser of each format, on text in memory (market_file.cpp picks one).

#include <nlohmann/json.hpp>

#include <string_view>

#include "ingest/market_file.h"

namespace rrr::ingest::parsers {

MarketFile binanceKlines(std::string_view text, RowNaming naming);
MarketFile binanceAggTrades(std::string_view text, RowNaming naming);
Result<MarketFile, ReadError> freqtradeCandles(std::string_view text, RowNaming naming);
Result<MarketFile, ReadError> freqtradeTrades(std::string_view text, RowNaming naming);
Result<MarketFile, ReadError> mappedCsv(std::string_view text, const CsvMapping& mapping, RowNaming naming);

// Shared field helpers.
std::optional<std::int64_t> integerField(std::string_view text);   // the whole text, or nullopt
// A JSON number as fixed point; NaN is noted in nan (and gives 0); not a finite number in range: nullopt.
std::optional<std::int64_t> fixedFromJson(const nlohmann::json& value, bool& nan);
// The text as a JSON array, or an error naming the source and what it should hold ("candles").
Result<nlohmann::json, ReadError> jsonArray(std::string_view text, const std::string& source, const char* what);

// A price or volume field: fixed point, or NaN noted (nan_price) so that validation names it.
std::optional<std::int64_t> priceField(std::string_view text, bool& nan);
// Logs a trade that cannot be used, with its place, and counts it.
void rejectTrade(MarketFile& file, std::uint64_t line, std::string_view why);

}  // namespace rrr::ingest::parsers
