// Model features: one code path, so a batch row is exactly the streaming row at that bar; no row
// depends on a later bar; warm-up; values of the simple ones by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "features/feature_set.h"

namespace rrr::features {
namespace {

std::vector<Ohlcv> randomWalk(std::size_t count) {
  std::mt19937_64 random(11);
  std::normal_distribution<double> step(0.0, 0.002);
  std::vector<Ohlcv> bars;
  double close = 100;
  for (std::size_t i = 0; i < count; ++i) {
    const double open = close;
    close = open * std::exp(step(random));
    const double wick = std::fabs(step(random)) * open;
    bars.push_back({static_cast<std::int64_t>(i) * 60'000'000'000, open, std::max(open, close) + wick, std::min(open, close) - wick,
                    close, 10 + std::fabs(step(random)) * 5000});
  }
  return bars;
}

// rrr-infer rehearses a bar on a copy of a stream: the copy goes on from the same state, and
// whatever it is fed leaves the original as it was.
TEST(FeatureSet, ACopyContinuesFromTheSameStateAndLeavesTheOriginalAlone) {
  const auto bars = randomWalk(400);
  const auto names = defaultFeatureNames();
  auto stream = FeatureStream::create(names);
  ASSERT_TRUE(stream.ok());
  for (std::size_t i = 0; i < 300; ++i) stream->update(bars[i]);
  FeatureStream copy(*stream);
  auto reversed = bars;
  std::reverse(reversed.begin() + 300, reversed.end());
  for (std::size_t i = 300; i < 350; ++i) copy.update(reversed[i]);   // other bars than the original's
  const auto batch = computeBatch(names, bars);
  ASSERT_TRUE(batch.ok());
  FeatureStream same(*stream);
  for (std::size_t i = 300; i < bars.size(); ++i) {
    const auto original = stream->update(bars[i]);
    ASSERT_TRUE(original.has_value()) << i;
    EXPECT_EQ(*original, *(*batch)[i]) << "bar " << i << ": the copy's bars reached the original";
    EXPECT_EQ(same.update(bars[i]), original) << "bar " << i << ": a copy does not go on as the original";
  }
}

TEST(FeatureSet, BatchRowsAreTheStreamingRowsAndNeverUseLaterBars) {
  const auto bars = randomWalk(600);
  const auto names = defaultFeatureNames();
  auto stream = FeatureStream::create(names);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  const auto batch = computeBatch(names, bars);
  ASSERT_TRUE(batch.ok());
  const auto prefix = computeBatch(names, std::vector<Ohlcv>(bars.begin(), bars.begin() + 300));
  ASSERT_TRUE(prefix.ok());
  std::size_t rows = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto streamed = stream->update(bars[i]);
    ASSERT_EQ(streamed.has_value(), (*batch)[i].has_value()) << i;
    if (i < 300) {
      ASSERT_EQ((*prefix)[i], (*batch)[i]) << "the row at bar " << i << " changed when later bars were added";
    }
    if (!streamed) continue;
    ASSERT_EQ(streamed->size(), names.size());
    for (std::size_t f = 0; f < names.size(); ++f) ASSERT_EQ((*streamed)[f], (*(*batch)[i])[f]) << names[f] << " at " << i;   // bit for bit
    ++rows;
  }
  EXPECT_EQ(rows, 600u - 60u);   // ret:60 is the last to warm up: its first value is at bar 60
  EXPECT_FALSE((*batch)[59].has_value());
}

TEST(FeatureSet, SimpleFeaturesByHand) {
  const auto bars = randomWalk(40);
  auto stream = FeatureStream::create({"ret:1", "ret:5", "tod_sin", "tod_cos", "sma_dist:3", "rsi:14"});
  ASSERT_TRUE(stream.ok());
  Rsi rsi(14);
  std::optional<std::vector<double>> row;
  for (const auto& bar : bars) {
    row = stream->update(bar);
    rsi.update(bar.close);
  }
  ASSERT_TRUE(row);
  const auto n = bars.size();
  EXPECT_DOUBLE_EQ((*row)[0], std::log(bars[n - 1].close / bars[n - 2].close));
  EXPECT_DOUBLE_EQ((*row)[1], std::log(bars[n - 1].close / bars[n - 6].close));
  const double phase = 2 * M_PI * static_cast<double>(bars[n - 1].open_time_ns) / 86'400e9;
  EXPECT_NEAR((*row)[2], std::sin(phase), 1e-12);
  EXPECT_NEAR((*row)[3], std::cos(phase), 1e-12);
  const double sma = (bars[n - 1].close + bars[n - 2].close + bars[n - 3].close) / 3;
  EXPECT_NEAR((*row)[4], bars[n - 1].close / sma - 1, 1e-12);
  Rsi again(14);
  std::optional<double> expected;
  for (const auto& bar : bars) expected = again.update(bar.close);
  EXPECT_DOUBLE_EQ((*row)[5], *expected / 100 - 0.5);
}

TEST(FeatureSet, UnknownOrMalformedNamesAreErrorsThatNameThem) {
  for (const char* bad : {"ret", "ret:0", "ret:1,2", "macd:12,26", "bbpctb:20", "tod_sin:3", "momentum:5", "ema_dist:x"}) {
    const auto stream = FeatureStream::create({"ret:1", bad});
    ASSERT_FALSE(stream.ok()) << bad;
    EXPECT_NE(stream.error().message.find(bad), std::string::npos) << stream.error().message;
  }
}

}  // namespace
}  // namespace rrr::features
