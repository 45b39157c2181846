#pragma once
// The built-in strategies, chosen and parameterized in config (engine settings, `strategies:`):
//
//   - {id: trend, type: ma_cross, symbols: [BTCUSDT], fast: 10, slow: 30, average: ema, quantity: 0.01}
//       long while the fast average is above the slow one, flat (or short, allow_short) below.
//   - {id: revert, type: bollinger, symbols: [ETHUSDT], period: 20, width: 2.0, quantity: 0.1}
//       long below the lower band until the close is back at the middle; short above the upper
//       band when allow_short.
//   - {id: model, type: ml_signal, symbols: [BTCUSDT], enter: 0.2, exit: 0.05, quantity: 0.01,
//      target_volatility: 0.001, max_quantity: 0.05}
//       long when the model's score > enter (short below -enter when allow_short), flat when it
//       falls under exit; size = quantity x confidence x target_volatility / realized volatility of
//       the last `volatility_bars` 1m returns, capped at max_quantity.
//
// Every strategy also takes `order: market | limit` and `limit_offset_bps` (OrderStyle).
// Each trades toward a target position per symbol (TargetTrader).

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>

#include "common/result.h"
#include "engine/strategy.h"

namespace rrr::engine {

// How a strategy's orders are placed: market orders (the default), or GTC limit orders
// limit_offset_bps better than the last close (order: limit, limit_offset_bps: 5).
struct OrderStyle {
  bool limit = false;
  double limit_offset_bps = 0;
};

// Keeps a target position per symbol. On a change of target it orders the difference between the
// target and what its orders hold: filled, plus what is still working. So an order in flight is
// never sent twice, and one rejected (by rrr-risk or the venue), cancelled or expired counts only
// for what it filled: the next change of target trades from there. An unchanged target is not sent
// again after a rejection, so a standing refusal does not turn into an order per bar.
class TargetTrader {
 public:
  explicit TargetTrader(OrderStyle style = {}) : style_(style) {}
  // last_close_e8: the price a limit order is placed from.
  void setTarget(StrategyContext& context, const std::string& symbol, std::int64_t target_e8, std::int64_t last_close_e8);
  std::int64_t target(const std::string& symbol) const;
  void onFill(const PaperFill& fill);
  void onOrderUpdate(const PaperUpdate& update);
  // As JSON text and back. restore also takes the "SYMBOL=quantity_e8;..." targets of earlier
  // versions, read as filled (what those versions assumed).
  std::string save() const;
  Status<std::string> restore(const std::string& text);

 private:
  // Signed: filled through this trader's orders, and still working in them.
  std::int64_t filled(const std::string& symbol) const;
  std::int64_t working(const std::string& symbol) const;

  struct WorkingOrder {
    std::string symbol;
    std::int64_t remaining_e8 = 0;   // signed: negative sells
  };
  OrderStyle style_;
  std::map<std::string, std::int64_t> targets_;
  std::map<std::string, std::int64_t> filled_;
  std::map<std::string, WorkingOrder> working_;   // by client order id
};

// Simple and exponential moving averages and the population standard deviation of the last
// `period` closes (the EMA seeded with the SMA of its first period closes, as TA-Lib does).
// nullopt until there are enough bars.
std::optional<double> simpleAverage(const std::deque<BarEvent>& bars, std::size_t period);
std::optional<double> exponentialAverage(const std::deque<BarEvent>& bars, std::size_t period);
std::optional<double> standardDeviation(const std::deque<BarEvent>& bars, std::size_t period);

// A strategy from its config entry; an error names the file, line and key (where = config path).
Result<std::unique_ptr<Strategy>, std::string> makeStrategy(const YAML::Node& entry, const std::string& where);

}  // namespace rrr::engine
