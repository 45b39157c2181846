// The paper fill model on hand-made bars: no fill on the signal bar, slippage and fees, partial
// fills capped by volume, limits that must trade through, stops through gaps, stop-limits, IOC.
#include <gtest/gtest.h>

#include "common/fixed_point.h"
#include "engine/paper_venue.h"

namespace rrr::engine {
namespace {

using msg::OrderStatus;
using msg::OrderType;
constexpr std::int64_t kMinuteNs = 60'000'000'000;

std::int64_t e8(const char* text) { return parseFixed(text).value(); }

PaperConfig noCosts() {
  PaperConfig config;
  config.taker_fee_bps = 10;
  config.maker_fee_bps = 2;
  config.slippage_bps = 0;
  config.impact_bps = 0;
  config.max_volume_share = 0.5;
  return config;
}

// Bar n: [n minutes, n + 1 minutes).
PaperBar bar(int n, const char* open, const char* high, const char* low, const char* close, const char* volume = "100") {
  return {"BTCUSDT", n * kMinuteNs, kMinuteNs, e8(open), e8(high), e8(low), e8(close), e8(volume)};
}

// An order decided at the close of bar `decided_after`.
PaperOrder order(const char* id, Side side, OrderType type, const char* quantity, int decided_after,
                 const char* limit = "0", const char* stop = "0") {
  PaperOrder o;
  o.client_order_id = id;
  o.spec = {"BTCUSDT", side, type, msg::TimeInForce::GTC, e8(quantity), e8(limit), e8(stop)};
  o.decision_time_ns = (decided_after + 1) * kMinuteNs;
  return o;
}

TEST(PaperVenue, NeverFillsOnTheSignalBarAndFillsAMarketOrderAtTheNextOpen) {
  PaperVenue sut(noCosts());
  const auto accepted = sut.submit(order("a", Side::kBuy, OrderType::Market, "1", 0));
  ASSERT_EQ(accepted.updates.size(), 1u);
  EXPECT_EQ(accepted.updates[0].status, OrderStatus::Accepted);
  EXPECT_TRUE(sut.onBar(bar(0, "100", "101", "99", "100")).fills.empty()) << "the bar that produced the signal";
  const auto next = sut.onBar(bar(1, "102", "103", "101", "102"));
  ASSERT_EQ(next.fills.size(), 1u);
  EXPECT_EQ(next.fills[0].fill.price_e8, e8("102"));
  EXPECT_EQ(next.fills[0].fill.fee_e8, e8("0.102"));   // 10 bps of 102
  EXPECT_EQ(next.fills[0].liquidity, msg::Liquidity::Taker);
  EXPECT_EQ(next.updates.back().status, OrderStatus::Filled);
}

TEST(PaperVenue, TakerFillsPaySlippagePlusImpactByVolumeShare) {
  auto config = noCosts();
  config.slippage_bps = 10;
  config.impact_bps = 100;   // at 100% of the bar's volume
  PaperVenue sut(config);
  (void)sut.submit(order("b", Side::kBuy, OrderType::Market, "1", 0));
  (void)sut.submit(order("s", Side::kSell, OrderType::Market, "1", 0));
  const auto events = sut.onBar(bar(1, "100", "101", "99", "100", "10"));
  ASSERT_EQ(events.fills.size(), 2u);
  EXPECT_EQ(events.fills[0].fill.price_e8, e8("100.2"));   // 10 bps + 100 bps x 10% share
  EXPECT_EQ(events.fills[0].fill.fee_e8, e8("0.1002"));
  EXPECT_EQ(events.fills[1].fill.price_e8, e8("99.8"));
}

TEST(PaperVenue, PartialFillsAreCappedAtTheBarsVolumeShareAndContinueOnLaterBars) {
  PaperVenue sut(noCosts());
  (void)sut.submit(order("big", Side::kBuy, OrderType::Market, "5", 0));
  std::vector<OrderStatus> statuses;
  std::int64_t filled = 0;
  for (int n = 1; n <= 4; ++n) {
    const auto events = sut.onBar(bar(n, "100", "100", "100", "100", "4"));   // 2 per bar at a 50% share
    for (const auto& fill : events.fills) filled += fill.fill.quantity_e8;
    for (const auto& update : events.updates) statuses.push_back(update.status);
  }
  EXPECT_EQ(filled, e8("5"));
  EXPECT_EQ(statuses, (std::vector{OrderStatus::PartiallyFilled, OrderStatus::PartiallyFilled, OrderStatus::Filled}));
  EXPECT_TRUE(sut.onBar(bar(5, "100", "100", "100", "100", "0")).fills.empty());
}

TEST(PaperVenue, ALimitFillsWhenThePathTradesThroughItNotWhenItTouches) {
  PaperVenue sut(noCosts());
  (void)sut.submit(order("touch", Side::kBuy, OrderType::Limit, "1", 0, "95"));
  EXPECT_TRUE(sut.onBar(bar(1, "100", "101", "95", "99")).fills.empty()) << "a touch is not a fill";
  // O100 H101 L94 C99: the high is nearer, so the path is 100, 101, 94, 99: through 95 going down.
  const auto through = sut.onBar(bar(2, "100", "101", "94", "99"));
  ASSERT_EQ(through.fills.size(), 1u);
  EXPECT_EQ(through.fills[0].fill.price_e8, e8("95"));
  EXPECT_EQ(through.fills[0].liquidity, msg::Liquidity::Maker);
  EXPECT_EQ(through.fills[0].fill.fee_e8, e8("0.019"));   // 2 bps of 95

  (void)sut.submit(order("marketable", Side::kBuy, OrderType::Limit, "1", 2, "105"));
  const auto at_open = sut.onBar(bar(3, "100", "101", "99", "100"));
  ASSERT_EQ(at_open.fills.size(), 1u);
  EXPECT_EQ(at_open.fills[0].fill.price_e8, e8("100")) << "a limit better than the open fills at the open";
  EXPECT_EQ(at_open.fills[0].liquidity, msg::Liquidity::Taker);
}

TEST(PaperVenue, AStopThatTheBarOpensBeyondFillsAtTheOpenWorseThanTheStop) {
  PaperVenue sut(noCosts());
  (void)sut.submit(order("gap", Side::kSell, OrderType::Stop, "1", 0, "0", "90"));
  const auto gap = sut.onBar(bar(1, "85", "86", "84", "85"));
  ASSERT_EQ(gap.fills.size(), 1u);
  EXPECT_EQ(gap.fills[0].fill.price_e8, e8("85"));

  (void)sut.submit(order("inside", Side::kSell, OrderType::Stop, "1", 1, "0", "90"));
  const auto inside = sut.onBar(bar(2, "100", "101", "88", "95"));   // 100, 101, 88, 95: down through 90
  ASSERT_EQ(inside.fills.size(), 1u);
  EXPECT_EQ(inside.fills[0].fill.price_e8, e8("90"));

  (void)sut.submit(order("up", Side::kBuy, OrderType::Stop, "1", 2, "0", "110"));
  const auto up = sut.onBar(bar(3, "100", "112", "99", "111"));      // 100, 99, 112, 111: up through 110
  ASSERT_EQ(up.fills.size(), 1u);
  EXPECT_EQ(up.fills[0].fill.price_e8, e8("110"));
}

TEST(PaperVenue, AStopLimitTriggersThenRestsAsALimit) {
  PaperVenue sut(noCosts());
  (void)sut.submit(order("at-stop", Side::kBuy, OrderType::StopLimit, "1", 0, "111", "110"));
  (void)sut.submit(order("below", Side::kBuy, OrderType::StopLimit, "1", 0, "108", "110"));
  const auto first = sut.onBar(bar(1, "100", "112", "99", "111"));
  ASSERT_EQ(first.fills.size(), 1u);
  EXPECT_EQ(first.fills[0].client_order_id, "at-stop");
  EXPECT_EQ(first.fills[0].fill.price_e8, e8("110"));
  EXPECT_TRUE(sut.orders().at("below").triggered);
  // 109, 109.5, 107, 108: the high is nearer; down through the 108 limit.
  const auto second = sut.onBar(bar(2, "109", "109.5", "107", "108"));
  ASSERT_EQ(second.fills.size(), 1u);
  EXPECT_EQ(second.fills[0].fill.price_e8, e8("108"));
  EXPECT_EQ(second.fills[0].liquidity, msg::Liquidity::Maker);
}

TEST(PaperVenue, IocTakesWhatTheOpenGivesAndExpiresTheRest) {
  PaperVenue sut(noCosts());
  auto limit = order("ioc-limit", Side::kBuy, OrderType::Limit, "1", 0, "95");
  limit.spec.time_in_force = msg::TimeInForce::IOC;
  auto market = order("ioc-market", Side::kBuy, OrderType::Market, "5", 0);
  market.spec.time_in_force = msg::TimeInForce::IOC;
  (void)sut.submit(limit);
  (void)sut.submit(market);
  const auto events = sut.onBar(bar(1, "100", "101", "90", "99", "4"));
  ASSERT_EQ(events.fills.size(), 1u);
  EXPECT_EQ(events.fills[0].client_order_id, "ioc-market");
  EXPECT_EQ(events.fills[0].fill.quantity_e8, e8("2"));
  EXPECT_EQ(sut.orders().at("ioc-limit").status, OrderStatus::Expired) << "it would have filled later in the bar, but IOC";
  EXPECT_EQ(sut.orders().at("ioc-market").status, OrderStatus::Expired);
  EXPECT_EQ(sut.orders().at("ioc-market").filled_e8, e8("2"));
  EXPECT_EQ(sut.openOrders(), 0u);
}

TEST(PaperVenue, CancelsRejectsAndIgnoresAResubmission) {
  PaperVenue sut(noCosts());
  (void)sut.submit(order("rest", Side::kBuy, OrderType::Limit, "1", 0, "50"));
  const auto cancelled = sut.cancel("rest", "by strategy");
  ASSERT_EQ(cancelled.updates.size(), 1u);
  EXPECT_EQ(cancelled.updates[0].status, OrderStatus::Cancelled);
  EXPECT_TRUE(sut.cancel("rest", "again").updates.empty()) << "a final order stays final";
  const auto bad = sut.submit(order("bad", Side::kBuy, OrderType::Limit, "1", 0));
  ASSERT_EQ(bad.updates.size(), 1u);
  EXPECT_EQ(bad.updates[0].status, OrderStatus::Rejected);
  EXPECT_EQ(bad.updates[0].reason, "a limit order needs a positive limit price");
  EXPECT_TRUE(sut.submit(order("rest", Side::kBuy, OrderType::Market, "1", 0)).updates.empty()) << "same id: already here";
}

}  // namespace
}  // namespace rrr::engine
