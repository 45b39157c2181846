#include "engine/trading_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>

#include "common/fixed_point.h"
#include "engine/order_state.h"

namespace rrr::engine {
namespace {

constexpr std::int64_t kNsPerDay = 86'400'000'000'000;

std::string seriesOf(const BarEvent& bar) { return bar.symbol + "/" + std::to_string(bar.interval_s); }

}  // namespace

// The quantity-weighted mean in 128 bits: price x quantity of 1e-8 units overflows 64.
void OrderRecord::addFill(std::int64_t price_e8, std::int64_t quantity_e8) {
  __extension__ using Wide = __int128;
  const Wide total = static_cast<Wide>(filled_e8) + quantity_e8;
  const Wide weighted = static_cast<Wide>(average_price_e8) * filled_e8 + static_cast<Wide>(price_e8) * quantity_e8;
  average_price_e8 = static_cast<std::int64_t>((weighted + total / 2) / total);
  filled_e8 = static_cast<std::int64_t>(total);
  ++fills;
}

TradingCore::TradingCore(CoreConfig config, std::vector<std::unique_ptr<Strategy>> strategies)
    : config_(std::move(config)),
      portfolio_(config_.paper.quote_currency, config_.starting_cash_e8),
      venue_(config_.paper),
      runner_(std::move(strategies), portfolio_),
      day_start_equity_e8_(config_.starting_cash_e8) {}

void TradingCore::advanceClock(std::int64_t time_ns) {
  now_ns_ = std::max(now_ns_, time_ns);
  const std::int64_t day = now_ns_ / kNsPerDay;
  if (day != day_) {
    day_ = day;
    day_start_equity_e8_ = portfolio_.equity();
  }
  runner_.forgetBefore(now_ns_);
}

void TradingCore::onBar(const BarEvent& bar, CoreOutput& out) {
  auto& last_close = last_bar_close_ns_[seriesOf(bar)];
  if (bar.closeTimeNs() <= last_close) {
    ++skipped_bars_;
    return;
  }
  last_close = bar.closeTimeNs();
  advanceClock(bar.closeTimeNs());
  if (bar.interval_s == config_.fill_interval_s) {
    const PaperBar paper{bar.symbol, bar.open_time_ns, bar.interval_s * 1'000'000'000, bar.open_e8, bar.high_e8, bar.low_e8,
                         bar.close_e8, bar.volume_e8};
    applyVenue(venue_.onBar(paper), bar.closeTimeNs(), out);
    portfolio_.mark(bar.symbol, bar.close_e8);
  }
  takeIntents(runner_.onBar(bar), out);
  if (bar.interval_s == config_.fill_interval_s && bar.closeTimeNs() > last_timer_ns_) {
    last_timer_ns_ = bar.closeTimeNs();
    takeIntents(runner_.onTimer(last_timer_ns_), out);
  }
  finish(out);
}

// Taken in order, a prediction is never older than a bar of its symbol (a bar after its own comes
// after it): one that is was made from a bar this core skipped.
// On the hot path: no allocation (the keys are "symbol/interval"; "BTCUSDT-PERP/60" sorts between
// "BTCUSDT" and "BTCUSDT/60").
bool TradingCore::staleForSymbol(const PredictionEvent& prediction) const {
  const std::string_view symbol = prediction.symbol;
  for (auto it = last_bar_close_ns_.lower_bound(prediction.symbol); it != last_bar_close_ns_.end() && it->first.starts_with(symbol); ++it) {
    if (it->first.size() > symbol.size() && it->first[symbol.size()] == '/' && it->second > prediction.time_ns) return true;
  }
  return false;
}

void TradingCore::onPrediction(const PredictionEvent& prediction, CoreOutput& out) {
  auto& last = last_prediction_ns_[prediction.symbol];
  if (prediction.time_ns <= last || staleForSymbol(prediction)) {
    ++skipped_predictions_;
    return;
  }
  last = prediction.time_ns;
  advanceClock(prediction.time_ns);
  takeIntents(runner_.onPrediction(prediction), out);
  finish(out);
}

bool TradingCore::awaits(const std::string& client_order_id) const {
  return std::any_of(awaiting_.begin(), awaiting_.end(), [&](const IntentOut& intent) { return intent.client_order_id == client_order_id; });
}

void TradingCore::onDecision(const std::string& client_order_id, bool approved, const std::string& detail, CoreOutput& out) {
  const auto found = std::find_if(awaiting_.begin(), awaiting_.end(),
                                  [&](const IntentOut& intent) { return intent.client_order_id == client_order_id; });
  if (found == awaiting_.end()) return;
  const IntentOut intent = *found;
  awaiting_.erase(found);
  const std::int64_t arrival_ns = intent.decision_time_ns + config_.paper.latency_ns;
  if (intent.action == msg::IntentAction::Cancel) {
    if (approved) applyVenue(venue_.cancel(intent.target_client_order_id, "cancelled by " + intent.strategy_id), arrival_ns, out);
    finish(out);
    return;
  }
  std::string refusal = approved ? "" : "rrr-risk: " + detail;
  if (approved && intent.action == msg::IntentAction::Replace) {
    // The order it replaces is cancelled and the replacement placed, both on arrival; if that order
    // is no longer open (filled, cancelled), the replacement is refused instead of doubling it.
    const auto target = venue_.orders().find(intent.target_client_order_id);
    if (target == venue_.orders().end() || isFinal(target->second.status)) {
      refusal = "nothing to replace: " + intent.target_client_order_id + " is no longer open";
    } else if (target->second.spec.symbol != intent.request.symbol) {
      refusal = "a replacement keeps the symbol of " + intent.target_client_order_id;
    } else {
      applyVenue(venue_.cancel(intent.target_client_order_id, "replaced by " + intent.client_order_id), arrival_ns, out);
    }
  }
  if (refusal.empty()) {
    applyVenue(venue_.submit(PaperOrder{intent.client_order_id, intent.request, intent.decision_time_ns}), arrival_ns, out);
  } else {
    PaperUpdate update{intent.client_order_id, msg::OrderStatus::New, msg::OrderStatus::Rejected, 0, intent.request.quantity_e8,
                       std::move(refusal)};
    VenueEvents events;
    events.updates.push_back(std::move(update));
    applyVenue(events, intent.decision_time_ns, out);
  }
  finish(out);
}

// The cancels reach the venue a latency after now, as a strategy's do: an order approved at this
// close was accepted then, and its cancel must not come before its acceptance in event time.
void TradingCore::cancelAll(const std::string& reason, CoreOutput& out) {
  const std::int64_t arrival_ns = now_ns_ + config_.paper.latency_ns;
  for (const auto& order : venue_.openInArrivalOrder()) applyVenue(venue_.cancel(order.client_order_id, reason), arrival_ns, out);
  finish(out);
}

void TradingCore::takeIntents(std::vector<IntentOut> intents, CoreOutput& out) {
  for (auto& intent : intents) {
    if (intent.action != msg::IntentAction::Cancel) {   // a new order, or a replacement
      OrderRecord order;
      order.client_order_id = intent.client_order_id;
      order.strategy_id = intent.strategy_id;
      order.spec = intent.request;
      order.created_ns = order.updated_ns = intent.decision_time_ns;
      orders_[order.client_order_id] = order;
      out.exec.emplace_back(order);
    }
    awaiting_.push_back(intent);
    out.intents.push_back(std::move(intent));
  }
}

void TradingCore::applyVenue(const VenueEvents& events, std::int64_t time_ns, CoreOutput& out) {
  for (const auto& fill : events.fills) {
    auto& order = orders_[fill.client_order_id];
    order.addFill(fill.fill.price_e8, fill.fill.quantity_e8);
    out.exec.emplace_back(FillRecord{fill, fill.client_order_id + "-f" + std::to_string(order.fills)});
    if (auto status = portfolio_.applyFill(fill.fill); !status.ok()) {
      spdlog::error("fill of {} not applied to the portfolio: {}", fill.client_order_id, status.error().message);
    }
    account_changed_ = true;
  }
  for (const auto& update : events.updates) {
    const auto found = orders_.find(update.client_order_id);
    if (found == orders_.end()) continue;
    auto& order = found->second;
    order.status = update.status;
    order.filled_e8 = update.filled_e8;
    order.updated_ns = time_ns;
    out.exec.emplace_back(UpdateRecord{update, time_ns});
    out.exec.emplace_back(order);
    if (isFinal(order.status)) orders_.erase(found);
    account_changed_ = true;
  }
  // The strategies hear of the fills first: the update that makes an order final forgets its owner.
  for (const auto& fill : events.fills) takeIntents(runner_.onFill(fill), out);
  for (const auto& update : events.updates) takeIntents(runner_.onOrderUpdate(update, time_ns), out);
  venue_.forgetFinal();
}

bool TradingCore::rearm(std::uint64_t rearms, CoreOutput& out) {
  if (rearms <= rearms_applied_) return false;
  rearms_applied_ = rearms;
  portfolio_.restartPeak();
  day_start_equity_e8_ = portfolio_.equity();
  account_changed_ = true;
  finish(out);
  return true;
}

void TradingCore::finish(CoreOutput& out) {
  if (!account_changed_ && now_ns_ < next_snapshot_ns_) return;
  out.exec.emplace_back(snapshot());
  account_changed_ = false;
  const std::int64_t interval = std::max<std::int64_t>(config_.snapshot_interval_ns, 1);
  next_snapshot_ns_ = (now_ns_ / interval + 1) * interval;
}

SnapshotRecord TradingCore::snapshot() const {
  return SnapshotRecord{now_ns_,
                        portfolio_.accountCurrency(),
                        portfolio_.state(),
                        portfolio_.equity(),
                        portfolio_.realizedPnl(),
                        portfolio_.unrealizedPnl(),
                        static_cast<std::uint32_t>(venue_.openOrders()),
                        day_start_equity_e8_,
                        rearms_applied_};
}

TradingCore::State TradingCore::save() const {
  return State{portfolio_.state(), venue_.openInArrivalOrder(), orders_, awaiting_, runner_.state(), last_bar_close_ns_, last_prediction_ns_,
               now_ns_, next_snapshot_ns_, day_, day_start_equity_e8_, last_timer_ns_, rearms_applied_};
}

Status<std::string> TradingCore::restore(State state) {
  RRR_RETURN_IF_ERROR(runner_.restore(std::move(state.runner)));
  portfolio_.restore(state.portfolio);
  venue_.restore(state.venue);
  orders_ = std::move(state.orders);
  awaiting_ = std::move(state.awaiting);
  last_bar_close_ns_ = std::move(state.last_bar_close_ns);
  last_prediction_ns_ = std::move(state.last_prediction_ns);
  now_ns_ = state.now_ns;
  next_snapshot_ns_ = state.next_snapshot_ns;
  day_ = state.day;
  day_start_equity_e8_ = state.day_start_equity_e8;
  last_timer_ns_ = state.last_timer_ns;
  rearms_applied_ = state.rearms_applied;
  return {};
}

}  // namespace rrr::engine
