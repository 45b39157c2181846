#include "ingest/ohlcv_file.h"

#include "ingest/market_file.h"

namespace rrr::ingest {

Result<std::vector<features::Ohlcv>, std::string> readOhlcvFile(const OhlcvFileOptions& options) {
  MarketFileSpec spec{options.path};
  if (options.format.empty()) {
    const auto guessed = guessFormat(options.path);
    if (!guessed.ok()) return makeError(guessed.error().message + " (name the format)");
    spec.format = *guessed;
  } else if (const auto format = formatFromName(options.format)) {
    spec.format = *format;
  } else {
    return makeError("format " + options.format + ": unknown (binance_klines, freqtrade_candles, csv)");
  }
  if (spec.format == FileFormat::kCsv) {
    const auto unit = timeUnitFromName(options.time_unit);
    if (!unit) return makeError("time unit " + options.time_unit + ": unknown (auto, s, ms, us, ns, datetime)");
    spec.csv.time_unit = *unit;
    spec.csv.columns = {{"time", options.time_column}, {"open", "open"}, {"high", "high"},
                        {"low", "low"},                {"close", "close"}, {"volume", "volume"}};
  }
  if (spec.kind() != FileKind::kBars) return makeError(options.path + " holds trades, not bars");
  const auto file = readMarketFile(spec);
  if (!file.ok()) return makeError(file.error().message);
  std::vector<features::Ohlcv> bars;
  bars.reserve(file->bars.size());
  for (const auto& row : file->bars) {
    if (row.parse_error) return makeError(file->naming.place(row.line) + ": " + *row.parse_error);
    const auto real = [](std::int64_t e8) { return static_cast<double>(e8) / 1e8; };
    bars.push_back({row.open_time_ns, real(row.open_e8), real(row.high_e8), real(row.low_e8), real(row.close_e8), real(row.volume_e8)});
  }
  return bars;
}

}  // namespace rrr::ingest
