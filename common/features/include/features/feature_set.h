#pragma once
// The model inputs computed from bars, one code path for training, inference and backtests:
// FeatureStream takes one bar at a time; computeBatch() runs a fresh FeatureStream over a series,
// so a row of a batch is exactly what streaming gives at that bar. A row exists once every
// feature has enough history (warm-up); until then update() returns nothing.
//
// Feature names (TA-Lib seeding for the indicators):
//   ret:N           log return over N bars, ln(close / close N bars ago)
//   rvol:N          realized volatility: sample std. dev. of the last N one-bar log returns
//   rsi:N           RSI / 100 - 0.5
//   macd:F,S,G      MACD histogram / close
//   bbpctb:N,K      Bollinger %B (SMA N, K population std. devs.)
//   atr:N           ATR / close
//   ema_dist:N      close / EMA(N) - 1
//   sma_dist:N      close / SMA(N) - 1
//   volz:N          volume z-score over the last N bars (0 when volume is constant)
//   tod_sin, tod_cos  time of day of the bar's open (UTC) on the unit circle

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "features/indicators.h"

namespace rrr::features {

class Feature {
 public:
  virtual ~Feature() = default;
  virtual std::optional<double> update(const Ohlcv& bar) = 0;
  // An independent copy of the state: updating it leaves this one as it is.
  virtual std::unique_ptr<Feature> clone() const = 0;
};

// Implements clone() for a feature whose state copies as a value.
template <class Derived>
class CopyableFeature : public Feature {
 public:
  std::unique_ptr<Feature> clone() const override { return std::make_unique<Derived>(static_cast<const Derived&>(*this)); }
};

// The built-in default's features.
std::vector<std::string> defaultFeatureNames();

// Parses one name; an error names it and what is wrong.
Result<std::unique_ptr<Feature>, std::string> makeFeature(const std::string& name);

class FeatureStream {
 public:
  static Result<FeatureStream, std::string> create(const std::vector<std::string>& names);

  // A copy continues from the same state independently (rrr-infer rehearses a bar on one).
  FeatureStream(const FeatureStream& other);
  FeatureStream& operator=(const FeatureStream& other);
  FeatureStream(FeatureStream&&) = default;
  FeatureStream& operator=(FeatureStream&&) = default;

  // The feature row at this bar, once every feature is warm.
  std::optional<std::vector<double>> update(const Ohlcv& bar);
  const std::vector<std::string>& names() const { return names_; }
  std::size_t width() const { return names_.size(); }

 private:
  FeatureStream() = default;

  std::vector<std::string> names_;
  std::vector<std::unique_ptr<Feature>> features_;
  std::vector<double> row_;
};

// One entry per bar: the row streaming would give there, or nothing during warm-up.
Result<std::vector<std::optional<std::vector<double>>>, std::string> computeBatch(const std::vector<std::string>& names,
                                                                                  const std::vector<Ohlcv>& bars);

}  // namespace rrr::features
