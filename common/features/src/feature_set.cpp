#include "features/feature_set.h"

#include <cmath>
#include <deque>
#include <numbers>

#include "parameter_list.h"

namespace rrr::features {
namespace {

class LogReturn : public CopyableFeature<LogReturn> {
 public:
  explicit LogReturn(std::size_t horizon) : horizon_(horizon) {}
  std::optional<double> update(const Ohlcv& bar) override {
    closes_.push_back(bar.close);
    if (closes_.size() <= horizon_) return std::nullopt;
    const double past = closes_.front();
    closes_.pop_front();
    if (past <= 0 || bar.close <= 0) return std::nullopt;
    return std::log(bar.close / past);
  }

 private:
  std::size_t horizon_;
  std::deque<double> closes_;
};

class RealizedVolatility : public CopyableFeature<RealizedVolatility> {
 public:
  explicit RealizedVolatility(std::size_t window) : returns_(window) {}
  std::optional<double> update(const Ohlcv& bar) override {
    const auto r = one_bar_.update(bar);
    if (!r) return std::nullopt;
    returns_.push(*r);
    if (!returns_.full()) return std::nullopt;
    return returns_.sampleStdDev();
  }

 private:
  LogReturn one_bar_{1};
  Window returns_;
};

class RsiFeature : public CopyableFeature<RsiFeature> {
 public:
  explicit RsiFeature(std::size_t period) : rsi_(period) {}
  std::optional<double> update(const Ohlcv& bar) override {
    const auto value = rsi_.update(bar.close);
    if (!value) return std::nullopt;
    return *value / 100.0 - 0.5;
  }

 private:
  Rsi rsi_;
};

class MacdFeature : public CopyableFeature<MacdFeature> {
 public:
  MacdFeature(std::size_t fast, std::size_t slow, std::size_t signal) : macd_(fast, slow, signal, Convention::kTaLib) {}
  std::optional<double> update(const Ohlcv& bar) override {
    const auto value = macd_.update(bar.close);
    if (!value || bar.close <= 0) return std::nullopt;
    return value->histogram / bar.close;
  }

 private:
  Macd macd_;
};

class PercentB : public CopyableFeature<PercentB> {
 public:
  PercentB(std::size_t period, double deviations) : bands_(period, deviations, deviations) {}
  std::optional<double> update(const Ohlcv& bar) override {
    const auto value = bands_.update(bar.close);
    if (!value) return std::nullopt;
    return value->percentB(bar.close);
  }

 private:
  Bollinger bands_;
};

class AtrFeature : public CopyableFeature<AtrFeature> {
 public:
  explicit AtrFeature(std::size_t period) : atr_(period, Convention::kTaLib) {}
  std::optional<double> update(const Ohlcv& bar) override {
    const auto value = atr_.update(bar);
    if (!value || bar.close <= 0) return std::nullopt;
    return *value / bar.close;
  }

 private:
  Atr atr_;
};

template <class Average>
class AverageDistance : public CopyableFeature<AverageDistance<Average>> {
 public:
  explicit AverageDistance(Average average) : average_(std::move(average)) {}
  std::optional<double> update(const Ohlcv& bar) override {
    const auto value = average_.update(bar.close);
    if (!value || *value <= 0) return std::nullopt;
    return bar.close / *value - 1.0;
  }

 private:
  Average average_;
};

class VolumeZScore : public CopyableFeature<VolumeZScore> {
 public:
  explicit VolumeZScore(std::size_t window) : volumes_(window) {}
  std::optional<double> update(const Ohlcv& bar) override {
    volumes_.push(bar.volume);
    if (!volumes_.full()) return std::nullopt;
    const double deviation = volumes_.sampleStdDev();
    return deviation > 0 ? (bar.volume - volumes_.mean()) / deviation : 0.0;
  }

 private:
  Window volumes_;
};

class TimeOfDay : public CopyableFeature<TimeOfDay> {
 public:
  explicit TimeOfDay(bool sine) : sine_(sine) {}
  std::optional<double> update(const Ohlcv& bar) override {
    constexpr std::int64_t kDayNs = 86'400'000'000'000;
    const double phase = 2.0 * std::numbers::pi * static_cast<double>(((bar.open_time_ns % kDayNs) + kDayNs) % kDayNs) /
                         static_cast<double>(kDayNs);
    return sine_ ? std::sin(phase) : std::cos(phase);
  }

