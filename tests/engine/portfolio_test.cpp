// Portfolio accounting against hand-computed examples: adding, partial closes, a flip, fees,
// marks, equity and its peak.
#include <gtest/gtest.h>

#include "common/fixed_point.h"
#include "engine/order_state.h"
#include "engine/portfolio.h"

namespace rrr::engine {
namespace {

std::int64_t e8(const char* text) { return parseFixed(text).value(); }

FillEvent fill(Side side, const char* price, const char* quantity, const char* fee) {
  return {"BTCUSDT", side, e8(price), e8(quantity), e8(fee), "USDT"};
}

TEST(Portfolio, AddsClosesFlipsAndAccountsForFeesAsComputedByHand) {
  Portfolio sut("USDT", e8("10000"));
  ASSERT_TRUE(sut.applyFill(fill(Side::kBuy, "100", "1", "0.1")).ok());
  EXPECT_EQ(sut.cash(), e8("9899.9"));
  ASSERT_TRUE(sut.applyFill(fill(Side::kBuy, "110", "1", "0.11")).ok());
  EXPECT_EQ(sut.position("BTCUSDT").quantity_e8, e8("2"));
  EXPECT_EQ(sut.position("BTCUSDT").average_cost_e8, e8("105"));
  EXPECT_EQ(sut.cash(), e8("9789.79"));

  // A partial close realizes (120 - 105) * 0.5 and leaves the cost of the rest alone.
  ASSERT_TRUE(sut.applyFill(fill(Side::kSell, "120", "0.5", "0.06")).ok());
  EXPECT_EQ(sut.position("BTCUSDT").realized_pnl_e8, e8("7.5"));
  EXPECT_EQ(sut.position("BTCUSDT").average_cost_e8, e8("105"));
  EXPECT_EQ(sut.cash(), e8("9849.73"));
  EXPECT_EQ(sut.peakEquity(), e8("10029.73"));   // 9849.73 + 1.5 * 120

  sut.mark("BTCUSDT", e8("100"));
  EXPECT_EQ(sut.unrealizedPnl(), e8("-7.5"));
  EXPECT_EQ(sut.equity(), e8("9999.73"));   // 10000 - fees 0.27 + realized 7.5 + unrealized -7.5

  // A flip: selling 2.5 closes 1.5 (realizing (90 - 105) * 1.5) and opens a 1.0 short at 90.
  ASSERT_TRUE(sut.applyFill(fill(Side::kSell, "90", "2.5", "0.225")).ok());
  EXPECT_EQ(sut.position("BTCUSDT").quantity_e8, e8("-1"));
  EXPECT_EQ(sut.position("BTCUSDT").average_cost_e8, e8("90"));
  EXPECT_EQ(sut.realizedPnl(), e8("-15"));
  EXPECT_EQ(sut.cash(), e8("10074.505"));
  sut.mark("BTCUSDT", e8("80"));
  EXPECT_EQ(sut.unrealizedPnl(), e8("10"));   // short 1 from 90, marked at 80
  EXPECT_EQ(sut.equity(), e8("9994.505"));
  EXPECT_EQ(sut.grossExposure(), e8("80"));

  // Covering the short at 85 realizes +5 and leaves the account flat.
  ASSERT_TRUE(sut.applyFill(fill(Side::kBuy, "85", "1", "0")).ok());
  EXPECT_EQ(sut.position("BTCUSDT").quantity_e8, 0);
  EXPECT_EQ(sut.realizedPnl(), e8("-10"));
  EXPECT_EQ(sut.feesPaid(), e8("0.495"));
  EXPECT_EQ(sut.equity(), e8("9989.505"));   // 10000 - 0.495 - 10
  EXPECT_EQ(sut.unrealizedPnl(), 0);
  EXPECT_EQ(sut.peakEquity(), e8("10029.73"));
}

TEST(Portfolio, SymbolsAreKeptApartAndEquitySumsThem) {
  Portfolio sut("USDT", e8("1000"));
  ASSERT_TRUE(sut.applyFill({"BTCUSDT", Side::kBuy, e8("100"), e8("2"), 0, "USDT"}).ok());
  ASSERT_TRUE(sut.applyFill({"ETHUSDT", Side::kSell, e8("10"), e8("5"), 0, "USDT"}).ok());
  sut.mark("BTCUSDT", e8("110"));
  sut.mark("ETHUSDT", e8("12"));
  EXPECT_EQ(sut.position("BTCUSDT").unrealizedPnl(), e8("20"));
  EXPECT_EQ(sut.position("ETHUSDT").unrealizedPnl(), e8("-10"));
  EXPECT_EQ(sut.equity(), e8("1010"));   // cash 850 + 220 - 60
  EXPECT_EQ(sut.grossExposure(), e8("280"));
}

TEST(Portfolio, RefusesAFillItCannotAccountForAndChangesNothing) {
  Portfolio sut("USDT", e8("1000"));
  EXPECT_FALSE(sut.applyFill({"BTCUSDT", Side::kBuy, 0, e8("1"), 0, "USDT"}).ok());
  EXPECT_FALSE(sut.applyFill({"BTCUSDT", Side::kBuy, e8("1"), -5, 0, "USDT"}).ok());
  EXPECT_FALSE(sut.applyFill({"BTCUSDT", Side::kBuy, e8("1"), e8("1"), -1, "USDT"}).ok());
  const auto other = sut.applyFill({"BTCUSDT", Side::kBuy, e8("1"), e8("1"), e8("0.1"), "BNB"});
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("fee in BNB"), std::string::npos);
  EXPECT_EQ(sut.cash(), e8("1000"));
  EXPECT_TRUE(sut.positions().empty());
}

TEST(FixedPoint, ProductsAndQuotientsRoundToTheNearestUnit) {
  EXPECT_EQ(mulFixed(e8("42000.5"), e8("0.00012345")), e8("5.18496173"));   // 5.184961725 rounds up
  EXPECT_EQ(mulFixed(e8("-42000.5"), e8("0.00012345")), e8("-5.18496173"));
  EXPECT_EQ(divFixed(e8("10"), e8("3")), e8("3.33333333"));
  EXPECT_EQ(divFixed(e8("-20"), e8("3")), e8("-6.66666667"));
}

TEST(OrderState, FollowsTheDocumentedMachine) {
  using msg::OrderStatus;
  EXPECT_TRUE(isAllowed(OrderStatus::New, OrderStatus::Accepted));
  EXPECT_TRUE(isAllowed(OrderStatus::New, OrderStatus::Rejected));
  EXPECT_FALSE(isAllowed(OrderStatus::New, OrderStatus::Filled));
  EXPECT_TRUE(isAllowed(OrderStatus::Accepted, OrderStatus::PartiallyFilled));
  EXPECT_TRUE(isAllowed(OrderStatus::PartiallyFilled, OrderStatus::PartiallyFilled));
  EXPECT_TRUE(isAllowed(OrderStatus::PartiallyFilled, OrderStatus::Expired));
  EXPECT_FALSE(isAllowed(OrderStatus::Accepted, OrderStatus::Rejected));
  for (auto final_status : {OrderStatus::Filled, OrderStatus::Cancelled, OrderStatus::Rejected, OrderStatus::Expired}) {
    EXPECT_TRUE(isFinal(final_status));
    for (int to = 0; to <= 6; ++to) EXPECT_FALSE(isAllowed(final_status, static_cast<OrderStatus>(to)));
  }
}

}  // namespace
}  // namespace rrr::engine
