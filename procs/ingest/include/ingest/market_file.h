#pragma once
// Market data files into rows: bars for BarValidator, trades for BarAggregator. A file that cannot
// be read at all is an error naming the file and why; a row that cannot be used comes back (bars)
// or is logged and counted (trades) with its place, so that nothing is lost without a word. No
// byte sequence crashes a reader.
//
// Formats:
//   binance_klines     Binance public-data kline CSV: open_time, open, high, low, close, volume,
//                      close_time, quote_volume, trades, ...; open_time in ms, or in us in files
//                      from 2025 on (told apart by magnitude); a header line, if any, is skipped.
//   binance_aggtrades  Binance aggTrades CSV: agg_trade_id, price, quantity, first_trade_id,
//                      last_trade_id, transact_time (ms or us), is_buyer_maker, is_best_match.
//   freqtrade_candles  JSON [[ts_ms, open, high, low, close, volume], ...]
//   freqtrade_trades   JSON [[ts_ms, id, order_type, side, price, amount, cost], ...]
//   csv                any CSV, its columns named by a CsvMapping (bars or trades).
// Any of them may be gzip-compressed or the single file of a zip archive, read directly.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ingest/bar_aggregator.h"
#include "ingest/bar_validation.h"

namespace rrr::ingest {

enum class ReadError { kUnreadable, kUnknownFormat, kSyntax, kBadMapping };
enum class FileFormat { kBinanceKlines, kBinanceAggTrades, kFreqtradeCandles, kFreqtradeTrades, kCsv };
enum class FileKind { kBars, kTrades };
// How a CSV's time column is written. kAuto: an integer in s, ms, us or ns, told by magnitude.
enum class TimeUnit { kAuto, kSeconds, kMilliseconds, kMicroseconds, kNanoseconds, kDateTime };

std::optional<FileFormat> formatFromName(std::string_view name);   // "binance_klines", ...
std::optional<TimeUnit> timeUnitFromName(std::string_view name);   // "auto", "s", "ms", "us", "ns", "datetime"
const char* toString(FileFormat format);

struct CsvMapping {
  bool header = true;
  char delimiter = ',';
  TimeUnit time_unit = TimeUnit::kAuto;
  // Field -> column, by header name or by 0-based index ("2"). Bars: time, open, high, low, close,
  // volume (required), quote_volume, trade_count. Trades: time, price, quantity (required),
  // trade_id, side ("buy"/"sell"). A mapping with a price column is a trade file.
  std::map<std::string, std::string> columns;
  FileKind kind() const { return columns.contains("price") ? FileKind::kTrades : FileKind::kBars; }
};

struct MarketFileSpec {
  std::filesystem::path path;
  FileFormat format = FileFormat::kBinanceKlines;
  CsvMapping csv;   // for kCsv
  FileKind kind() const;
};

// The format by the file's name: *aggTrades*.csv, *-trades.json, *.json candles, *.csv klines
// (after taking off .gz or .zip). A generic CSV is never guessed: it needs a mapping.
Result<FileFormat, ReadError> guessFormat(const std::filesystem::path& path);

struct TradeRow {
  TradeTick tick;
  std::uint64_t trade_id = 0;
  std::uint8_t aggressor = 0;   // msg::AggressorSide: 0 unknown, 1 buy, 2 sell
  std::uint64_t line = 0;
};

struct MarketFile {
  FileKind kind = FileKind::kBars;
  RowNaming naming;                // "path" and "line" or "candle", for messages about rows
  std::vector<OhlcvRow> bars;      // kBars: every row, unusable ones with parse_error set
  std::vector<TradeRow> trades;    // kTrades: the usable trades, in file order
  std::uint64_t rejected_trades = 0;
};

Result<MarketFile, ReadError> readMarketFile(const MarketFileSpec& spec);
// The same on text already in memory (`name` names it in messages): what the parse benchmark runs.
Result<MarketFile, ReadError> parseMarketText(std::string_view text, const MarketFileSpec& spec, const std::string& name);

// Times a reader accepts: from 1970 to 2100 (UTC); anything else is a row that cannot be parsed.
// The bound also keeps every later sum (a bar's close time) far from overflowing.
inline constexpr std::int64_t kLatestTimeNs = 4'102'444'800'000'000'000;   // 2100-01-01
// value x factor as nanoseconds, if it lands within [1970, 2100).
std::optional<std::int64_t> scaledTimeNs(std::int64_t value, std::int64_t factor);
// Nanoseconds from a Binance time in milliseconds or (2025 on) microseconds, within [1970, 2100).
std::optional<std::int64_t> binanceTimeToNs(std::int64_t value);

}  // namespace rrr::ingest
