#include "ingest/market_file.h"

#include <array>
#include <utility>

#include "compressed_text.h"
#include "file_parsers.h"

namespace rrr::ingest {
namespace {

constexpr std::array<std::pair<FileFormat, const char*>, 5> kFormatNames{{
    {FileFormat::kBinanceKlines, "binance_klines"},
    {FileFormat::kBinanceAggTrades, "binance_aggtrades"},
    {FileFormat::kFreqtradeCandles, "freqtrade_candles"},
    {FileFormat::kFreqtradeTrades, "freqtrade_trades"},
    {FileFormat::kCsv, "csv"},
}};

// Microsecond timestamps of today are ~1.7e15; millisecond ones ~1.7e12.
constexpr std::int64_t kMicrosecondThreshold = 100'000'000'000'000;

}  // namespace

std::optional<FileFormat> formatFromName(std::string_view name) {
  for (const auto& [format, text] : kFormatNames) {
    if (name == text) return format;
  }
  return std::nullopt;
}

const char* toString(FileFormat format) {
  for (const auto& [known, text] : kFormatNames) {
    if (known == format) return text;
  }
  return "unknown";
}

std::optional<TimeUnit> timeUnitFromName(std::string_view name) {
  if (name == "auto") return TimeUnit::kAuto;
  if (name == "s") return TimeUnit::kSeconds;
  if (name == "ms") return TimeUnit::kMilliseconds;
  if (name == "us") return TimeUnit::kMicroseconds;
  if (name == "ns") return TimeUnit::kNanoseconds;
  if (name == "datetime") return TimeUnit::kDateTime;
  return std::nullopt;
}

FileKind MarketFileSpec::kind() const {
  switch (format) {
    case FileFormat::kBinanceAggTrades:
    case FileFormat::kFreqtradeTrades: return FileKind::kTrades;
    case FileFormat::kCsv: return csv.kind();
    default: return FileKind::kBars;
  }
}

std::optional<std::int64_t> scaledTimeNs(std::int64_t value, std::int64_t factor) {
  if (value < 0 || value >= kLatestTimeNs / factor) return std::nullopt;
  return value * factor;
}

std::optional<std::int64_t> binanceTimeToNs(std::int64_t value) {
  return scaledTimeNs(value, value >= kMicrosecondThreshold ? 1'000 : 1'000'000);
}

Result<FileFormat, ReadError> guessFormat(const std::filesystem::path& path) {
  const bool packed = path.extension() == ".gz" || path.extension() == ".zip";
  const auto inner = packed ? path.stem() : path.filename();   // "x.json.gz" is read as "x.json"
  const auto name = inner.string();
  // Binance's archives are named BTCUSDT-1m-2024-01.zip and hold BTCUSDT-1m-2024-01.csv.
  const bool zipped_csv = path.extension() == ".zip" && (inner.extension().empty() || inner.extension().string().find_first_not_of(".0123456789") == std::string::npos);
  if (inner.extension() == ".json") {
    return name.find("-trades") != std::string::npos ? FileFormat::kFreqtradeTrades : FileFormat::kFreqtradeCandles;
  }
  if (inner.extension() == ".csv" || zipped_csv) {
    return name.find("aggTrades") != std::string::npos ? FileFormat::kBinanceAggTrades : FileFormat::kBinanceKlines;
  }
  return makeError(ReadError::kUnknownFormat,
                   path.string() + ": cannot tell the format from the name (.json candles, *-trades.json, "
                                   "*aggTrades*.csv, .csv klines, optionally .gz or .zip); name it with a format");
}

Result<MarketFile, ReadError> parseMarketText(std::string_view text, const MarketFileSpec& spec, const std::string& name) {
  RowNaming naming{name, ""};
  switch (spec.format) {
    case FileFormat::kBinanceKlines: return parsers::binanceKlines(text, std::move(naming));
    case FileFormat::kBinanceAggTrades: return parsers::binanceAggTrades(text, std::move(naming));
    case FileFormat::kFreqtradeCandles: return parsers::freqtradeCandles(text, RowNaming{name, "candle"});
    case FileFormat::kFreqtradeTrades: return parsers::freqtradeTrades(text, RowNaming{name, "trade"});
    case FileFormat::kCsv: return parsers::mappedCsv(text, spec.csv, std::move(naming));
  }
  return makeError(ReadError::kUnknownFormat, name + ": unknown format");
}

Result<MarketFile, ReadError> readMarketFile(const MarketFileSpec& spec) {
  RRR_ASSIGN_OR_RETURN(auto text, readCompressedText(spec.path));
  return parseMarketText(text, spec, spec.path.string());
}

}  // namespace rrr::ingest
