// TradingCore: nothing executes before rrr-risk decides; fills come from later bars; the kill
// switch cancels what rests; snapshots follow fills and event time. Restarts:
// trading_core_restart_test.cpp.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <functional>

#include "engine/strategies.h"
#include "trading_core_support.h"

namespace rrr::engine {
namespace {

using namespace testing;

TEST(TradingCore, AnOrderGoesToTheVenueOnlyOnceRiskApprovesItAndFillsOnALaterBar) {
  auto sut = coreWith(std::make_unique<BuyOnce>(OrderRequest{"BTCUSDT", Side::kBuy, msg::OrderType::Market, msg::TimeInForce::GTC, toFixed(1)}));
  CoreOutput first;
  sut->onBar(bar(0, 100, 101, 99, 100), first);
  ASSERT_EQ(first.intents.size(), 1u);
  const auto id = first.intents[0].client_order_id;
  EXPECT_EQ(id, "once-BTCUSDT-" + std::to_string(kStart + kMinuteNs) + "-0");
  ASSERT_EQ(recordsOf<OrderRecord>(first).size(), 1u);
  EXPECT_EQ(recordsOf<OrderRecord>(first)[0].status, msg::OrderStatus::New);
  EXPECT_TRUE(recordsOf<UpdateRecord>(first).empty()) << "nothing reaches the venue before the decision";
  EXPECT_EQ(sut->awaitingDecisions(), 1u);

  CoreOutput decided;
  sut->onDecision(id, true, "", decided);
  const auto updates = recordsOf<UpdateRecord>(decided);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].update.status, msg::OrderStatus::Accepted);
  EXPECT_EQ(updates[0].time_ns, kStart + kMinuteNs + 1'000'000'000) << "acknowledged after the latency";
  ASSERT_EQ(recordsOf<SnapshotRecord>(decided).size(), 1u);
  EXPECT_EQ(recordsOf<SnapshotRecord>(decided)[0].open_orders, 1u);

  CoreOutput next;
  sut->onBar(bar(1, 102, 103, 101, 102.5), next);
  const auto fills = recordsOf<FillRecord>(next);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].fill_id, id + "-f1");
  EXPECT_GT(fills[0].fill.fill.price_e8, toFixed(102)) << "the next bar's open plus slippage, not the signal bar's close";
  const auto snapshot = recordsOf<SnapshotRecord>(next);
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_EQ(snapshot[0].state.positions.at("BTCUSDT").quantity_e8, toFixed(1));
  EXPECT_EQ(snapshot[0].open_orders, 0u);
  EXPECT_EQ(snapshot[0].state.cash_e8, toFixed(100'000) - mulFixed(fills[0].fill.fill.price_e8, toFixed(1)) - fills[0].fill.fill.fee_e8);
  EXPECT_EQ(recordsOf<OrderRecord>(next).back().status, msg::OrderStatus::Filled);
  EXPECT_EQ(recordsOf<OrderRecord>(next).back().average_price_e8, fills[0].fill.fill.price_e8);
}

TEST(TradingCore, ARejectedIntentIsARejectedOrderWithRisksReason) {
  auto sut = coreWith(std::make_unique<BuyOnce>(OrderRequest{"BTCUSDT", Side::kBuy, msg::OrderType::Market, msg::TimeInForce::GTC, toFixed(1)}));
  CoreOutput first, decided, next;
  sut->onBar(bar(0, 100, 101, 99, 100), first);
  sut->onDecision(first.intents[0].client_order_id, false, "max position 0.5 < 1", decided);
  const auto updates = recordsOf<UpdateRecord>(decided);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].update.previous, msg::OrderStatus::New);
  EXPECT_EQ(updates[0].update.status, msg::OrderStatus::Rejected);
  EXPECT_EQ(updates[0].update.reason, "rrr-risk: max position 0.5 < 1");
  sut->onBar(bar(1, 102, 103, 101, 102.5), next);
  EXPECT_TRUE(recordsOf<FillRecord>(next).empty());
  EXPECT_EQ(sut->portfolio().position("BTCUSDT").quantity_e8, 0);
}

