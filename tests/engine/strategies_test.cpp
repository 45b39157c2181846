// The built-in strategies on hand-made closes: the orders each sends, and config errors.
#include <gtest/gtest.h>

#include "common/fixed_point.h"
#include "engine/strategies.h"

namespace rrr::engine {
namespace {

std::int64_t e8(const char* text) { return parseFixed(text).value(); }

// The context an engine gives a strategy, reduced to what these tests look at.
class RecordingContext : public StrategyContext {
 public:
  std::int64_t nowNs() const override { return now_; }
  const Portfolio& portfolio() const override { return portfolio_; }
  const std::deque<BarEvent>& bars(const std::string& symbol) const override { return bars_.at(symbol); }
  std::string submit(const OrderRequest& request) override {
    requests.push_back(request);
    return "id-" + std::to_string(requests.size());
  }
  void cancel(const std::string&) override {}
  std::string replace(const std::string&, const OrderRequest& request) override { return submit(request); }

  // Appends a closed bar and hands it to the strategy.
  void close(Strategy& strategy, double close) {
    BarEvent bar;
    bar.symbol = "BTCUSDT";
    bar.open_time_ns = static_cast<std::int64_t>(bars_["BTCUSDT"].size()) * 60'000'000'000;
    bar.open_e8 = bar.high_e8 = bar.low_e8 = bar.close_e8 = toFixed(close);
    bars_["BTCUSDT"].push_back(bar);
    now_ = bar.closeTimeNs();
    strategy.onBar(bar, *this);
  }

  std::vector<OrderRequest> requests;

