// Trades into bars: exactly the reference bars of a real trade file, and one implementation for
// streaming and batch.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/fixed_point.h"
#include "ingest/bar_aggregator.h"
#include "support/shared_data.h"

namespace rrr::ingest {
namespace {

constexpr std::int64_t kMinuteNs = 60'000'000'000;

std::string gunzip(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  std::string text;
  char buffer[65536];
  for (int read = 0; file != nullptr && (read = gzread(file, buffer, sizeof(buffer))) > 0;) text.append(buffer, static_cast<std::size_t>(read));
  if (file != nullptr) gzclose(file);
  return text;
}

// freqtrade trades: [timestamp_ms, id, order_type, side, price, amount, cost]
std::vector<TradeTick> xrpEthTrades() {
  const auto trades = nlohmann::json::parse(gunzip(rrr::testing::sharedData() / "ohlcv/freqtrade/trades/XRP_ETH-trades.json.gz"));
  std::vector<TradeTick> ticks;
  for (const auto& trade : trades) {
    ticks.push_back({trade[0].get<std::int64_t>() * 1'000'000, toFixed(trade[4].get<double>()), toFixed(trade[5].get<double>())});
  }
  return ticks;
}

TEST(BarAggregator, XrpEthTradesAggregateExactlyToTheReferenceOneMinuteBars) {
  RRR_REQUIRE_SHARED_DATA();
  const auto trades = xrpEthTrades();
  ASSERT_EQ(trades.size(), 12'477u);
  const auto bars = aggregateTrades(trades, kMinuteNs);
  std::ifstream reference(rrr::testing::sharedData() / "ohlcv/freqtrade/derived/XRP_ETH-1m_from_feather.csv");
  std::string line;
  std::getline(reference, line);  // date_ms,open,high,low,close,volume
  std::size_t row = 0;
  while (std::getline(reference, line)) {
    ASSERT_LT(row, bars.size());
    std::stringstream fields(line);
    std::string date, open, high, low, close, volume;
    std::getline(fields, date, ',');
    std::getline(fields, open, ',');
    std::getline(fields, high, ',');
    std::getline(fields, low, ',');
    std::getline(fields, close, ',');
    std::getline(fields, volume, ',');
    const auto& bar = bars[row];
    EXPECT_EQ(bar.open_time_ns, std::stoll(date) * 1'000'000) << "row " << row;
    EXPECT_EQ(bar.open_e8, parseFixed(open).value()) << "row " << row;
    EXPECT_EQ(bar.high_e8, parseFixed(high).value()) << "row " << row;
    EXPECT_EQ(bar.low_e8, parseFixed(low).value()) << "row " << row;
    EXPECT_EQ(bar.close_e8, parseFixed(close).value()) << "row " << row;
    EXPECT_EQ(bar.volume_e8, parseFixed(volume).value()) << "row " << row;
    ++row;
  }
  EXPECT_EQ(row, 2469u);
  EXPECT_EQ(bars.size(), row);
}

TEST(BarAggregator, StreamingWithAClockGivesTheSameBarsAsBatch) {
  RRR_REQUIRE_SHARED_DATA();
  const auto trades = xrpEthTrades();
  BarAggregator sut(kMinuteNs);
  std::vector<AggregatedBar> streamed;
  for (const auto& trade : trades) {
    if (auto closed = sut.closeIfEnded(trade.time_ns)) streamed.push_back(*closed);  // the clock reached the bar's end
    if (auto closed = sut.addTrade(trade)) streamed.push_back(*closed);
  }
  if (auto last = sut.flush()) streamed.push_back(*last);
  EXPECT_EQ(streamed, aggregateTrades(trades, kMinuteNs));
}

TEST(BarAggregator, OneMinuteBarsIntoFiveMinuteBarsEqualTradesIntoFiveMinuteBars) {
  RRR_REQUIRE_SHARED_DATA();
  const auto trades = xrpEthTrades();
  const auto minutes = aggregateTrades(trades, kMinuteNs);
  EXPECT_EQ(aggregateBars(minutes, 5 * kMinuteNs), aggregateTrades(trades, 5 * kMinuteNs));
  EXPECT_EQ(aggregateBars(minutes, 60 * kMinuteNs), aggregateTrades(trades, 60 * kMinuteNs));
}

TEST(BarAggregator, TradeOnTheBoundaryOpensTheNextBarAndALateTradeIsCountedNotMixedIn) {
  BarAggregator sut(kMinuteNs);
  EXPECT_FALSE(sut.addTrade({kMinuteNs - 1, 100, 1}));
  const auto closed = sut.addTrade({kMinuteNs, 2 * kFixedScale, 3 * kFixedScale});
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->open_time_ns, 0);
  EXPECT_EQ(closed->close_e8, 100);
  EXPECT_FALSE(sut.addTrade({kMinuteNs - 5, 999, 1}));
  EXPECT_EQ(sut.late(), 1u);
  const auto open = sut.flush();
  ASSERT_TRUE(open);
  EXPECT_EQ(open->open_time_ns, kMinuteNs);
  EXPECT_EQ(open->high_e8, 2 * kFixedScale);
  EXPECT_EQ(open->trade_count, 1u);
  EXPECT_EQ(open->quote_volume_e8, 6 * kFixedScale);  // price 2 x quantity 3
}

}  // namespace
}  // namespace rrr::ingest