// The built-in strategies hear of their orders' fills and updates through the core: a crossover
// whose entry rrr-risk refused has nothing to sell at the cross down, and once an entry fills
// (with its last fill in the same venue step as the update that ends it) it sells what filled.
TEST(TradingCore, AStrategyTradesFromWhatItsOrdersFilled) {
  const auto cross = [] {
    return makeStrategy(YAML::Load("{id: t, type: ma_cross, symbols: [BTCUSDT], fast: 2, slow: 4, average: sma, quantity: 1}"), "x").value();
  };
  const double closes[] = {10, 10, 10, 10, 11, 12, 13, 14, 12, 10, 8};
  for (const bool approve : {false, true}) {
    auto sut = coreWith(cross());
    std::vector<IntentOut> intents;
    for (int minute = 0; minute < 11; ++minute) {
      CoreOutput out;
      sut->onBar(bar(minute, closes[minute], closes[minute], closes[minute], closes[minute], 1000), out);
      for (const auto& intent : out.intents) {
        intents.push_back(intent);
        CoreOutput decided;
        sut->onDecision(intent.client_order_id, approve, "max position 0 < 1", decided);
      }
    }
    ASSERT_GE(intents.size(), 1u);
    EXPECT_EQ(intents[0].request.side, Side::kBuy);
    if (!approve) {
      EXPECT_EQ(intents.size(), 1u) << "the refused entry left nothing to sell";
      EXPECT_EQ(sut->portfolio().position("BTCUSDT").quantity_e8, 0);
    } else {
      ASSERT_EQ(intents.size(), 2u);
      EXPECT_EQ(intents[1].request.side, Side::kSell);
      EXPECT_EQ(intents[1].request.quantity_e8, toFixed(1));
    }
  }
}

// Places a resting limit buy on its first bar and, on its second, replaces it with one at `price`.
class PlaceThenReplace : public Strategy {
 public:
  explicit PlaceThenReplace(double price) : price_(price) {}
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& symbols() const override { return symbols_; }
  void onBar(const BarEvent&, StrategyContext& context) override {
    ++bars_;
    if (bars_ == 1) placed = context.submit({"BTCUSDT", Side::kBuy, msg::OrderType::Limit, msg::TimeInForce::GTC, toFixed(1), toFixed(50), 0});
    if (bars_ == 2) {
      replacement = context.replace(placed, {"BTCUSDT", Side::kBuy, msg::OrderType::Limit, msg::TimeInForce::GTC, toFixed(1), toFixed(price_), 0});
    }
  }
  std::string placed, replacement;

 private:
  double price_;
  int bars_ = 0;
  std::string id_ = "mover";
  std::vector<std::string> symbols_{"BTCUSDT"};
};

// Drives a PlaceThenReplace through four bars near 100, deciding each intent as `approve` says.
struct ReplaceRun {
  std::vector<UpdateRecord> updates;
  std::vector<FillRecord> fills;
  std::string placed, replacement;
};
ReplaceRun runReplace(double price, const std::function<bool(const IntentOut&)>& approve) {
  auto owned = std::make_unique<PlaceThenReplace>(price);
  const auto* strategy = owned.get();
  ReplaceRun run;
  auto sut = coreWith(std::move(owned));
  for (int minute = 0; minute < 4; ++minute) {
    CoreOutput out;
    sut->onBar(bar(minute, 100, 101, 99, 100), out);
    const auto intents = out.intents;
    for (const auto& intent : intents) sut->onDecision(intent.client_order_id, approve(intent), "refused", out);
    for (const auto& update : recordsOf<UpdateRecord>(out)) run.updates.push_back(update);
    for (const auto& fill : recordsOf<FillRecord>(out)) run.fills.push_back(fill);
  }
  run.placed = strategy->placed;
  run.replacement = strategy->replacement;
  return run;
}

std::string statusesOf(const ReplaceRun& run, const std::string& id) {
  std::string text;
  for (const auto& update : run.updates) {
    if (update.update.client_order_id == id) text += std::string(msg::EnumNameOrderStatus(update.update.status)) + " " + update.update.reason + ";";
  }
  return text;
}

TEST(TradingCore, AReplaceCancelsTheOldOrderAndPlacesTheNewOneOnArrival) {
  const auto run = runReplace(102, [](const IntentOut&) { return true; });
  const auto& placed = run.placed;
  const auto& replacement = run.replacement;
  ASSERT_FALSE(replacement.empty());
  EXPECT_NE(replacement, placed) << "the replacement has its own id";
  EXPECT_EQ(statusesOf(run, placed), "Accepted ;Cancelled replaced by " + replacement + ";");
  EXPECT_EQ(statusesOf(run, replacement), "Accepted ;Filled ;");
  ASSERT_EQ(run.fills.size(), 1u);
  EXPECT_EQ(run.fills[0].fill.client_order_id, replacement);
  EXPECT_LE(run.fills[0].fill.fill.price_e8, toFixed(102));
}

