#pragma once
// Drives the configured strategies: keeps the closed bars of each (symbol, interval) a strategy
// trades, hands every event to the strategies it concerns, and turns their requests into order
// intents with deterministic client order ids: "<strategy>-<symbol>-<decision time ns>-<n>", n
// counting the strategy's orders at that decision time. The same events give the same intents
// and ids, which is what lets a restarted engine recognise the orders it already sent.
//
// No look-ahead: a bar is added to the history just before it is handed over, so the newest bar a
// strategy can see is the one it is handed, and the context's clock is that bar's close.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/strategy.h"
#include "schemas/trading_generated.h"

namespace rrr::engine {

struct IntentOut {
  std::string client_order_id;
  std::string strategy_id;
  msg::IntentAction action = msg::IntentAction::New;
  OrderRequest request;
  std::string target_client_order_id;   // for a cancel
  std::int64_t decision_time_ns = 0;
};

class StrategyRunner {
 public:
  using SeriesKey = std::pair<std::string, std::int64_t>;   // symbol, interval

  // What the runner holds, for a checkpoint: the bars it keeps, the ids it handed out at the
  // latest decision times, which strategy owns each open order, and each strategy's own state,
  // by strategy id. Restored into another set of strategies (a changed config), a strategy not in
  // the state starts afresh and the orders of one no longer configured have no owner.
  struct State {
    std::map<SeriesKey, std::deque<BarEvent>> bars;
    std::map<std::pair<std::string, std::int64_t>, int> orders_at;
    std::map<std::string, std::string> owner_of_order;   // client order id -> strategy id
    std::map<std::string, std::string> strategy_states;  // strategy id -> its saveState()
  };

  StrategyRunner(std::vector<std::unique_ptr<Strategy>> strategies, const Portfolio& portfolio);

  std::vector<IntentOut> onBar(const BarEvent& bar);
  std::vector<IntentOut> onPrediction(const PredictionEvent& prediction);
  // A fill of an order whose id this runner made: handed to the strategy that made it.
  std::vector<IntentOut> onFill(const PaperFill& fill);
  // A status change of such an order, at event time time_ns: handed to the strategy that made it.
  // After a final status the order's owner is forgotten.
  std::vector<IntentOut> onOrderUpdate(const PaperUpdate& update, std::int64_t time_ns);
  std::vector<IntentOut> onTimer(std::int64_t now_ns);

  const std::vector<std::unique_ptr<Strategy>>& strategies() const { return strategies_; }
  bool needsPredictions() const;

  // Ids are counted per decision time; times before now_ns cannot be handed out again.
  void forgetBefore(std::int64_t now_ns);

  State state() const;
  Status<std::string> restore(State state);

 private:
  class Context;

  bool trades(const Strategy& strategy, const std::string& symbol) const;

  std::vector<std::unique_ptr<Strategy>> strategies_;
  const Portfolio& portfolio_;
  std::map<SeriesKey, std::deque<BarEvent>> bars_;
  std::map<SeriesKey, std::size_t> history_;
  std::map<std::pair<std::string, std::int64_t>, int> orders_at_;   // (strategy, decision time) -> count
  std::map<std::string, std::size_t> owner_of_order_;               // client order id -> strategy index
};

}  // namespace rrr::engine
