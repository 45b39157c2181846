#include "features/indicators.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace rrr::features {

Window::Window(std::size_t period) : values_(std::max<std::size_t>(period, 1)) {}

void Window::push(double value) {
  values_[next_] = value;
  next_ = (next_ + 1) % values_.size();
  if (count_ < values_.size()) ++count_;
}

// Sums are taken afresh over the window (periods are small): no drift over long series.
double Window::mean() const {
  double sum = 0;
  for (std::size_t i = 0; i < count_; ++i) sum += values_[i];
  return count_ > 0 ? sum / static_cast<double>(count_) : 0.0;
}

double Window::populationStdDev() const {
  if (count_ == 0) return 0;
  const double m = mean();
  double squares = 0;
  for (std::size_t i = 0; i < count_; ++i) squares += (values_[i] - m) * (values_[i] - m);
  return std::sqrt(squares / static_cast<double>(count_));
}

double Window::sampleStdDev() const {
  if (count_ < 2) return 0;
  const double m = mean();
  double squares = 0;
  for (std::size_t i = 0; i < count_; ++i) squares += (values_[i] - m) * (values_[i] - m);
  return std::sqrt(squares / static_cast<double>(count_ - 1));
}

std::optional<double> Sma::update(double value) {
  window_.push(value);
  if (!window_.full()) return std::nullopt;
  return window_.mean();
}

Ema::Ema(std::size_t period, Convention convention)
    : period_(std::max<std::size_t>(period, 1)), convention_(convention), k_(2.0 / (static_cast<double>(period_) + 1.0)) {}

std::optional<double> Ema::update(double value) {
  ++count_;
  if (convention_ == Convention::kTulip) {
    value_ = count_ == 1 ? value : value_ + k_ * (value - value_);
    return value_;
  }
  if (count_ < period_) {
    value_ += value;   // the seed's running sum
    return std::nullopt;
  }
  value_ = count_ == period_ ? (value_ + value) / static_cast<double>(period_) : value_ + k_ * (value - value_);
  return value_;
}

std::optional<double> Wilder::update(double value) {
  ++count_;
  if (count_ < period_) {
    value_ += value;
    return std::nullopt;
  }
  value_ = count_ == period_ ? (value_ + value) / static_cast<double>(period_)
                             : value_ + (value - value_) / static_cast<double>(period_);
  return value_;
}

std::optional<double> Rsi::update(double close) {
  const auto previous = std::exchange(previous_, close);
  if (!previous) return std::nullopt;
  const double change = close - *previous;
  const auto gain = gains_.update(std::max(change, 0.0));
  const auto loss = losses_.update(std::max(-change, 0.0));
  if (!gain || !loss) return std::nullopt;
  const double total = *gain + *loss;
  return total > 0 ? 100.0 * *gain / total : 0.0;   // TA-Lib's value for a flat window
}

std::optional<double> TrueRange::update(const Ohlcv& bar) {
  const auto previous = std::exchange(previous_close_, bar.close);
  if (!previous) {
    if (convention_ == Convention::kTaLib) return std::nullopt;
    return bar.high - bar.low;
  }
  return std::max({bar.high - bar.low, std::fabs(bar.high - *previous), std::fabs(bar.low - *previous)});
}

std::optional<double> Atr::update(const Ohlcv& bar) {
  const auto range = range_.update(bar);
  if (!range) return std::nullopt;
  return smooth_.update(*range);
}

std::optional<double> StdDev::update(double value) {
  window_.push(value);
  if (!window_.full()) return std::nullopt;
  return window_.populationStdDev() * deviations_;
}

std::optional<Bands> Bollinger::update(double value) {
  window_.push(value);
  if (!window_.full()) return std::nullopt;
  const double middle = window_.mean();
  const double deviation = window_.populationStdDev();
  return Bands{middle - down_ * deviation, middle, middle + up_ * deviation};
}

Macd::Macd(std::size_t fast, std::size_t slow, std::size_t signal, Convention convention)
    : fast_period_(std::min(fast, slow)),
      slow_period_(std::max(fast, slow)),
      convention_(convention),
      fast_(fast_period_, convention),
      slow_(slow_period_, convention),
      signal_(signal, convention) {}

std::optional<MacdValue> Macd::update(double value) {
  ++count_;
  const auto slow = slow_.update(value);
  // TA-Lib seeds the fast EMA on the `fast` values that end where the slow one's seed ends.
  const bool feed_fast = convention_ == Convention::kTulip || count_ + fast_period_ > slow_period_;
  const auto fast = feed_fast ? fast_.update(value) : std::nullopt;
  if (!slow || !fast || count_ < slow_period_) return std::nullopt;
  const double macd = *fast - *slow;
  const auto signal = signal_.update(macd);
  if (!signal) return std::nullopt;
  return MacdValue{macd, *signal, macd - *signal};
}

}  // namespace rrr::features
