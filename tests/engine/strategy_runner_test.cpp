// The strategy runner: no look-ahead by construction, deterministic client order ids, several
// strategies on several symbols, fills back to the strategy that ordered.
#include <gtest/gtest.h>

#include "common/fixed_point.h"
#include "engine/strategies.h"
#include "engine/strategy_runner.h"

namespace rrr::engine {
namespace {

constexpr std::int64_t kMinuteNs = 60'000'000'000;

BarEvent bar(const std::string& symbol, int minute, double close, std::int64_t interval_s = 60) {
  BarEvent event;
  event.symbol = symbol;
  event.interval_s = interval_s;
  event.open_time_ns = minute * kMinuteNs;
  event.open_e8 = event.high_e8 = event.low_e8 = event.close_e8 = toFixed(close);
  return event;
}

// Checks, at every bar, that nothing it can see is later than the bar it is handed; buys on every
// bar; remembers its fills.
class Probe : public Strategy {
 public:
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& symbols() const override { return symbols_; }
  std::size_t history() const override { return 5; }
  void onBar(const BarEvent& bar, StrategyContext& context) override {
    const auto& bars = context.bars(bar.symbol);
    ASSERT_FALSE(bars.empty());
    EXPECT_EQ(bars.back().open_time_ns, bar.open_time_ns) << "the newest bar visible is the one handed over";
    for (const auto& seen : bars) {
      EXPECT_LE(seen.closeTimeNs(), context.nowNs());
      EXPECT_EQ(seen.interval_s, 60) << "only its own interval";
    }
    EXPECT_LE(bars.size(), 5u);
    ids.push_back(context.submit({bar.symbol, Side::kBuy, msg::OrderType::Market, msg::TimeInForce::GTC, 1, 0, 0}));
    ids.push_back(context.submit({bar.symbol, Side::kSell, msg::OrderType::Market, msg::TimeInForce::GTC, 1, 0, 0}));
  }
  void onFill(const PaperFill& fill, StrategyContext&) override { fills.push_back(fill.client_order_id); }
  void onOrderUpdate(const PaperUpdate& update, StrategyContext&) override { updates.push_back(update.client_order_id); }

  std::vector<std::string> ids, fills, updates;

 private:
  std::string id_ = "probe";
  std::vector<std::string> symbols_{"BTCUSDT"};
};

TEST(StrategyRunner, StrategiesSeeOnlyClosedBarsOfTheirIntervalAndIdsAreDeterministic) {
  Portfolio portfolio("USDT", 0);
  std::vector<std::unique_ptr<Strategy>> strategies;
  strategies.push_back(std::make_unique<Probe>());
  auto* probe = static_cast<Probe*>(strategies.back().get());
  StrategyRunner sut(std::move(strategies), portfolio);
  std::vector<IntentOut> intents;
  for (int minute = 0; minute < 10; ++minute) {
    for (auto& intent : sut.onBar(bar("BTCUSDT", minute, 100 + minute))) intents.push_back(intent);
    if (minute % 5 == 4) {
      EXPECT_TRUE(sut.onBar(bar("BTCUSDT", minute - 4, 100, 300)).empty()) << "no strategy trades 5m bars";
    }
    EXPECT_TRUE(sut.onBar(bar("ETHUSDT", minute, 10)).empty()) << "no strategy trades ETHUSDT";
  }
  ASSERT_EQ(intents.size(), 20u);
  EXPECT_EQ(intents[0].client_order_id, "probe-BTCUSDT-60000000000-0");
  EXPECT_EQ(intents[1].client_order_id, "probe-BTCUSDT-60000000000-1");
  EXPECT_EQ(intents[19].client_order_id, "probe-BTCUSDT-600000000000-1");
  EXPECT_EQ(intents[19].decision_time_ns, 600'000'000'000);
  EXPECT_EQ(probe->ids[19], intents[19].client_order_id);

  PaperFill fill;
  fill.client_order_id = intents[3].client_order_id;
  EXPECT_TRUE(sut.onFill(fill).empty());
  fill.client_order_id = "someone-else";
  (void)sut.onFill(fill);
  EXPECT_EQ(probe->fills, std::vector<std::string>{intents[3].client_order_id});

  // The update that ends an order reaches its strategy, and later ones for that id do not.
  PaperUpdate update;
  update.client_order_id = intents[3].client_order_id;
  update.status = msg::OrderStatus::PartiallyFilled;
  EXPECT_TRUE(sut.onOrderUpdate(update, 0).empty());
  update.status = msg::OrderStatus::Filled;
  (void)sut.onOrderUpdate(update, 0);
  (void)sut.onOrderUpdate(update, 0);
  fill.client_order_id = intents[3].client_order_id;
  (void)sut.onFill(fill);
  EXPECT_EQ(probe->updates, std::vector<std::string>(2, intents[3].client_order_id));
  EXPECT_EQ(probe->fills.size(), 1u) << "the order is final: its owner is forgotten";
}

TEST(StrategyRunner, SeveralStrategiesOnSeveralSymbolsGiveTheSameIntentsOnTheSameBars) {
  const auto run = [] {
    Portfolio portfolio("USDT", 0);
    std::vector<std::unique_ptr<Strategy>> strategies;
    strategies.push_back(makeStrategy(YAML::Load("{id: trend, type: ma_cross, symbols: [BTCUSDT], fast: 2, slow: 4, average: sma, quantity: 1}"), "x").value());
    strategies.push_back(makeStrategy(YAML::Load("{id: revert, type: bollinger, symbols: [ETHUSDT], period: 5, width: 1.0, quantity: 2}"), "x").value());
    StrategyRunner runner(std::move(strategies), portfolio);
    std::vector<std::string> ids;
    const double btc[] = {10, 10, 10, 10, 11, 12, 13, 12, 10, 8};
    const double eth[] = {10, 10, 10, 10, 10, 8, 9, 10, 10, 10};
    for (int minute = 0; minute < 10; ++minute) {
      for (const auto& intent : runner.onBar(bar("BTCUSDT", minute, btc[minute]))) ids.push_back(intent.client_order_id);
      for (const auto& intent : runner.onBar(bar("ETHUSDT", minute, eth[minute]))) ids.push_back(intent.client_order_id);
    }
    return ids;
  };
  const auto first = run();
  EXPECT_EQ(first, run());
  EXPECT_EQ(first, (std::vector<std::string>{"trend-BTCUSDT-300000000000-0", "revert-ETHUSDT-360000000000-0",
                                             "revert-ETHUSDT-480000000000-0", "trend-BTCUSDT-540000000000-0"}));
}

}  // namespace
}  // namespace rrr::engine