 private:
  std::int64_t now_ = 0;
  Portfolio portfolio_{"USDT", e8("10000")};
  std::map<std::string, std::deque<BarEvent>> bars_;
};

// Long 0.5 while the 2-bar SMA is above the 4-bar one: closes 10 x4 then 11, 12 cross up; 12, 10, 8
// cross down.
constexpr const char* kCross = "{id: t, type: ma_cross, symbols: [BTCUSDT], fast: 2, slow: 4, average: sma, quantity: 0.5}";

std::unique_ptr<Strategy> strategy(const std::string& yaml) {
  auto made = makeStrategy(YAML::Load(yaml), "rrr.yml");
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
  return std::move(made).value();
}

TEST(Strategies, MovingAverageCrossGoesLongOnTheCrossUpAndFlatOnTheCrossDownOnce) {
  auto sut = strategy(kCross);
  RecordingContext context;
  for (double close : {10, 10, 10, 10}) context.close(*sut, close);
  EXPECT_TRUE(context.requests.empty()) << "equal averages: no position";
  for (double close : {11, 12, 13, 14}) context.close(*sut, close);
  ASSERT_EQ(context.requests.size(), 1u) << "one order for the cross, none while it holds";
  EXPECT_EQ(context.requests[0].side, Side::kBuy);
  EXPECT_EQ(context.requests[0].quantity_e8, e8("0.5"));
  for (double close : {12, 10, 8}) context.close(*sut, close);
  ASSERT_EQ(context.requests.size(), 2u);
  EXPECT_EQ(context.requests[1].side, Side::kSell);
  EXPECT_EQ(context.requests[1].quantity_e8, e8("0.5"));
}

TEST(Strategies, BollingerBuysBelowTheLowerBandAndExitsAtTheMiddle) {
  auto sut = strategy("{id: b, type: bollinger, symbols: [BTCUSDT], period: 5, width: 1.0, quantity: 2}");
  RecordingContext context;
  for (double close : {10, 10, 10, 10, 10}) context.close(*sut, close);
  EXPECT_TRUE(context.requests.empty());
  context.close(*sut, 8);    // mean 9.6, deviation 0.8: the lower band is 8.8
  ASSERT_EQ(context.requests.size(), 1u);
  EXPECT_EQ(context.requests[0].side, Side::kBuy);
  context.close(*sut, 9);    // mean 9.4: still below the middle
  EXPECT_EQ(context.requests.size(), 1u);
  context.close(*sut, 10);   // mean 9.4: at or above the middle, take the profit
  ASSERT_EQ(context.requests.size(), 2u);
  EXPECT_EQ(context.requests[1].side, Side::kSell);
  EXPECT_EQ(context.requests[1].quantity_e8, e8("2"));
}

TEST(Strategies, MlSignalSizesByConfidenceCapsAndExits) {
  auto sut = strategy("{id: m, type: ml_signal, symbols: [BTCUSDT], enter: 0.2, exit: 0.05, quantity: 1, max_quantity: 0.6}");
  RecordingContext context;
  context.close(*sut, 100);
  sut->onPrediction({"BTCUSDT", 0, 0.5, 0.5}, context);
  ASSERT_EQ(context.requests.size(), 1u);
  EXPECT_EQ(context.requests[0].quantity_e8, e8("0.5"));   // 1 x confidence 0.5 (too few bars for a volatility)
  sut->onPrediction({"BTCUSDT", 0, 0.9, 1.0}, context);
  ASSERT_EQ(context.requests.size(), 2u);
  EXPECT_EQ(context.requests[1].quantity_e8, e8("0.1"));   // up to the 0.6 cap
  sut->onPrediction({"BTCUSDT", 0, 0.1, 1.0}, context);
  EXPECT_EQ(context.requests.size(), 2u) << "between exit and enter: hold";
  sut->onPrediction({"BTCUSDT", 0, 0.01, 1.0}, context);
  ASSERT_EQ(context.requests.size(), 3u);
  EXPECT_EQ(context.requests[2].side, Side::kSell);
  EXPECT_EQ(context.requests[2].quantity_e8, e8("0.6"));
}

PaperFill fillOf(const std::string& id, Side side, const char* quantity) {
  PaperFill fill;
  fill.client_order_id = id;
  fill.fill = FillEvent{"BTCUSDT", side, e8("100"), e8(quantity), 0, "USDT"};
  return fill;
}

PaperUpdate updateOf(const std::string& id, msg::OrderStatus status) {
  PaperUpdate update;
  update.client_order_id = id;
  update.status = status;
  return update;
}

// A strategy trades from what its orders filled: a refused entry is not a position to close, and a
// refused exit is still a position (it does not buy on top of it).
TEST(Strategies, ARejectedOrderCountsAsNothingFilled) {
  auto sut = strategy("{id: m, type: ml_signal, symbols: [BTCUSDT], enter: 0.2, exit: 0.05, quantity: 1}");
  RecordingContext context;
  context.close(*sut, 100);
  sut->onPrediction({"BTCUSDT", 0, 0.5, 1.0}, context);
  ASSERT_EQ(context.requests.size(), 1u);
  sut->onOrderUpdate(updateOf("id-1", msg::OrderStatus::Rejected), context);
  sut->onPrediction({"BTCUSDT", 0, 0.5, 1.0}, context);
  EXPECT_EQ(context.requests.size(), 1u) << "the same target is not sent again after a refusal";
  sut->onPrediction({"BTCUSDT", 0, 0.01, 1.0}, context);
  EXPECT_EQ(context.requests.size(), 1u) << "nothing was bought, so the exit sells nothing";

  sut->onPrediction({"BTCUSDT", 0, 0.5, 1.0}, context);
  ASSERT_EQ(context.requests.size(), 2u);
  sut->onFill(fillOf("id-2", Side::kBuy, "1"), context);
  sut->onOrderUpdate(updateOf("id-2", msg::OrderStatus::Filled), context);
  sut->onPrediction({"BTCUSDT", 0, 0.01, 1.0}, context);
  ASSERT_EQ(context.requests.size(), 3u);
  EXPECT_EQ(context.requests[2].side, Side::kSell);
  sut->onOrderUpdate(updateOf("id-3", msg::OrderStatus::Rejected), context);
  sut->onPrediction({"BTCUSDT", 0, 0.5, 1.0}, context);
  EXPECT_EQ(context.requests.size(), 3u) << "the refused exit left it long 1: nothing more to buy";
}

TEST(Strategies, APartlyFilledOrderThatEndsCountsForWhatItFilled) {
  auto sut = strategy(kCross);
  RecordingContext context;
  for (double close : {10, 10, 10, 10, 11, 12}) context.close(*sut, close);
  ASSERT_EQ(context.requests.size(), 1u);
  sut->onFill(fillOf("id-1", Side::kBuy, "0.2"), context);
  sut->onOrderUpdate(updateOf("id-1", msg::OrderStatus::PartiallyFilled), context);
  sut->onFill(fillOf("id-1", Side::kBuy, "0.1"), context);
  sut->onOrderUpdate(updateOf("id-1", msg::OrderStatus::Cancelled), context);
  for (double close : {12, 10, 8}) context.close(*sut, close);
  ASSERT_EQ(context.requests.size(), 2u);
  EXPECT_EQ(context.requests[1].side, Side::kSell);
  EXPECT_EQ(context.requests[1].quantity_e8, e8("0.3"));
}

TEST(Strategies, TheStateKeepsFillsAndWorkingOrdersAndReadsTheOlderTargets) {
  auto first = strategy(kCross);
  RecordingContext context;
  for (double close : {10, 10, 10, 10, 11, 12}) context.close(*first, close);
  first->onFill(fillOf("id-1", Side::kBuy, "0.2"), context);
  auto second = strategy(kCross);
  ASSERT_TRUE(second->restoreState(first->saveState()).ok());
  EXPECT_EQ(second->saveState(), first->saveState());
  second->onFill(fillOf("id-1", Side::kBuy, "0.3"), context);
  second->onOrderUpdate(updateOf("id-1", msg::OrderStatus::Filled), context);
  for (double close : {12, 10, 8}) context.close(*second, close);
  ASSERT_EQ(context.requests.size(), 2u);
  EXPECT_EQ(context.requests[1].quantity_e8, e8("0.5")) << "both fills, across the restore";

  auto older = strategy(kCross);
  ASSERT_TRUE(older->restoreState("BTCUSDT=50000000;").ok()) << "an older version's targets, taken as filled";
  for (double close : {6, 4}) context.close(*older, close);
  ASSERT_EQ(context.requests.size(), 3u);
  EXPECT_EQ(context.requests[2].side, Side::kSell);
  EXPECT_EQ(context.requests[2].quantity_e8, e8("0.5"));
  const auto bad = older->restoreState("{\"working\": {\"x\": {\"symbol\": 5}}}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bad strategy state"), std::string::npos) << bad.error().message;
}

TEST(Strategies, AveragesFollowTaLibSeeding) {
  std::deque<BarEvent> bars;
  for (int i = 1; i <= 10; ++i) bars.push_back({"X", 60, 0, 0, 0, 0, toFixed(i), 0});
  EXPECT_DOUBLE_EQ(simpleAverage(bars, 3).value(), 9.0);
  EXPECT_DOUBLE_EQ(exponentialAverage(bars, 3).value(), 9.0);   // SMA(1, 2, 3) = 2, then halfway to each close
  EXPECT_FALSE(exponentialAverage(bars, 11).has_value());
  EXPECT_NEAR(standardDeviation(bars, 10).value(), std::sqrt(8.25), 1e-12);
}

TEST(Strategies, ConfigErrorsNameTheLineAndTheKey) {
  const auto unknown = makeStrategy(YAML::Load("id: x\ntype: magic\nsymbols: [A]\nquantity: 1\n"), "rrr.yml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "rrr.yml:2: strategies.type: unknown strategy type 'magic' (ma_cross, bollinger, ml_signal)");
  const auto slow = makeStrategy(YAML::Load("{id: x, type: ma_cross, symbols: [A], quantity: 1, fast: 5, slow: 5}"), "rrr.yml");
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.error().message.find("slow must be longer than fast"), std::string::npos) << slow.error().message;
  const auto missing = makeStrategy(YAML::Load("{id: x, type: ma_cross, symbols: [A]}"), "rrr.yml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("strategies.quantity is required"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace rrr::engine
