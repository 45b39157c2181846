// The ingest pipeline (one path for streaming and batch) and the synthetic market's properties.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <map>
#include <numeric>

#include "ingest/ingest_pipeline.h"
#include "ingest/market_source.h"
#include "ingest/synthetic_market.h"
#include "support/shared_data.h"

namespace rrr::ingest {
namespace {

constexpr std::int64_t kMinuteNs = 60'000'000'000;

std::map<std::int64_t, std::vector<AggregatedBar>> barsByInterval(const std::vector<OutMessage>& messages) {
  std::map<std::int64_t, std::vector<AggregatedBar>> bars;
  for (const auto& message : messages) {
    if (message.kind == OutMessage::Kind::kBar) bars[message.interval_s].push_back(message.bar);
  }
  return bars;
}

std::vector<OutMessage> runAll(MarketSource& source, const PipelineOptions& options) {
  auto pipeline = IngestPipeline::create(source.streams(), options).value();
  std::vector<OutMessage> out;
  while (auto item = source.next()) pipeline.take(*item, out);
  pipeline.finish(out);
  return out;
}

TEST(IngestPipeline, ReplayOfTradesGivesTheBatchAggregationsAtEveryInterval) {
  RRR_REQUIRE_SHARED_DATA();
  const auto path = rrr::testing::sharedData() / "ohlcv/freqtrade/trades/XRP_ETH-trades.json.gz";
  auto source = makeReplaySource({{{path, FileFormat::kFreqtradeTrades}, "XRPETH", 60}}).value();
  const auto messages = runAll(*source, {{300, 3600, 14'400, 86'400}, true, {}});
  const auto trades = readMarketFile({path, FileFormat::kFreqtradeTrades}).value().trades;
  std::vector<TradeTick> ticks;
  for (const auto& trade : trades) ticks.push_back(trade.tick);
  const auto bars = barsByInterval(messages);
  for (const std::int64_t interval : {60, 300, 3600, 14'400, 86'400}) {
    EXPECT_EQ(bars.at(interval), aggregateTrades(ticks, interval * 1'000'000'000)) << interval;
  }
  EXPECT_EQ(bars.at(60).size(), 2469u);
  std::size_t trade_messages = 0;
  std::int64_t last_event = INT64_MIN;
  for (const auto& message : messages) {
    trade_messages += message.kind == OutMessage::Kind::kTrade;
    EXPECT_GE(message.event_time_ns, last_event) << "messages leave in event-time order";
    last_event = message.event_time_ns;
  }
  EXPECT_EQ(trade_messages, 12'477u);
}

TEST(IngestPipeline, TwoFilesAreMergedInEventTimeOrderAndBarsCloseByTheSharedClock) {
  RRR_REQUIRE_SHARED_DATA();
  const auto dir = rrr::testing::sharedData() / "ohlcv/nautilus_trader";
  auto source = makeReplaySource({{{dir / "ADABTC-1m-2021-11-27.csv", FileFormat::kBinanceKlines}, "ADABTC", 60},
                                  {{dir / "ADABTC-1m-2021-11-28.csv", FileFormat::kBinanceKlines}, "ADABTC", 60},
                                  {{dir / "ADABTC-1m-2021-11-27.csv", FileFormat::kBinanceKlines}, "COPY", 60}})
                    .value();
  ASSERT_EQ(source->streams().size(), 2u) << "files of one symbol and interval are one stream";
  const auto messages = runAll(*source, {{300}, true, {}});
  std::int64_t last_event = INT64_MIN;
  for (const auto& message : messages) {
    ASSERT_GE(message.event_time_ns, last_event);
    last_event = message.event_time_ns;
  }
}

TEST(SyntheticMarket, IsDeterministicForASeedAndDiffersForAnother) {
  SyntheticMarket a({}), b({});
  SyntheticParams other;
  other.seed = 7;
  SyntheticMarket c(other);
  bool differs = false;
  for (int minute = 0; minute < 500; ++minute) {
    const auto x = a.nextMinute(), y = b.nextMinute(), z = c.nextMinute();
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(std::tie(x[i].symbol, x[i].trade.tick.time_ns, x[i].trade.tick.price_e8, x[i].trade.tick.quantity_e8),
                std::tie(y[i].symbol, y[i].trade.tick.time_ns, y[i].trade.tick.price_e8, y[i].trade.tick.quantity_e8));
    }
    differs = differs || x.size() != z.size() || x.back().trade.tick.price_e8 != z.back().trade.tick.price_e8;
  }
  EXPECT_TRUE(differs);
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

std::vector<double> lagged(const std::vector<double>& x, std::size_t from, std::size_t to) { return {x.begin() + from, x.end() - to}; }

// 60 days of 1-minute bars of two symbols through the pipeline: the properties the market
// promises, each measured with a margin the model comfortably clears and a plain random walk fails.
TEST(SyntheticMarket, HasCorrelationClusteringJumpsTrendsAndAnIntradayVolumeProfile) {
  SyntheticParams params;
  params.correlation = 0.7;
  auto source = makeSyntheticSource(params);
  auto pipeline = IngestPipeline::create(source->streams(), {{}, false, {}}).value();
  std::vector<OutMessage> out;
  std::array<std::vector<AggregatedBar>, 2> bars;
  const std::size_t minutes = 60 * 24 * 60;
  while (bars[0].size() < minutes || bars[1].size() < minutes) {
    pipeline.take(*source->next(), out);
    for (const auto& message : out) bars[message.stream].push_back(message.bar);
    out.clear();
  }
  std::array<std::vector<double>, 2> returns;
  for (int s = 0; s < 2; ++s) {
    for (std::size_t i = 1; i < minutes; ++i) {
      ASSERT_EQ(bars[s][i].open_time_ns, bars[s][i - 1].open_time_ns + kMinuteNs) << "a bar every minute";
      returns[s].push_back(std::log(static_cast<double>(bars[s][i].close_e8) / static_cast<double>(bars[s][i - 1].close_e8)));
    }
  }
  const double rho = correlation(returns[0], returns[1]);
  EXPECT_GT(rho, 0.55);
  EXPECT_LT(rho, 0.85);

  // Clustering: the size of a move, with the intraday profile divided out, predicts the next one's.
  std::vector<double> sizes;
  for (std::size_t i = 0; i < returns[0].size(); ++i) {
    sizes.push_back(std::fabs(returns[0][i]) / std::sqrt(SyntheticMarket::intradayProfile(bars[0][i + 1].open_time_ns)));
  }
  EXPECT_GT(correlation(lagged(sizes, 1, 0), lagged(sizes, 0, 1)), 0.1) << "volatility clustering";

  const double n = static_cast<double>(returns[0].size());
  const double mean = std::accumulate(returns[0].begin(), returns[0].end(), 0.0) / n;
  double m2 = 0, m4 = 0;
  for (const double r : returns[0]) {
    m2 += (r - mean) * (r - mean) / n;
    m4 += std::pow(r - mean, 4) / n;
  }
  EXPECT_GT(m4 / (m2 * m2), 4.0) << "fat tails (a normal has kurtosis 3)";

  std::vector<double> hourly;
  for (std::size_t i = 60; i < minutes; i += 60) {
    hourly.push_back(std::log(static_cast<double>(bars[0][i].close_e8) / static_cast<double>(bars[0][i - 60].close_e8)));
  }
  EXPECT_GT(correlation(lagged(hourly, 1, 0), lagged(hourly, 0, 1)), 0.05) << "trends make hourly returns persist";

  std::array<double, 24> volume_by_hour{};
  for (const auto& bar : bars[0]) volume_by_hour[(bar.open_time_ns / 3'600'000'000'000) % 24] += static_cast<double>(bar.volume_e8);
  EXPECT_GT(volume_by_hour[15], 2.0 * volume_by_hour[3]) << "the intraday profile peaks at 15:00 UTC";
}

}  // namespace
}  // namespace rrr::ingest