TEST(TradingCore, AReplaceRefusedOrTooLateLeavesTheOldOrderAsItIs) {
  const auto refused = runReplace(102, [](const IntentOut& intent) { return intent.action != msg::IntentAction::Replace; });
  EXPECT_EQ(statusesOf(refused, refused.placed), "Accepted ;");
  EXPECT_EQ(statusesOf(refused, refused.replacement), "Rejected rrr-risk: refused;");

  // The old order fills while the replace waits for rrr-risk: approving it then must not place a
  // second order.
  auto owned = std::make_unique<PlaceThenReplace>(102);
  const auto* strategy = owned.get();
  auto sut = coreWith(std::move(owned));
  CoreOutput first, second, third, decided;
  sut->onBar(bar(0, 100, 101, 99, 100), first);
  sut->onDecision(first.intents.at(0).client_order_id, true, "", first);
  sut->onBar(bar(1, 100, 101, 99, 100), second);
  ASSERT_EQ(second.intents.size(), 1u);
  EXPECT_EQ(second.intents[0].action, msg::IntentAction::Replace);
  sut->onBar(bar(2, 100, 101, 49, 100), third);
  ASSERT_EQ(recordsOf<FillRecord>(third).size(), 1u) << "the old order fills at 50";
  sut->onDecision(strategy->replacement, true, "", decided);
  const auto updates = recordsOf<UpdateRecord>(decided);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].update.status, msg::OrderStatus::Rejected);
  EXPECT_EQ(updates[0].update.reason, "nothing to replace: " + strategy->placed + " is no longer open");
  EXPECT_EQ(sut->portfolio().position("BTCUSDT").quantity_e8, toFixed(1)) << "one order filled, not two";
}

TEST(TradingCore, TheKillSwitchCancelsEveryRestingOrder) {
  auto sut = coreWith(std::make_unique<BuyOnce>(
      OrderRequest{"BTCUSDT", Side::kBuy, msg::OrderType::Limit, msg::TimeInForce::GTC, toFixed(1), toFixed(50), 0}));
  CoreOutput first, decided, later, killed;
  sut->onBar(bar(0, 100, 101, 99, 100), first);
  sut->onDecision(first.intents[0].client_order_id, true, "", decided);
  sut->onBar(bar(1, 100, 101, 99, 100), later);
  EXPECT_TRUE(recordsOf<FillRecord>(later).empty()) << "a limit at 50 rests";
  sut->cancelAll("kill switch: operator", killed);
  const auto updates = recordsOf<UpdateRecord>(killed);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].update.status, msg::OrderStatus::Cancelled);
  EXPECT_EQ(updates[0].update.reason, "kill switch: operator");
  EXPECT_EQ(recordsOf<SnapshotRecord>(killed).back().open_orders, 0u);
}

// A re-arm by hand in rrr-risk: the drawdown and the day's loss are measured afresh from the equity
// then, once per re-arm (the count comes again in every later RiskEvent), and the snapshot says
// which re-arm the baselines reflect.
TEST(TradingCore, AReArmStartsThePeakAndTheDaysEquityAgainFromTheEquityThen) {
  auto sut = coreWith(std::make_unique<BuyOnce>(OrderRequest{"BTCUSDT", Side::kBuy, msg::OrderType::Market, msg::TimeInForce::GTC, toFixed(1)}));
  CoreOutput first, decided, filled, fallen;
  sut->onBar(bar(0, 100, 101, 99, 100), first);
  sut->onDecision(first.intents[0].client_order_id, true, "", decided);
  sut->onBar(bar(1, 100, 101, 99, 100), filled);
  sut->onBar(bar(2, 100, 100, 89, 90), fallen);
  const auto before = recordsOf<SnapshotRecord>(fallen).back();
  ASSERT_LT(before.equity_e8, before.state.peak_equity_e8 - toFixed(9)) << "a 10-a-coin fall on one coin";
  EXPECT_EQ(before.day_start_equity_e8, toFixed(100'000));
  EXPECT_EQ(before.rearms_applied, 0u);

  CoreOutput rearmed;
  ASSERT_TRUE(sut->rearm(1, rearmed));
  const auto snapshots = recordsOf<SnapshotRecord>(rearmed);
  ASSERT_EQ(snapshots.size(), 1u) << "a snapshot says so at once";
  EXPECT_EQ(snapshots[0].state.peak_equity_e8, before.equity_e8);
  EXPECT_EQ(snapshots[0].day_start_equity_e8, before.equity_e8);
  EXPECT_EQ(snapshots[0].rearms_applied, 1u);
  CoreOutput again;
  EXPECT_FALSE(sut->rearm(1, again)) << "the same re-arm in a later RiskEvent";
  EXPECT_TRUE(again.empty());

  CoreOutput risen;
  sut->onBar(bar(3, 90, 96, 90, 95), risen);
  EXPECT_EQ(recordsOf<SnapshotRecord>(risen).back().state.peak_equity_e8, recordsOf<SnapshotRecord>(risen).back().equity_e8)
      << "the peak follows the equity up again";
  EXPECT_EQ(recordsOf<SnapshotRecord>(risen).back().rearms_applied, 1u);
}

// The kill switch right after an approval at the same close: the order was accepted a latency
// after that close, and its cancel comes no earlier, so its last record is the cancel.
TEST(TradingCore, AKillSwitchRightAfterAnApprovalCancelsNoEarlierThanTheAcceptance) {
  auto sut = coreWith(std::make_unique<BuyOnce>(
      OrderRequest{"BTCUSDT", Side::kBuy, msg::OrderType::Limit, msg::TimeInForce::GTC, toFixed(1), toFixed(50), 0}));
  CoreOutput first, decided, killed;
  sut->onBar(bar(0, 100, 101, 99, 100), first);
  sut->onDecision(first.intents.at(0).client_order_id, true, "", decided);
  sut->cancelAll("kill switch: operator", killed);
  const auto accepted = recordsOf<UpdateRecord>(decided);
  const auto cancelled = recordsOf<UpdateRecord>(killed);
  ASSERT_EQ(accepted.size(), 1u);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(accepted[0].update.status, msg::OrderStatus::Accepted);
  EXPECT_EQ(cancelled[0].update.status, msg::OrderStatus::Cancelled);
  EXPECT_GE(cancelled[0].time_ns, accepted[0].time_ns);
  const auto orders = recordsOf<OrderRecord>(killed);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].status, msg::OrderStatus::Cancelled);
  EXPECT_GE(orders[0].updated_ns, recordsOf<OrderRecord>(decided).back().updated_ns);
}

