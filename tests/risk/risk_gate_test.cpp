// Each risk rule's accept and reject paths, with the numbers each decision carries; the limits
// from config.
#include <gtest/gtest.h>

#include "common/fixed_point.h"
#include "risk/risk_gate.h"
#include "risk/risk_limits_config.h"

namespace rrr::risk {
namespace {

using msg::RiskRule;
constexpr std::int64_t kSecondNs = 1'000'000'000;

std::int64_t e8(const char* text) { return parseFixed(text).value(); }

IntentView buy(const char* quantity, std::int64_t time_ns = 0, msg::Side side = msg::Side::Buy) {
  IntentView intent;
  intent.client_order_id = "id";
  intent.symbol = "BTCUSDT";
  intent.side = side;
  intent.quantity_e8 = e8(quantity);
  intent.time_ns = time_ns;
  return intent;
}

AccountView account() {
  AccountView view;
  view.last_prices_e8 = {{"BTCUSDT", e8("100")}, {"ETHUSDT", e8("50")}};
  view.equity_e8 = view.peak_equity_e8 = view.day_start_equity_e8 = e8("10000");
  return view;
}

TEST(RiskGate, KillSwitchBlocksNewOrdersButNotCancels) {
  RiskGate sut({});
  sut.setKillSwitch(true);
  const auto refused = sut.check(buy("1"), account());
  EXPECT_FALSE(refused.approved);
  EXPECT_EQ(refused.rule, RiskRule::KillSwitch);
  auto cancel = buy("1");
  cancel.action = msg::IntentAction::Cancel;
  EXPECT_TRUE(sut.check(cancel, account()).approved);
  sut.setKillSwitch(false);
  EXPECT_TRUE(sut.check(buy("1"), account()).approved);
}

TEST(RiskGate, MalformedIntentsAndMissingPricesAreRefused) {
  RiskGate sut({});
  EXPECT_EQ(sut.check(buy("0"), account()).rule, RiskRule::MalformedIntent);
  auto limit = buy("1");
  limit.type = msg::OrderType::Limit;
  EXPECT_EQ(sut.check(limit, account()).rule, RiskRule::MalformedIntent);
  auto unknown = buy("1");
  unknown.symbol = "XYZ";
  const auto verdict = sut.check(unknown, account());
  EXPECT_EQ(verdict.rule, RiskRule::PriceBand);
  EXPECT_EQ(verdict.detail, "no last price for XYZ: cannot check the order");
}

TEST(RiskGate, PriceBandRefusesAFatFingerLimit) {
  RiskLimits limits;
  limits.price_band_bps = 100;
  RiskGate sut(limits);
  auto near = buy("1");
  near.type = msg::OrderType::Limit;
  near.limit_price_e8 = e8("100.5");
  EXPECT_TRUE(sut.check(near, account()).approved);
  auto far = near;
  far.limit_price_e8 = e8("101.5");
  const auto verdict = sut.check(far, account());
  EXPECT_EQ(verdict.rule, RiskRule::PriceBand);
  EXPECT_DOUBLE_EQ(verdict.limit, 100);
  EXPECT_NEAR(verdict.observed, 150, 1e-9);
}

TEST(RiskGate, OrderNotionalPositionAndGrossExposureLimits) {
  RiskLimits limits;
  limits.max_order_notional_e8 = e8("1000");
  RiskGate notional_only(limits);
  auto view = account();
  EXPECT_TRUE(notional_only.check(buy("10"), view).approved) << "notional 1000: at the limit";
  const auto notional = notional_only.check(buy("10.01"), view);
  EXPECT_EQ(notional.rule, RiskRule::MaxOrderNotional);
  EXPECT_DOUBLE_EQ(notional.observed, 1001);

  limits.max_position_e8 = {{"BTCUSDT", e8("5")}};
  limits.max_gross_exposure_e8 = e8("1500");
  RiskGate sut(limits);
  view.positions_e8 = {{"BTCUSDT", e8("4")}, {"ETHUSDT", e8("-10")}};   // gross 400 + 500
  EXPECT_TRUE(sut.check(buy("1"), view).approved);
  const auto position = sut.check(buy("1.5"), view);
  EXPECT_EQ(position.rule, RiskRule::MaxPosition);
  EXPECT_DOUBLE_EQ(position.observed, 5.5);
  EXPECT_EQ(sut.check(buy("10", 0, msg::Side::Sell), view).rule, RiskRule::MaxPosition) << "4 - 10 = -6";
  EXPECT_TRUE(sut.check(buy("5", 0, msg::Side::Sell), view).approved);

  limits.max_position_e8.clear();
  RiskGate gross(limits);
  EXPECT_TRUE(gross.check(buy("6"), view).approved) << "900 + 600 = 1500";
  const auto refused = gross.check(buy("7"), view);
  EXPECT_EQ(refused.rule, RiskRule::MaxGrossExposure);
  EXPECT_DOUBLE_EQ(refused.observed, 1600);
}

TEST(RiskGate, OpenOrdersAndOrdersPerMinute) {
  RiskLimits limits;
  limits.max_open_orders = 2;
  limits.max_orders_per_minute = 2;
  RiskGate sut(limits);
  auto view = account();
  view.open_orders = 1;
  EXPECT_TRUE(sut.check(buy("1", 0), view).approved);
  view.open_orders = 2;
  EXPECT_EQ(sut.check(buy("1", 1 * kSecondNs), view).rule, RiskRule::MaxOpenOrders);
  view.open_orders = 0;
  EXPECT_TRUE(sut.check(buy("1", 10 * kSecondNs), view).approved);
  const auto third = sut.check(buy("1", 20 * kSecondNs), view);
  EXPECT_EQ(third.rule, RiskRule::MaxOrdersPerMinute);
  EXPECT_DOUBLE_EQ(third.observed, 3);
  EXPECT_TRUE(sut.check(buy("1", 61 * kSecondNs), view).approved) << "the first one is more than a minute old";
}

// An approval rrr-risk could not publish before the kill switch came on is decided again; it
// must not count toward the orders-per-minute window after the switch is off.
TEST(RiskGate, AWithdrawnApprovalDoesNotCountTowardOrdersPerMinute) {
  RiskLimits limits;
  limits.max_orders_per_minute = 1;
  RiskGate sut(limits);
  EXPECT_TRUE(sut.check(buy("1", 0), account()).approved);
  sut.withdrawApproval(0);
  EXPECT_TRUE(sut.check(buy("1", 10 * kSecondNs), account()).approved);
  sut.withdrawApproval(0);   // not the last approval: nothing is taken back
  EXPECT_EQ(sut.check(buy("1", 20 * kSecondNs), account()).rule, RiskRule::MaxOrdersPerMinute);
}

TEST(RiskGate, DailyLossAndDrawdownBreachesHaltUntilRearmed) {
  RiskLimits limits;
  limits.max_daily_loss_e8 = e8("100");
  limits.max_drawdown = 0.1;
  RiskGate sut(limits);
  auto view = account();
  view.equity_e8 = e8("9950");
  EXPECT_TRUE(sut.check(buy("1"), view).approved);
  view.equity_e8 = e8("9899");
  const auto loss = sut.check(buy("1"), view);
  EXPECT_EQ(loss.rule, RiskRule::MaxDailyLoss);
  EXPECT_TRUE(loss.halts);
  EXPECT_TRUE(sut.halted());
  view.equity_e8 = e8("9990");
  EXPECT_EQ(sut.check(buy("1"), view).rule, RiskRule::TradingHalted) << "halted until re-armed, even after recovering";
  sut.rearm();
  EXPECT_TRUE(sut.check(buy("1"), view).approved);

  view.day_start_equity_e8 = e8("9000");
  view.peak_equity_e8 = e8("10000");
  view.equity_e8 = e8("9001");
  EXPECT_TRUE(sut.check(buy("1"), view).approved);
  view.equity_e8 = e8("8999");
  const auto drawdown = sut.check(buy("1"), view);
  EXPECT_EQ(drawdown.rule, RiskRule::MaxDrawdown);
  EXPECT_NEAR(drawdown.observed, 0.1001, 1e-12);
  EXPECT_TRUE(sut.halted());
}

TEST(RiskGate, AnAccountRecordAloneCanBreachAndHalt) {
  RiskLimits limits;
  limits.max_drawdown = 0.1;
  RiskGate sut(limits);
  auto view = account();
  view.peak_equity_e8 = e8("10000");
  view.equity_e8 = e8("9001");
  EXPECT_FALSE(sut.checkAccount(view).has_value());
  EXPECT_FALSE(sut.halted());
  view.equity_e8 = e8("8999");
  const auto breach = sut.checkAccount(view);
  ASSERT_TRUE(breach.has_value());
  EXPECT_EQ(breach->rule, RiskRule::MaxDrawdown);
  EXPECT_DOUBLE_EQ(breach->limit, 0.1);
  EXPECT_NEAR(breach->observed, 0.1001, 1e-12);
  EXPECT_TRUE(sut.halted());
  EXPECT_FALSE(sut.checkAccount(view).has_value()) << "reported once: already halted";
  EXPECT_EQ(sut.check(buy("1"), view).rule, RiskRule::TradingHalted);
}

}  // namespace
}  // namespace rrr::risk


