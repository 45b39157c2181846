#include "engine/strategy_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/order_state.h"

namespace rrr::engine {

// What one strategy sees while it handles one event.
class StrategyRunner::Context : public StrategyContext {
 public:
  Context(StrategyRunner& runner, std::size_t strategy, std::int64_t now_ns, std::vector<IntentOut>& out)
      : runner_(runner), strategy_(strategy), now_ns_(now_ns), out_(out) {}

  std::int64_t nowNs() const override { return now_ns_; }
  const Portfolio& portfolio() const override { return runner_.portfolio_; }

  const std::deque<BarEvent>& bars(const std::string& symbol) const override {
    static const std::deque<BarEvent> kNone;
    const auto found = runner_.bars_.find({symbol, runner_.strategies_[strategy_]->intervalSeconds()});
    return found == runner_.bars_.end() ? kNone : found->second;
  }

  std::string submit(const OrderRequest& request) override {
    auto& intent = next(request.symbol);
    intent.request = request;
    return intent.client_order_id;
  }

  std::string replace(const std::string& client_order_id, const OrderRequest& request) override {
    const auto owner = runner_.owner_of_order_.find(client_order_id);
    if (owner == runner_.owner_of_order_.end() || owner->second != strategy_) return "";   // not this strategy's order
    auto& intent = next(request.symbol);
    intent.action = msg::IntentAction::Replace;
    intent.request = request;
    intent.target_client_order_id = client_order_id;
    return intent.client_order_id;
  }

  void cancel(const std::string& client_order_id) override {
    const auto owner = runner_.owner_of_order_.find(client_order_id);
    if (owner == runner_.owner_of_order_.end() || owner->second != strategy_) return;   // not this strategy's order
    auto& intent = next("");
    intent.action = msg::IntentAction::Cancel;
    intent.target_client_order_id = client_order_id;
  }

 private:
  IntentOut& next(const std::string& symbol) {
    const auto& id = runner_.strategies_[strategy_]->id();
    const int n = runner_.orders_at_[{id, now_ns_}]++;
    auto& intent = out_.emplace_back();
    intent.strategy_id = id;
    intent.decision_time_ns = now_ns_;
    intent.request.symbol = symbol;
    intent.client_order_id = id + "-" + (symbol.empty() ? "cancel" : symbol) + "-" + std::to_string(now_ns_) + "-" + std::to_string(n);
    runner_.owner_of_order_[intent.client_order_id] = strategy_;
    return intent;
  }

  StrategyRunner& runner_;
  std::size_t strategy_;
  std::int64_t now_ns_;
  std::vector<IntentOut>& out_;
};

StrategyRunner::StrategyRunner(std::vector<std::unique_ptr<Strategy>> strategies, const Portfolio& portfolio)
    : strategies_(std::move(strategies)), portfolio_(portfolio) {
  for (const auto& strategy : strategies_) {
    for (const auto& symbol : strategy->symbols()) {
      auto& history = history_[{symbol, strategy->intervalSeconds()}];
      history = std::max(history, strategy->history());
    }
  }
}

bool StrategyRunner::trades(const Strategy& strategy, const std::string& symbol) const {
  const auto& symbols = strategy.symbols();
  return std::find(symbols.begin(), symbols.end(), symbol) != symbols.end();
}

std::vector<IntentOut> StrategyRunner::onBar(const BarEvent& bar) {
  std::vector<IntentOut> out;
  const SeriesKey key{bar.symbol, bar.interval_s};
  const auto wanted = history_.find(key);
  if (wanted == history_.end()) return out;   // no strategy trades this series
  auto& series = bars_[key];
  series.push_back(bar);
  while (series.size() > wanted->second) series.pop_front();
  for (std::size_t i = 0; i < strategies_.size(); ++i) {
    auto& strategy = *strategies_[i];
    if (strategy.intervalSeconds() != bar.interval_s || !trades(strategy, bar.symbol)) continue;
    Context context(*this, i, bar.closeTimeNs(), out);
    strategy.onBar(bar, context);
  }
  return out;
}

std::vector<IntentOut> StrategyRunner::onPrediction(const PredictionEvent& prediction) {
  std::vector<IntentOut> out;
  for (std::size_t i = 0; i < strategies_.size(); ++i) {
    if (!trades(*strategies_[i], prediction.symbol)) continue;
    Context context(*this, i, prediction.time_ns, out);
    strategies_[i]->onPrediction(prediction, context);
  }
  return out;
}

std::vector<IntentOut> StrategyRunner::onFill(const PaperFill& fill) {
  std::vector<IntentOut> out;
  const auto owner = owner_of_order_.find(fill.client_order_id);
  if (owner == owner_of_order_.end()) return out;
  Context context(*this, owner->second, fill.time_ns, out);
  strategies_[owner->second]->onFill(fill, context);
  return out;
}

std::vector<IntentOut> StrategyRunner::onOrderUpdate(const PaperUpdate& update, std::int64_t time_ns) {
  std::vector<IntentOut> out;
  const auto owner = owner_of_order_.find(update.client_order_id);
  if (owner == owner_of_order_.end()) return out;
  const std::size_t strategy = owner->second;
  if (isFinal(update.status)) owner_of_order_.erase(owner);
  Context context(*this, strategy, time_ns, out);
  strategies_[strategy]->onOrderUpdate(update, context);
  return out;
}

std::vector<IntentOut> StrategyRunner::onTimer(std::int64_t now_ns) {
  std::vector<IntentOut> out;
  for (std::size_t i = 0; i < strategies_.size(); ++i) {
    Context context(*this, i, now_ns, out);
    strategies_[i]->onTimer(now_ns, context);
  }
  return out;
}

bool StrategyRunner::needsPredictions() const {
  return std::any_of(strategies_.begin(), strategies_.end(), [](const auto& strategy) { return strategy->usesPredictions(); });
}

void StrategyRunner::forgetBefore(std::int64_t now_ns) {
  std::erase_if(orders_at_, [&](const auto& entry) { return entry.first.second < now_ns; });
}

StrategyRunner::State StrategyRunner::state() const {
  State state{bars_, orders_at_, {}, {}};
  for (const auto& [order, owner] : owner_of_order_) state.owner_of_order[order] = strategies_[owner]->id();
  for (const auto& strategy : strategies_) state.strategy_states[strategy->id()] = strategy->saveState();
  return state;
}

Status<std::string> StrategyRunner::restore(State state) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < strategies_.size(); ++i) index[strategies_[i]->id()] = i;
  for (const auto& [id, text] : state.strategy_states) {
    const auto found = index.find(id);
    if (found == index.end()) {
      spdlog::warn("strategy {} is no longer configured; its saved state is dropped", id);
      continue;
    }
    if (auto status = strategies_[found->second]->restoreState(text); !status.ok()) {
      return makeError("strategy " + id + ": " + status.error().message);
    }
  }
  owner_of_order_.clear();
  for (const auto& [order, owner] : state.owner_of_order) {
    if (const auto found = index.find(owner); found != index.end()) owner_of_order_[order] = found->second;
  }
  bars_ = std::move(state.bars);
  orders_at_ = std::move(state.orders_at);
  return {};
}

}  // namespace rrr::engine
