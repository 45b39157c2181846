#include "ingest/synthetic_feed.h"

#include <algorithm>
#include <cmath>

#include "common/fixed_point.h"

namespace rrr::ingest {
namespace {

constexpr std::int64_t kMinuteNs = 60'000'000'000;

// Uniform in [0, 1) from the generator's raw output: the same on every platform, unlike
// std::uniform_real_distribution.
double unit(std::mt19937_64& random) { return static_cast<double>(random() >> 11) * 0x1.0p-53; }

}  // namespace

SyntheticFeed::SyntheticFeed(std::vector<std::string> symbols, std::uint64_t seed, std::int64_t start_time_ns)
    : symbols_(std::move(symbols)), random_(seed), start_time_ns_(start_time_ns) {
  for (std::size_t i = 0; i < symbols_.size(); ++i) prices_.push_back(100.0 * static_cast<double>(i + 1));
}

SyntheticBar SyntheticFeed::next() {
  const std::size_t which = produced_ % symbols_.size();
  const std::uint64_t index = produced_ / symbols_.size();
  double& price = prices_[which];
  const double open = price;
  const double step = (unit(random_) - 0.5) * 0.004;   // +-0.2% per bar
  const double close = open * std::exp(step);
  const double high = std::max(open, close) * (1.0 + unit(random_) * 0.001);
  const double low = std::min(open, close) * (1.0 - unit(random_) * 0.001);
  const double volume = 1.0 + unit(random_) * 10.0;
  price = close;
  ++produced_;
  return SyntheticBar{symbols_[which], start_time_ns_ + static_cast<std::int64_t>(index) * kMinuteNs,
                      toFixed(open), toFixed(high), toFixed(low), toFixed(close), toFixed(volume),
                      static_cast<std::uint32_t>(1 + unit(random_) * 100), index};
}

void SyntheticFeed::skipTo(std::uint64_t count) {
  while (produced_ < count) next();
}

}  // namespace rrr::ingest
