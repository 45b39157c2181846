#include "messages/body_checks.h"

namespace rrr::messages::detail {
namespace {

bool needsLimitPrice(msg::OrderType type) {
  return type == msg::OrderType::Limit || type == msg::OrderType::StopLimit;
}
bool needsStopPrice(msg::OrderType type) {
  return type == msg::OrderType::Stop || type == msg::OrderType::StopLimit;
}

FieldChecker& checkPrices(FieldChecker& checker, msg::OrderType type, std::int64_t limit, std::int64_t stop) {
  if (needsLimitPrice(type)) checker.positive("limit_price_e8", limit);
  if (needsStopPrice(type)) checker.positive("stop_price_e8", stop);
  return checker.nonNegative("limit_price_e8", limit).nonNegative("stop_price_e8", stop);
}

}  // namespace

CheckStatus checkOrderIntent(const msg::OrderIntent& intent) {
  FieldChecker checker("OrderIntent");
  checker.id("client_order_id", intent.client_order_id())
      .id("strategy_id", intent.strategy_id())
      .symbol("symbol", intent.symbol())
      .enumeration("action", intent.action())
      .enumeration("side", intent.side())
      .enumeration("order_type", intent.order_type())
      .enumeration("time_in_force", intent.time_in_force())
      .nonNegative("decision_time_ns", intent.decision_time_ns());
  if (intent.action() != msg::IntentAction::Cancel) {
    checker.positive("quantity_e8", intent.quantity_e8());
    checkPrices(checker, intent.order_type(), intent.limit_price_e8(), intent.stop_price_e8());
  }
  if (intent.action() != msg::IntentAction::New) {
    checker.id("target_client_order_id", intent.target_client_order_id());
  }
  return checker.status();
}

CheckStatus checkOrder(const msg::Order& order) {
  FieldChecker checker("Order");
  checker.id("client_order_id", order.client_order_id())
      .text("exchange_order_id", order.exchange_order_id(), 0, kMaxIdLength)
      .text("strategy_id", order.strategy_id(), 0, kMaxIdLength)
      .symbol("symbol", order.symbol())
      .enumeration("side", order.side())
      .enumeration("order_type", order.order_type())
      .enumeration("time_in_force", order.time_in_force())
      .enumeration("status", order.status())
      .positive("quantity_e8", order.quantity_e8())
      .nonNegative("filled_quantity_e8", order.filled_quantity_e8())
      .notAbove("filled_quantity_e8", order.filled_quantity_e8(), "quantity_e8", order.quantity_e8())
      .nonNegative("average_fill_price_e8", order.average_fill_price_e8());
  return checkPrices(checker, order.order_type(), order.limit_price_e8(), order.stop_price_e8()).status();
}

CheckStatus checkOrderUpdate(const msg::OrderUpdate& update) {
  return FieldChecker("OrderUpdate")
      .id("client_order_id", update.client_order_id())
      .text("exchange_order_id", update.exchange_order_id(), 0, kMaxIdLength)
      .enumeration("previous_status", update.previous_status())
      .enumeration("status", update.status())
      .nonNegative("filled_quantity_e8", update.filled_quantity_e8())
      .nonNegative("remaining_quantity_e8", update.remaining_quantity_e8())
      .optionalText("reason", update.reason())
      .status();
}

CheckStatus checkFill(const msg::Fill& fill) {
  return FieldChecker("Fill")
      .id("client_order_id", fill.client_order_id())
      .id("fill_id", fill.fill_id())
      .symbol("symbol", fill.symbol())
      .enumeration("side", fill.side())
      .positive("price_e8", fill.price_e8())
      .positive("quantity_e8", fill.quantity_e8())
      .text("fee_currency", fill.fee_currency(), 0, kMaxSymbolLength)
      .enumeration("liquidity", fill.liquidity())
      .nonNegative("time_ns", fill.time_ns())
      .status();
}

CheckStatus checkPosition(const msg::Position& position) {
  return FieldChecker("Position")
      .symbol("symbol", position.symbol())
      .nonNegative("average_cost_e8", position.average_cost_e8())
      .nonNegative("mark_price_e8", position.mark_price_e8())
      .status();
}

CheckStatus checkPortfolioSnapshot(const msg::PortfolioSnapshot& snapshot) {
  FieldChecker checker("PortfolioSnapshot");
  if (const auto* cash = snapshot.cash()) {
    for (const auto* balance : *cash) checker.symbol("cash[].currency", balance->currency());
  }
  if (const auto* positions = snapshot.positions()) {
    for (const auto* position : *positions) checker.nested(checkPosition(*position));
  }
  return checker.nonNegative("fees_paid_e8", snapshot.fees_paid_e8()).status();
}

}  // namespace rrr::messages::detail