 private:
  bool sine_;
};

// Exactly `count` periods.
Result<std::vector<std::size_t>, std::string> periodsOf(const std::string& name, const std::string& list, std::size_t count) {
  const std::string what = "feature '" + name + "'";
  RRR_ASSIGN_OR_RETURN(const auto numbers, parameterList(what, list));
  if (numbers.size() != count) {
    return makeError(what + ": expected " + std::to_string(count) + " parameter(s), got " + std::to_string(numbers.size()));
  }
  std::vector<std::size_t> periods;
  for (const double number : numbers) {
    RRR_ASSIGN_OR_RETURN(const auto period, periodOf(what, number));
    periods.push_back(period);
  }
  return periods;
}

}  // namespace

std::vector<std::string> defaultFeatureNames() {
  return {"ret:1",       "ret:5",      "ret:15",     "ret:60",      "rvol:30", "rsi:14",  "macd:12,26,9",
          "bbpctb:20,2", "atr:14",     "ema_dist:20", "sma_dist:50", "volz:60", "tod_sin", "tod_cos"};
}

Result<std::unique_ptr<Feature>, std::string> makeFeature(const std::string& name) {
  const auto colon = name.find(':');
  const std::string kind = name.substr(0, colon);
  const std::string list = colon == std::string::npos ? "" : name.substr(colon + 1);
  const auto with = [&](std::size_t count) { return periodsOf(name, list, count); };
  if (kind == "tod_sin" || kind == "tod_cos") {
    RRR_ASSIGN_OR_RETURN(const auto none, with(0));
    (void)none;
    return std::unique_ptr<Feature>(std::make_unique<TimeOfDay>(kind == "tod_sin"));
  }
  if (kind == "macd") {
    RRR_ASSIGN_OR_RETURN(const auto p, with(3));
    return std::unique_ptr<Feature>(std::make_unique<MacdFeature>(p[0], p[1], p[2]));
  }
  if (kind == "bbpctb") {
    RRR_ASSIGN_OR_RETURN(const auto p, with(2));
    return std::unique_ptr<Feature>(std::make_unique<PercentB>(p[0], static_cast<double>(p[1])));
  }
  const bool known = kind == "ret" || kind == "rvol" || kind == "rsi" || kind == "atr" || kind == "ema_dist" || kind == "sma_dist" ||
                     kind == "volz";
  if (!known) {
    return makeError("feature '" + name + "' is unknown (known: ret:N, rvol:N, rsi:N, macd:F,S,G, bbpctb:N,K, atr:N, ema_dist:N, " +
                     "sma_dist:N, volz:N, tod_sin, tod_cos)");
  }
  RRR_ASSIGN_OR_RETURN(const auto p, with(1));
  const std::size_t n = p[0];
  if (kind == "ret") return std::unique_ptr<Feature>(std::make_unique<LogReturn>(n));
  if (kind == "rvol") return std::unique_ptr<Feature>(std::make_unique<RealizedVolatility>(n));
  if (kind == "rsi") return std::unique_ptr<Feature>(std::make_unique<RsiFeature>(n));
  if (kind == "atr") return std::unique_ptr<Feature>(std::make_unique<AtrFeature>(n));
  if (kind == "ema_dist") return std::unique_ptr<Feature>(std::make_unique<AverageDistance<Ema>>(Ema(n, Convention::kTaLib)));
  if (kind == "sma_dist") return std::unique_ptr<Feature>(std::make_unique<AverageDistance<Sma>>(Sma(n)));
  return std::unique_ptr<Feature>(std::make_unique<VolumeZScore>(n));
}

Result<FeatureStream, std::string> FeatureStream::create(const std::vector<std::string>& names) {
  if (names.empty()) return makeError(std::string("no features named"));
  FeatureStream stream;
  for (const auto& name : names) {
    RRR_ASSIGN_OR_RETURN(auto feature, makeFeature(name));
    stream.features_.push_back(std::move(feature));
  }
  stream.names_ = names;
  stream.row_.resize(names.size());
  return stream;
}

FeatureStream::FeatureStream(const FeatureStream& other) : names_(other.names_), row_(other.row_) {
  features_.reserve(other.features_.size());
  for (const auto& feature : other.features_) features_.push_back(feature->clone());
}

FeatureStream& FeatureStream::operator=(const FeatureStream& other) {
  if (this != &other) *this = FeatureStream(other);
  return *this;
}

std::optional<std::vector<double>> FeatureStream::update(const Ohlcv& bar) {
  bool warm = true;
  for (std::size_t i = 0; i < features_.size(); ++i) {
    const auto value = features_[i]->update(bar);   // every feature sees every bar
    if (value && std::isfinite(*value)) {
      row_[i] = *value;
    } else {
      warm = false;
    }
  }
  if (!warm) return std::nullopt;
  return row_;
}

Result<std::vector<std::optional<std::vector<double>>>, std::string> computeBatch(const std::vector<std::string>& names,
                                                                                  const std::vector<Ohlcv>& bars) {
  RRR_ASSIGN_OR_RETURN(auto stream, FeatureStream::create(names));
  std::vector<std::optional<std::vector<double>>> rows;
  rows.reserve(bars.size());
  for (const auto& bar : bars) rows.push_back(stream.update(bar));
  return rows;
}

}  // namespace rrr::features
