#pragma once
// TradingCore: the deterministic part of rrr-engine (and of a backtest): the strategies, the paper
// venue and the portfolio, fed closed bars, predictions and rrr-risk's decisions in one order. The
// same inputs in the same order give the same outputs, which is what lets a restarted engine
// replay from a checkpoint and recognise everything it had already published.
//
// Per input (docs/EXECUTION.md):
//   bar at the fill interval   the venue fills open orders on it, fills go to the portfolio and
//                              to the strategy that owns the order, the portfolio is marked at
//                              the close; then the strategies see the bar
//                              (and, once per close time, the strategies' onTimer)
//   bar at another interval    the strategies only
//   prediction                 the strategies
//   decision                   approved new order: to the venue (New -> Accepted);
//                              rejected: New -> Rejected; approved cancel: the venue cancels
//   cancelAll                  the kill switch: every open order cancelled
//   rearm                      rrr-risk re-armed trading by hand: the peak and the day's starting
//                              equity start again from the equity now
// A new order's Order record (New) goes out with its intent; every transition is an update
// followed by the Order's new state. A PortfolioSnapshot follows every input that filled an order
// or changed the open orders, and every snapshot interval of event time. A bar no newer than the
// last one of its series, and a prediction no newer than the last one of its symbol or older than
// a bar of its symbol already taken (a feed that started again from its beginning after a
// whole-system restart), are skipped: the state already reflects them.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "engine/paper_venue.h"
#include "engine/portfolio.h"
#include "engine/strategy_runner.h"

namespace rrr::engine {

struct CoreConfig {
  PaperConfig paper;
  std::int64_t starting_cash_e8 = 100'000'00000000;
  std::int64_t snapshot_interval_ns = 60'000'000'000;
  std::int64_t fill_interval_s = 60;   // the bars the venue fills on (and marks with)
};

struct OrderRecord {
  std::string client_order_id;
  std::string strategy_id;
  OrderRequest spec;
  msg::OrderStatus status = msg::OrderStatus::New;
  std::int64_t filled_e8 = 0;
  std::int64_t average_price_e8 = 0;   // of the fills, rounded to the nearest 1e-8
  std::int64_t created_ns = 0;
  std::int64_t updated_ns = 0;
  int fills = 0;
  void addFill(std::int64_t price_e8, std::int64_t quantity_e8);
};

struct UpdateRecord {
  PaperUpdate update;
  std::int64_t time_ns = 0;
};

struct FillRecord {
  PaperFill fill;
  std::string fill_id;   // "<client order id>-f<n>"
};

struct SnapshotRecord {
  std::int64_t time_ns = 0;
  std::string currency;
  PortfolioState state;
  std::int64_t equity_e8 = 0, realized_pnl_e8 = 0, unrealized_pnl_e8 = 0;
  std::uint32_t open_orders = 0;
  std::int64_t day_start_equity_e8 = 0;
  std::uint64_t rearms_applied = 0;
};

using ExecRecord = std::variant<OrderRecord, UpdateRecord, FillRecord, SnapshotRecord>;

// What one input produced, in the order it must be published: exec records first (a snapshot
// before the intents it may inform), then intents.
struct CoreOutput {
  std::vector<ExecRecord> exec;
  std::vector<IntentOut> intents;
  bool empty() const { return exec.empty() && intents.empty(); }
};

class TradingCore {
 public:
  struct State {
    PortfolioState portfolio;
    std::vector<PaperOrder> venue;             // open orders, in arrival order
    std::map<std::string, OrderRecord> orders; // not final
    std::deque<IntentOut> awaiting;            // sent to rrr-risk, no decision yet
    StrategyRunner::State runner;
    std::map<std::string, std::int64_t> last_bar_close_ns;   // per "symbol/interval"
    std::map<std::string, std::int64_t> last_prediction_ns;  // per symbol
    std::int64_t now_ns = 0, next_snapshot_ns = 0, day = -1, day_start_equity_e8 = 0, last_timer_ns = 0;
    std::uint64_t rearms_applied = 0;
  };

  // The account is in config.paper.quote_currency.
  TradingCore(CoreConfig config, std::vector<std::unique_ptr<Strategy>> strategies);
  TradingCore(const TradingCore&) = delete;
  TradingCore& operator=(const TradingCore&) = delete;

  void onBar(const BarEvent& bar, CoreOutput& out);
  void onPrediction(const PredictionEvent& prediction, CoreOutput& out);
  // rrr-risk's decision on an awaited intent (see awaits()).
  void onDecision(const std::string& client_order_id, bool approved, const std::string& detail, CoreOutput& out);
  void cancelAll(const std::string& reason, CoreOutput& out);
  // rrr-risk's re-arm number `rearms` (RiskEvent.rearms): once each, the daily-loss and drawdown
  // baselines restart from the equity now and a snapshot says so; false if already applied.
  bool rearm(std::uint64_t rearms, CoreOutput& out);
  std::uint64_t rearmsApplied() const { return rearms_applied_; }
  // A snapshot of the account as it stands, for readers that lost the last one (new rings).
  void snapshotNow(CoreOutput& out) const { out.exec.emplace_back(snapshot()); }

  bool awaits(const std::string& client_order_id) const;
  std::size_t awaitingDecisions() const { return awaiting_.size(); }
  bool needsPredictions() const { return runner_.needsPredictions(); }
  std::size_t strategies() const { return runner_.strategies().size(); }
  const Portfolio& portfolio() const { return portfolio_; }
  std::int64_t nowNs() const { return now_ns_; }
  std::uint64_t skippedBars() const { return skipped_bars_; }
  std::uint64_t skippedPredictions() const { return skipped_predictions_; }
  std::size_t ordersInFlight() const { return orders_.size(); }

  State save() const;
  Status<std::string> restore(State state);

 private:
  void advanceClock(std::int64_t time_ns);
  bool staleForSymbol(const PredictionEvent& prediction) const;
  void takeIntents(std::vector<IntentOut> intents, CoreOutput& out);
  void applyVenue(const VenueEvents& events, std::int64_t time_ns, CoreOutput& out);
  void finish(CoreOutput& out);
  SnapshotRecord snapshot() const;

  CoreConfig config_;
  Portfolio portfolio_;
  PaperVenue venue_;
  StrategyRunner runner_;
  std::map<std::string, OrderRecord> orders_;
  std::deque<IntentOut> awaiting_;
  std::map<std::string, std::int64_t> last_bar_close_ns_;
  std::map<std::string, std::int64_t> last_prediction_ns_;
  std::int64_t now_ns_ = 0;
  std::int64_t next_snapshot_ns_ = 0;
  std::int64_t day_ = -1;
  std::int64_t day_start_equity_e8_ = 0;
  std::int64_t last_timer_ns_ = 0;   // event time of the last onTimer
  std::uint64_t rearms_applied_ = 0;
  bool account_changed_ = false;
  std::uint64_t skipped_bars_ = 0;
  std::uint64_t skipped_predictions_ = 0;
};

}  // namespace rrr::engine
