#pragma once
// Trades into bars, and bars into bars of a longer interval, with exchange conventions: a bar
// covers [open time, open time + interval), open time = floor(time / interval) * interval, so a
// trade exactly on a boundary opens the new bar. open = first price, high = max, low = min,
// close = last price, volume = sum of quantities, quote volume = sum of price * quantity.
//
// One implementation for streaming and batch: aggregateTrades() and aggregateBars() feed the same
// BarAggregator a streaming caller uses, so both give identical bars by construction.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace rrr::ingest {

struct TradeTick {
  std::int64_t time_ns = 0;
  std::int64_t price_e8 = 0;
  std::int64_t quantity_e8 = 0;
};

struct AggregatedBar {
  std::int64_t open_time_ns = 0;
  std::int64_t open_e8 = 0, high_e8 = 0, low_e8 = 0, close_e8 = 0;
  std::int64_t volume_e8 = 0, quote_volume_e8 = 0;
  std::uint32_t trade_count = 0;
  bool operator==(const AggregatedBar&) const = default;
};

class BarAggregator {
 public:
  // REQUIRES: interval_ns > 0.
  explicit BarAggregator(std::int64_t interval_ns) : interval_ns_(interval_ns) {}

  // Adds a trade. Returns the bar this trade closed (its open time is past that bar's end).
  // A trade older than the open bar is late: it is counted in late() and left out.
  std::optional<AggregatedBar> addTrade(const TradeTick& trade);
  // Adds a finished bar of a shorter interval that divides this one (1m bars into 5m bars).
  std::optional<AggregatedBar> addBar(const AggregatedBar& bar);
  // The open bar, if time has passed its end: what a quiet market closes by the clock.
  std::optional<AggregatedBar> closeIfEnded(std::int64_t now_ns);
  // The open bar, at the end of the data.
  std::optional<AggregatedBar> flush();

  std::uint64_t late() const { return late_; }

 private:
  std::optional<AggregatedBar> startOrMerge(std::int64_t time_ns, const AggregatedBar& piece);
  std::int64_t openTimeOf(std::int64_t time_ns) const;

  std::int64_t interval_ns_;
  std::optional<AggregatedBar> open_;
  std::uint64_t late_ = 0;
};

std::vector<AggregatedBar> aggregateTrades(std::span<const TradeTick> trades, std::int64_t interval_ns);
std::vector<AggregatedBar> aggregateBars(std::span<const AggregatedBar> bars, std::int64_t interval_ns);

}  // namespace rrr::ingest
