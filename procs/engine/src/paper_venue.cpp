#include "engine/paper_venue.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "common/fixed_point.h"
#include "engine/order_state.h"

namespace rrr::engine {
namespace {

using msg::OrderStatus;
using msg::OrderType;

struct FillPoint {
  std::int64_t price_e8;
  bool taker;
};

std::int64_t bps(std::int64_t amount_e8, double basis_points) {
  return std::llround(static_cast<double>(amount_e8) * basis_points / 10'000.0);
}

// Open, the nearer extreme, the other extreme, close.
std::array<std::int64_t, 4> pathOf(const PaperBar& bar) {
  const bool high_first = bar.high_e8 - bar.open_e8 < bar.open_e8 - bar.low_e8;
  return high_first ? std::array{bar.open_e8, bar.high_e8, bar.low_e8, bar.close_e8}
                    : std::array{bar.open_e8, bar.low_e8, bar.high_e8, bar.close_e8};
}

// Where along the bar's path the order first fills (and whether it took liquidity); marks a stop
// triggered when the path reaches it. IOC orders look at the opening price only.
std::optional<FillPoint> firstFill(PaperOrder& order, const PaperBar& bar) {
  const bool buy = order.spec.side == Side::kBuy;
  const auto at_or_better = [&](std::int64_t price) { return buy ? price <= order.spec.limit_price_e8 : price >= order.spec.limit_price_e8; };
  const auto reaches_stop = [&](std::int64_t price) { return buy ? price >= order.spec.stop_price_e8 : price <= order.spec.stop_price_e8; };
  const bool stop_type = order.spec.type == OrderType::Stop || order.spec.type == OrderType::StopLimit;
  const auto path = pathOf(bar);

  const std::int64_t open = path[0];
  if (order.spec.type == OrderType::Market) return FillPoint{open, true};
  if (stop_type && !order.triggered && reaches_stop(open)) order.triggered = true;   // opened beyond the stop
  if (order.spec.type == OrderType::Stop && order.triggered) return FillPoint{open, true};
  const bool limit_live = order.spec.type == OrderType::Limit || (order.spec.type == OrderType::StopLimit && order.triggered);
  if (limit_live && at_or_better(open)) return FillPoint{open, true};
  if (order.spec.time_in_force == msg::TimeInForce::IOC) return std::nullopt;

  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    std::int64_t from = path[i];
    const std::int64_t to = path[i + 1];
    if (stop_type && !order.triggered) {
      const std::int64_t stop = order.spec.stop_price_e8;
      const bool crosses = buy ? from < stop && stop <= to : from > stop && stop >= to;
      if (!crosses) continue;
      order.triggered = true;
      if (order.spec.type == OrderType::Stop) return FillPoint{stop, true};
      if (at_or_better(stop)) return FillPoint{stop, true};
      from = stop;   // a stop-limit now rests as a limit for the rest of the path
    }
    if (order.spec.type == OrderType::Limit || (order.spec.type == OrderType::StopLimit && order.triggered)) {
      const std::int64_t limit = order.spec.limit_price_e8;
      const bool through = buy ? from > limit && to < limit : from < limit && to > limit;
      if (through) return FillPoint{limit, false};
    }
  }
  return std::nullopt;
}

}  // namespace

std::size_t PaperVenue::openOrders() const {
  return static_cast<std::size_t>(std::count_if(orders_.begin(), orders_.end(), [](const auto& entry) { return !isFinal(entry.second.status); }));
}

void PaperVenue::move(PaperOrder& order, OrderStatus to, const std::string& reason, VenueEvents& events) {
  if (!isAllowed(order.status, to)) return;   // the machine refuses it; nothing happens
  events.updates.push_back({order.client_order_id, order.status, to, order.filled_e8, order.spec.quantity_e8 - order.filled_e8, reason});
  order.status = to;
}

VenueEvents PaperVenue::submit(PaperOrder order) {
  VenueEvents events;
  if (orders_.contains(order.client_order_id)) return events;   // a resubmission (after a restart): already here
  order.filled_e8 = 0;
  order.triggered = false;
  order.status = OrderStatus::New;
  std::string problem;
  if (order.spec.quantity_e8 <= 0) problem = "quantity must be positive";
  const bool limit_type = order.spec.type == OrderType::Limit || order.spec.type == OrderType::StopLimit;
  const bool stop_type = order.spec.type == OrderType::Stop || order.spec.type == OrderType::StopLimit;
  if (limit_type && order.spec.limit_price_e8 <= 0) problem = "a limit order needs a positive limit price";
  if (stop_type && order.spec.stop_price_e8 <= 0) problem = "a stop order needs a positive stop price";
  auto& stored = orders_[order.client_order_id] = order;
  arrival_order_.push_back(order.client_order_id);
  move(stored, problem.empty() ? OrderStatus::Accepted : OrderStatus::Rejected, problem, events);
  return events;
}

VenueEvents PaperVenue::cancel(const std::string& client_order_id, const std::string& reason) {
  VenueEvents events;
  const auto found = orders_.find(client_order_id);
  if (found != orders_.end()) move(found->second, OrderStatus::Cancelled, reason, events);
  return events;
}

VenueEvents PaperVenue::onBar(const PaperBar& bar) {
  VenueEvents events;
  std::int64_t budget = static_cast<std::int64_t>(static_cast<double>(bar.volume_e8) * config_.max_volume_share);
  for (const auto& id : arrival_order_) {
    auto& order = orders_.at(id);
    if (order.spec.symbol != bar.symbol || isFinal(order.status)) continue;
    // Never the bar that produced the decision; and the bar must still be open on arrival.
    if (bar.open_time_ns < order.decision_time_ns) continue;
    if (bar.open_time_ns + bar.interval_ns <= order.decision_time_ns + config_.latency_ns) continue;
    work(order, bar, budget, events);
  }
  std::erase_if(arrival_order_, [&](const std::string& id) { return isFinal(orders_.at(id).status); });
  return events;
}

void PaperVenue::work(PaperOrder& order, const PaperBar& bar, std::int64_t& budget_e8, VenueEvents& events) {
  const auto point = firstFill(order, bar);
  if (point) {
    const std::int64_t quantity = std::min(order.spec.quantity_e8 - order.filled_e8, budget_e8);
    if (quantity > 0) {
      fill(order, bar, point->price_e8, quantity, point->taker, events);
      budget_e8 -= quantity;
    }
  }
  if (order.spec.time_in_force == msg::TimeInForce::IOC && !isFinal(order.status)) {
    move(order, OrderStatus::Expired, "IOC: the rest could not fill at once", events);
  }
}

void PaperVenue::fill(PaperOrder& order, const PaperBar& bar, std::int64_t price_e8, std::int64_t quantity_e8, bool taker,
                      VenueEvents& events) {
  if (taker) {
    const double share = bar.volume_e8 > 0 ? static_cast<double>(quantity_e8) / static_cast<double>(bar.volume_e8) : 1.0;
    const std::int64_t slip = bps(price_e8, config_.slippage_bps + config_.impact_bps * share);
    price_e8 += order.spec.side == Side::kBuy ? slip : -slip;
  }
  const std::int64_t fee = bps(mulFixed(price_e8, quantity_e8), taker ? config_.taker_fee_bps : config_.maker_fee_bps);
  order.filled_e8 += quantity_e8;
  events.fills.push_back({order.client_order_id, {order.spec.symbol, order.spec.side, price_e8, quantity_e8, fee, config_.quote_currency},
                          taker ? msg::Liquidity::Taker : msg::Liquidity::Maker, bar.open_time_ns + bar.interval_ns});
  move(order, order.filled_e8 == order.spec.quantity_e8 ? OrderStatus::Filled : OrderStatus::PartiallyFilled, "", events);
}

void PaperVenue::forgetFinal() {
  std::erase_if(orders_, [](const auto& entry) { return isFinal(entry.second.status); });
  std::erase_if(arrival_order_, [&](const std::string& id) { return !orders_.contains(id); });
}

std::vector<PaperOrder> PaperVenue::openInArrivalOrder() const {
  std::vector<PaperOrder> open;
  for (const auto& id : arrival_order_) {
    const auto& order = orders_.at(id);
    if (!isFinal(order.status)) open.push_back(order);
  }
  return open;
}

void PaperVenue::restore(const std::vector<PaperOrder>& open_orders) {
  orders_.clear();
  arrival_order_.clear();
  for (const auto& order : open_orders) {
    orders_[order.client_order_id] = order;
    arrival_order_.push_back(order.client_order_id);
  }
}

}  // namespace rrr::engine
