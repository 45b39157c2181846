#pragma once
// An indicator named on a command line or in a test table, "rsi:14", "macd:12,26,9",
// "bbands:20,2": parsed into a streaming calculator with named output columns.
//
//   sma:N  ema:N  wilders:N  rsi:N  stddev:N[,K]  tr  atr:N  natr:N
//   macd:FAST,SLOW,SIGNAL (columns macd, macd_signal, macd_hist)
//   bbands:N[,K[,KDOWN]]  (columns bbands_lower, bbands_middle, bbands_upper; K defaults to 2)

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "features/indicators.h"

namespace rrr::features {

class IndicatorSpec {
 public:
  // An error names the spec and what is wrong with it.
  static Result<IndicatorSpec, std::string> parse(const std::string& text, Convention convention);

  const std::string& text() const { return text_; }
  const std::vector<std::string>& columns() const { return columns_; }
  // One value per column, empty until the indicator has enough bars.
  std::vector<std::optional<double>> update(const Ohlcv& bar) { return update_(bar); }

 private:
  std::string text_;
  std::vector<std::string> columns_;
  std::function<std::vector<std::optional<double>>(const Ohlcv&)> update_;
};

}  // namespace rrr::features
