#include "risk/risk_gate.h"

#include <cmath>

#include "common/fixed_point.h"

namespace rrr::risk {
namespace {

using msg::RiskRule;

std::int64_t absolute(std::int64_t value) { return value < 0 ? -value : value; }

Verdict refuse(RiskRule rule, double limit, double observed, std::string detail, bool halts = false) {
  return {false, rule, limit, observed, std::move(detail), halts};
}

std::int64_t valueIn(const std::map<std::string, std::int64_t>& values, const std::string& key) {
  const auto found = values.find(key);
  return found == values.end() ? 0 : found->second;
}

}  // namespace

const std::string& RiskGate::haltReason() const {
  static const std::string kNone;
  return halted_ ? *halted_ : kNone;
}

Verdict RiskGate::check(const IntentView& intent, const AccountView& account) {
  if (intent.action == msg::IntentAction::Cancel) return {};
  if (kill_switch_) return refuse(RiskRule::KillSwitch, 0, 1, "the kill switch is on: no new orders");
  if (halted_) return refuse(RiskRule::TradingHalted, 0, 1, "trading is halted (" + *halted_ + "); re-arm by hand");
  forgetApprovalsBefore(intent.time_ns);
  auto verdict = checkNew(intent, account);
  if (verdict.halts) halted_ = verdict.detail;
  if (verdict.approved) approved_times_ns_.push_back(intent.time_ns);
  return verdict;
}

Verdict RiskGate::adopt(const IntentView& intent, Verdict prior, const std::vector<std::int64_t>& approvals_before) {
  if (intent.action == msg::IntentAction::Cancel) return prior;
  if (!approvals_before.empty()) approved_times_ns_.assign(approvals_before.begin(), approvals_before.end());
  forgetApprovalsBefore(intent.time_ns);
  if (prior.approved) approved_times_ns_.push_back(intent.time_ns);
  prior.halts = false;   // a halt it caused is in data/risk already
  return prior;
}

void RiskGate::withdrawApproval(std::int64_t time_ns) {
  if (!approved_times_ns_.empty() && approved_times_ns_.back() == time_ns) approved_times_ns_.pop_back();
}

void RiskGate::forgetApprovalsBefore(std::int64_t time_ns) {
  while (!approved_times_ns_.empty() && approved_times_ns_.front() <= time_ns - kOrdersPerMinuteWindowNs) approved_times_ns_.pop_front();
}

Verdict RiskGate::checkNew(const IntentView& intent, const AccountView& account) const {
  const bool limit_type = intent.type == msg::OrderType::Limit || intent.type == msg::OrderType::StopLimit;
  const bool stop_type = intent.type == msg::OrderType::Stop || intent.type == msg::OrderType::StopLimit;
  if (intent.quantity_e8 <= 0 || (limit_type && intent.limit_price_e8 <= 0) || (stop_type && intent.stop_price_e8 <= 0)) {
    return refuse(RiskRule::MalformedIntent, 0, fromFixed(intent.quantity_e8), "quantity and the prices its type needs must be positive");
  }
  const std::int64_t last = valueIn(account.last_prices_e8, intent.symbol);
  if (last <= 0) return refuse(RiskRule::PriceBand, 0, 0, "no last price for " + intent.symbol + ": cannot check the order");
  const std::int64_t price = limit_type ? intent.limit_price_e8 : stop_type ? intent.stop_price_e8 : last;
  const double band_bps = std::fabs(static_cast<double>(price - last)) / static_cast<double>(last) * 10'000.0;
  if (limits_.price_band_bps > 0 && band_bps > limits_.price_band_bps) {
    return refuse(RiskRule::PriceBand, limits_.price_band_bps, band_bps,
                  "price " + formatFixed(price) + " is " + std::to_string(band_bps) + " bps from the last price " + formatFixed(last));
  }
  const std::int64_t notional = mulFixed(intent.quantity_e8, std::max(price, last));
  if (limits_.max_order_notional_e8 > 0 && notional > limits_.max_order_notional_e8) {
    return refuse(RiskRule::MaxOrderNotional, fromFixed(limits_.max_order_notional_e8), fromFixed(notional), "order notional above the limit");
  }
  const std::int64_t signed_quantity = intent.side == msg::Side::Buy ? intent.quantity_e8 : -intent.quantity_e8;
  const std::int64_t after = valueIn(account.positions_e8, intent.symbol) + signed_quantity;
  const auto listed = limits_.max_position_e8.find(intent.symbol);
  const std::int64_t max_position = listed != limits_.max_position_e8.end() ? listed->second : limits_.default_max_position_e8;
  if (max_position > 0 && absolute(after) > max_position) {
    return refuse(RiskRule::MaxPosition, fromFixed(max_position), fromFixed(absolute(after)), intent.symbol + " position after the order above the limit");
  }
  std::int64_t gross = 0;
  for (const auto& [symbol, quantity] : account.positions_e8) gross += absolute(mulFixed(quantity, valueIn(account.last_prices_e8, symbol)));
  if (limits_.max_gross_exposure_e8 > 0 && gross + notional > limits_.max_gross_exposure_e8) {
    return refuse(RiskRule::MaxGrossExposure, fromFixed(limits_.max_gross_exposure_e8), fromFixed(gross + notional),
                  "gross exposure with the order above the limit");
  }
  if (limits_.max_open_orders > 0 && account.open_orders + 1 > limits_.max_open_orders) {
    return refuse(RiskRule::MaxOpenOrders, limits_.max_open_orders, account.open_orders + 1, "too many open orders");
  }
  if (limits_.max_orders_per_minute > 0) {
    int recent = 0;
    for (const auto time : approved_times_ns_) recent += time > intent.time_ns - kOrdersPerMinuteWindowNs ? 1 : 0;
    if (recent + 1 > limits_.max_orders_per_minute) {
      return refuse(RiskRule::MaxOrdersPerMinute, limits_.max_orders_per_minute, recent + 1, "too many orders in the last minute");
    }
  }
  return accountBreach(account);
}

std::optional<Verdict> RiskGate::checkAccount(const AccountView& account) {
  if (halted_) return std::nullopt;
  auto verdict = accountBreach(account);
  if (!verdict.halts) return std::nullopt;
  halted_ = verdict.detail;
  return verdict;
}

Verdict RiskGate::accountBreach(const AccountView& account) const {
  const std::int64_t day_loss = account.day_start_equity_e8 - account.equity_e8;
  if (limits_.max_daily_loss_e8 > 0 && day_loss > limits_.max_daily_loss_e8) {
    return refuse(RiskRule::MaxDailyLoss, fromFixed(limits_.max_daily_loss_e8), fromFixed(day_loss),
                  "daily loss " + formatFixed(day_loss) + " above the limit", true);
  }
  if (limits_.max_drawdown > 0 && account.peak_equity_e8 > 0) {
    const double drawdown = static_cast<double>(account.peak_equity_e8 - account.equity_e8) / static_cast<double>(account.peak_equity_e8);
    if (drawdown > limits_.max_drawdown) {
      return refuse(RiskRule::MaxDrawdown, limits_.max_drawdown, drawdown, "drawdown from the equity peak above the limit", true);
    }
  }
  return {};
}

}  // namespace rrr::risk