// Counts its timer ticks and cancels its resting order on the third.
class CancelOnTimer : public Strategy {
 public:
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& symbols() const override { return symbols_; }
  void onBar(const BarEvent&, StrategyContext& context) override {
    if (order_.empty()) order_ = context.submit({"BTCUSDT", Side::kBuy, msg::OrderType::Limit, msg::TimeInForce::GTC, toFixed(1), toFixed(50), 0});
  }
  void onTimer(std::int64_t, StrategyContext& context) override {
    if (++ticks == 3) context.cancel(order_);
  }
  int ticks = 0;

 private:
  std::string order_;
  std::string id_ = "timer";
  std::vector<std::string> symbols_{"BTCUSDT"};
};

TEST(TradingCore, StrategiesGetATimerTickPerCloseTimeAndCanCancelFromIt) {
  auto strategy = std::make_unique<CancelOnTimer>();
  auto* timer = strategy.get();
  auto sut = coreWith(std::move(strategy));
  std::vector<IntentOut> intents;
  std::vector<UpdateRecord> updates;
  for (int minute = 0; minute < 4; ++minute) {
    CoreOutput out;
    sut->onBar(bar(minute, 100, 101, 99, 100), out);
    BarEvent other = bar(minute, 100, 101, 99, 100);
    other.symbol = "ETHUSDT";
    sut->onBar(other, out);   // the same close time: no second tick
    for (const auto& intent : out.intents) {
      CoreOutput decided;
      sut->onDecision(intent.client_order_id, true, "", decided);
      for (const auto& update : recordsOf<UpdateRecord>(decided)) updates.push_back(update);
      intents.push_back(intent);
    }
  }
  EXPECT_EQ(timer->ticks, 4);
  ASSERT_EQ(intents.size(), 2u);
  EXPECT_EQ(intents[1].action, msg::IntentAction::Cancel);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].update.status, msg::OrderStatus::Cancelled);
  EXPECT_EQ(updates[1].update.reason, "cancelled by timer");
}

TEST(TradingCore, ASnapshotFollowsEveryIntervalOfEventTimeWithoutFills) {
  std::vector<std::unique_ptr<Strategy>> none;
  CoreConfig config;
  config.snapshot_interval_ns = 5 * kMinuteNs;
  TradingCore sut(config, std::move(none));
  int snapshots = 0;
  for (int minute = 0; minute < 30; ++minute) {
    CoreOutput out;
    sut.onBar(wander(minute), out);
    snapshots += static_cast<int>(recordsOf<SnapshotRecord>(out).size());
  }
  EXPECT_EQ(snapshots, 7) << "bars close at minutes 1..30: one at the first, then at 5, 10, ..., 30";
}

}  // namespace
}  // namespace rrr::engine
