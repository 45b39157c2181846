#pragma once
// OHLCV files into rows for BarValidator. A file that cannot be read at all is an error naming the
// file and where; a row that cannot be parsed comes back with parse_error set (and its place), so
// that it is counted and logged like any other rejected row. No byte sequence crashes a reader.
//
//   freqtrade JSON candles: [[ts_ms, open, high, low, close, volume], ...]
//   Binance kline CSV (public data): open_time, open, high, low, close, volume, close_time,
//     quote_volume, trades, ... ; open_time in ms, or in us in files from 2025 on (told apart by
//     magnitude); a header line, if any, is skipped.
// Either may be gzip-compressed (x.json.gz, x.csv.gz), read directly.

#include <filesystem>
#include <vector>

#include "common/result.h"
#include "ingest/bar_validation.h"

namespace rrr::ingest {

enum class OhlcvFormat { kFreqtradeJson, kBinanceKlineCsv };
enum class ReadError { kUnreadable, kUnknownFormat, kSyntax };

// By extension: .json -> freqtrade candles, .csv -> Binance klines (a .gz after either is allowed).
Result<OhlcvFormat, ReadError> formatOf(const std::filesystem::path& path);

Result<std::vector<OhlcvRow>, ReadError> readOhlcvFile(const std::filesystem::path& path, OhlcvFormat format);

// Nanoseconds from a Binance open time in milliseconds or (2025 on) microseconds.
std::int64_t binanceTimeToNs(std::int64_t value);

}  // namespace rrr::ingest