namespace rrr::risk {
namespace {

TEST(RiskLimitsConfig, ReadsEveryLimitAndNamesTheLineOfAWrongOne) {
  const auto limits = loadRiskLimits(YAML::Load("max_position: {BTCUSDT: 0.5, default: 0.1}\n"
                                                "max_order_notional: 5000\n"
                                                "max_gross_exposure: 20000\n"
                                                "max_open_orders: 20\n"
                                                "max_orders_per_minute: 60\n"
                                                "price_band_bps: 200\n"
                                                "max_daily_loss: 500\n"
                                                "max_drawdown: 0.1\n"),
                                     "rrr.yml");
  ASSERT_TRUE(limits.ok()) << limits.error().message;
  EXPECT_EQ(limits->max_position_e8.at("BTCUSDT"), e8("0.5"));
  EXPECT_EQ(limits->default_max_position_e8, e8("0.1"));
  EXPECT_EQ(limits->max_order_notional_e8, e8("5000"));
  EXPECT_EQ(limits->max_gross_exposure_e8, e8("20000"));
  EXPECT_EQ(limits->max_open_orders, 20);
  EXPECT_EQ(limits->max_orders_per_minute, 60);
  EXPECT_DOUBLE_EQ(limits->price_band_bps, 200);
  EXPECT_EQ(limits->max_daily_loss_e8, e8("500"));
  EXPECT_DOUBLE_EQ(limits->max_drawdown, 0.1);

  const auto wrong = loadRiskLimits(YAML::Load("max_open_orders: 20\nmax_drawdown: 3\n"), "rrr.yml");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "rrr.yml:2: settings.limits.max_drawdown must be between 0 and 1.000000");
  const auto unknown = loadRiskLimits(YAML::Load("max_leverage: 3\n"), "rrr.yml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("max_leverage is not a limit rrr-risk knows"), std::string::npos);
  const auto symbol = loadRiskLimits(YAML::Load("max_position: {BTCUSDT: lots}\n"), "rrr.yml");
  ASSERT_FALSE(symbol.ok());
  EXPECT_NE(symbol.error().message.find("settings.limits.max_position.BTCUSDT must be a number"), std::string::npos);
}

}  // namespace
}  // namespace rrr::risk
