#pragma once
// An OHLCV file as a plain series of bars for analysis and training (rrr-features, rrr-train):
// the file's rows in order, as doubles. A row that cannot be parsed is an error naming its place,
// not a silent gap in the series.

#include <string>
#include <vector>

#include "common/result.h"
#include "features/indicators.h"

namespace rrr::ingest {

struct OhlcvFileOptions {
  std::string path;
  std::string format;                    // binance_klines, freqtrade_candles, csv; empty: guessed by name
  std::string time_column = "timestamp"; // csv
  std::string time_unit = "auto";        // csv: auto, s, ms, us, ns, datetime
};

Result<std::vector<features::Ohlcv>, std::string> readOhlcvFile(const OhlcvFileOptions& options);

}  // namespace rrr::ingest
