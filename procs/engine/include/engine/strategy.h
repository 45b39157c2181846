#pragma once
// The strategy interface. A strategy is handed closed bars, predictions, its own fills and order
// updates, and timer ticks, in event-time order; it reads the portfolio and the recent closed bars
// of its symbols and emits order requests. It sees nothing later than the event it is handed: the
// context holds only bars that have closed (the one just handed is the last), so look-ahead is
// impossible by construction.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/order_request.h"
#include "engine/paper_venue.h"
#include "engine/portfolio.h"

namespace rrr::engine {

struct BarEvent {
  std::string symbol;
  std::int64_t interval_s = 60;
  std::int64_t open_time_ns = 0;
  std::int64_t open_e8 = 0, high_e8 = 0, low_e8 = 0, close_e8 = 0, volume_e8 = 0;
  std::int64_t closeTimeNs() const { return open_time_ns + interval_s * 1'000'000'000; }
};

struct PredictionEvent {
  std::string symbol;
  std::int64_t time_ns = 0;
  double score = 0;          // the model's output: > 0 up, < 0 down
  double confidence = 0;     // [0, 1]
};

class StrategyContext {
 public:
  virtual ~StrategyContext() = default;
  virtual std::int64_t nowNs() const = 0;
  virtual const Portfolio& portfolio() const = 0;
  // Closed bars of the symbol at the strategy's interval, oldest first; at most the history the
  // strategy asked for.
  virtual const std::deque<BarEvent>& bars(const std::string& symbol) const = 0;
  // Returns the client order id the request will carry.
  virtual std::string submit(const OrderRequest& request) = 0;
  virtual void cancel(const std::string& client_order_id) = 0;
  // Cancel-replace of one of its open orders: the replacement (same symbol) gets its own client
  // order id, returned ("" if the order is not this strategy's). Checked by rrr-risk as a new
  // order; on arrival the old order is cancelled ("replaced by <id>") and the new one placed, or,
  // if the old one is no longer open, the replacement is rejected.
  virtual std::string replace(const std::string& client_order_id, const OrderRequest& request) = 0;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual const std::string& id() const = 0;
  virtual const std::vector<std::string>& symbols() const = 0;
  virtual std::int64_t intervalSeconds() const { return 60; }
  virtual std::size_t history() const { return 100; }   // closed bars kept per symbol
  virtual bool usesPredictions() const { return false; }   // true: the engine waits for rrr-infer
  virtual void onBar(const BarEvent& bar, StrategyContext& context) = 0;
  virtual void onPrediction(const PredictionEvent&, StrategyContext&) {}
  virtual void onFill(const PaperFill&, StrategyContext&) {}
  // Every status change of one of its own orders (accepted, partially filled, filled, cancelled,
  // rejected by rrr-risk or the venue, expired), after the fills the same venue step reported.
  virtual void onOrderUpdate(const PaperUpdate&, StrategyContext&) {}
  virtual void onTimer(std::int64_t, StrategyContext&) {}
  // The strategy's own state beyond the bars the runner keeps, as text, for a checkpoint; and
  // putting it back after a restart (an error names what is wrong with the text).
  virtual std::string saveState() const { return {}; }
  virtual Status<std::string> restoreState(const std::string&) { return {}; }
};

}  // namespace rrr::engine
