#include "train/training_bars.h"

#include <algorithm>

#include "ingest/bar_aggregator.h"
#include "ingest/synthetic_market.h"

namespace rrr::train {

std::vector<features::Ohlcv> syntheticBars(std::size_t days, std::uint64_t seed, const std::string& symbol) {
  ingest::SyntheticParams params;
  params.seed = seed;
  if (std::find(params.symbols.begin(), params.symbols.end(), symbol) == params.symbols.end()) params.symbols.push_back(symbol);
  const auto index = static_cast<std::size_t>(std::find(params.symbols.begin(), params.symbols.end(), symbol) - params.symbols.begin());
  ingest::SyntheticMarket market(params);
  ingest::BarAggregator bars_of_minute(ingest::SyntheticMarket::kMinuteNs);
  std::vector<features::Ohlcv> bars;
  const auto add = [&](const ingest::AggregatedBar& bar) {
    const auto real = [](std::int64_t e8) { return static_cast<double>(e8) / 1e8; };
    bars.push_back({bar.open_time_ns, real(bar.open_e8), real(bar.high_e8), real(bar.low_e8), real(bar.close_e8), real(bar.volume_e8)});
  };
  for (std::size_t minute = 0; minute < days * 1440; ++minute) {
    for (const auto& trade : market.nextMinute()) {
      if (trade.symbol != index) continue;
      if (const auto closed = bars_of_minute.addTrade(trade.trade.tick)) add(*closed);
    }
  }
  if (const auto last = bars_of_minute.flush()) add(*last);
  return bars;
}

}  // namespace rrr::train
