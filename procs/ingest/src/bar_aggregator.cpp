#include "ingest/bar_aggregator.h"

#include <algorithm>
#include <utility>

#include "common/fixed_point.h"

namespace rrr::ingest {
namespace {
__extension__ using Int128 = __int128;  // GCC and Clang; only for an intermediate product
}  // namespace

std::int64_t BarAggregator::openTimeOf(std::int64_t time_ns) const {
  // Floor, also for times before 1970.
  const std::int64_t quotient = time_ns / interval_ns_;
  return (time_ns % interval_ns_ < 0 ? quotient - 1 : quotient) * interval_ns_;
}

// piece: a one-trade bar or a shorter bar, to start a new bar with or merge into the open one.
std::optional<AggregatedBar> BarAggregator::startOrMerge(std::int64_t time_ns, const AggregatedBar& piece) {
  const std::int64_t open_time = openTimeOf(time_ns);
  if (open_ && open_time < open_->open_time_ns) {
    ++late_;
    return std::nullopt;
  }
  if (open_ && open_time == open_->open_time_ns) {
    open_->high_e8 = std::max(open_->high_e8, piece.high_e8);
    open_->low_e8 = std::min(open_->low_e8, piece.low_e8);
    open_->close_e8 = piece.close_e8;
    open_->volume_e8 += piece.volume_e8;
    open_->quote_volume_e8 += piece.quote_volume_e8;
    open_->trade_count += piece.trade_count;
    return std::nullopt;
  }
  auto closed = std::move(open_);
  open_ = piece;
  open_->open_time_ns = open_time;
  return closed;
}

std::optional<AggregatedBar> BarAggregator::addTrade(const TradeTick& trade) {
  // Quote volume at 1e-8 resolution: price * quantity / 1e8 in 128 bits, so no product overflows.
  const auto quote = static_cast<std::int64_t>(static_cast<Int128>(trade.price_e8) * trade.quantity_e8 / kFixedScale);
  return startOrMerge(trade.time_ns, AggregatedBar{0, trade.price_e8, trade.price_e8, trade.price_e8, trade.price_e8,
                                                   trade.quantity_e8, quote, 1});
}

std::optional<AggregatedBar> BarAggregator::addBar(const AggregatedBar& bar) { return startOrMerge(bar.open_time_ns, bar); }

std::optional<AggregatedBar> BarAggregator::closeIfEnded(std::int64_t now_ns) {
  if (!open_ || now_ns < open_->open_time_ns + interval_ns_) return std::nullopt;
  return std::exchange(open_, std::nullopt);
}

std::optional<AggregatedBar> BarAggregator::flush() { return std::exchange(open_, std::nullopt); }

namespace {

// Feeds every item to the aggregator with add, collecting closed bars, then the last open one.
template <class Item, class Add>
std::vector<AggregatedBar> aggregate(std::span<const Item> items, std::int64_t interval_ns, Add add) {
  BarAggregator aggregator(interval_ns);
  std::vector<AggregatedBar> bars;
  for (const auto& item : items) {
    if (auto closed = add(aggregator, item)) bars.push_back(*closed);
  }
  if (auto last = aggregator.flush()) bars.push_back(*last);
  return bars;
}

}  // namespace

std::vector<AggregatedBar> aggregateTrades(std::span<const TradeTick> trades, std::int64_t interval_ns) {
  return aggregate(trades, interval_ns, [](BarAggregator& a, const TradeTick& t) { return a.addTrade(t); });
}

std::vector<AggregatedBar> aggregateBars(std::span<const AggregatedBar> bars, std::int64_t interval_ns) {
  return aggregate(bars, interval_ns, [](BarAggregator& a, const AggregatedBar& b) { return a.addBar(b); });
}

}  // namespace rrr::ingest
