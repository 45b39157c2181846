#include "engine/portfolio.h"

#include <algorithm>

#include "common/fixed_point.h"

namespace rrr::engine {
namespace {

std::int64_t absolute(std::int64_t value) { return value < 0 ? -value : value; }

}  // namespace

std::int64_t PositionState::unrealizedPnl() const {
  if (quantity_e8 == 0) return 0;
  return mulFixed(mark_e8 - average_cost_e8, quantity_e8);
}

Portfolio::Portfolio(std::string account_currency, std::int64_t starting_cash_e8)
    : currency_(std::move(account_currency)), cash_(starting_cash_e8), peak_equity_(starting_cash_e8) {}

Status<std::string> Portfolio::applyFill(const FillEvent& fill) {
  if (fill.price_e8 <= 0 || fill.quantity_e8 <= 0) {
    return makeError(fill.symbol + ": a fill needs a positive price and quantity");
  }
  if (fill.fee_e8 < 0) return makeError(fill.symbol + ": a fill's fee cannot be negative");
  if (fill.fee_e8 > 0 && fill.fee_currency != currency_) {
    return makeError(fill.symbol + ": fee in " + fill.fee_currency + ", but the account is in " + currency_);
  }
  auto& position = positions_[fill.symbol];
  const std::int64_t signed_quantity = fill.side == Side::kBuy ? fill.quantity_e8 : -fill.quantity_e8;
  const std::int64_t notional = mulFixed(fill.price_e8, fill.quantity_e8);
  cash_ += fill.side == Side::kBuy ? -notional : notional;
  cash_ -= fill.fee_e8;
  fees_ += fill.fee_e8;

  const bool adds = position.quantity_e8 == 0 || (position.quantity_e8 > 0) == (signed_quantity > 0);
  if (adds) {
    const std::int64_t old_cost = mulFixed(position.average_cost_e8, absolute(position.quantity_e8));
    const std::int64_t new_quantity = position.quantity_e8 + signed_quantity;
    position.average_cost_e8 = divFixed(old_cost + notional, absolute(new_quantity));
    position.quantity_e8 = new_quantity;
  } else {
    const std::int64_t closed = std::min(absolute(position.quantity_e8), fill.quantity_e8);
    const std::int64_t direction = position.quantity_e8 > 0 ? 1 : -1;
    position.realized_pnl_e8 += direction * mulFixed(fill.price_e8 - position.average_cost_e8, closed);
    position.quantity_e8 += signed_quantity;
    if (position.quantity_e8 == 0) {
      position.average_cost_e8 = 0;
    } else if ((position.quantity_e8 > 0) != (direction > 0)) {
      position.average_cost_e8 = fill.price_e8;   // flipped: the rest opened at the fill price
    }
  }
  position.mark_e8 = fill.price_e8;
  notePeak();
  return {};
}

void Portfolio::mark(const std::string& symbol, std::int64_t price_e8) {
  const auto found = positions_.find(symbol);
  if (found == positions_.end() || price_e8 <= 0) return;
  found->second.mark_e8 = price_e8;
  notePeak();
}

PositionState Portfolio::position(const std::string& symbol) const {
  const auto found = positions_.find(symbol);
  return found == positions_.end() ? PositionState{} : found->second;
}

std::int64_t Portfolio::realizedPnl() const {
  std::int64_t total = 0;
  for (const auto& [symbol, position] : positions_) total += position.realized_pnl_e8;
  return total;
}

std::int64_t Portfolio::unrealizedPnl() const {
  std::int64_t total = 0;
  for (const auto& [symbol, position] : positions_) total += position.unrealizedPnl();
  return total;
}

std::int64_t Portfolio::equity() const {
  std::int64_t total = cash_;
  for (const auto& [symbol, position] : positions_) total += mulFixed(position.quantity_e8, position.mark_e8);
  return total;
}

std::int64_t Portfolio::grossExposure() const {
  std::int64_t total = 0;
  for (const auto& [symbol, position] : positions_) total += absolute(mulFixed(position.quantity_e8, position.mark_e8));
  return total;
}

void Portfolio::notePeak() { peak_equity_ = std::max(peak_equity_, equity()); }

void Portfolio::restore(const PortfolioState& state) {
  cash_ = state.cash_e8;
  positions_ = state.positions;
  fees_ = state.fees_e8;
  peak_equity_ = state.peak_equity_e8;
}

}  // namespace rrr::engine
