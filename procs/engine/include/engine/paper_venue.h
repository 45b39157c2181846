#pragma once
// Paper execution: orders filled against later bars, the way docs/EXECUTION.md describes.
//
// - An order decided at the close of bar B (decision_time) arrives latency later. Only bars that
//   open at or after decision_time can fill it, so the bar that produced the signal never does.
//   A bar still open when the order arrives is modelled as if the order had been there from the
//   bar's open (the bar says nothing finer).
// - The intrabar path: open, then the nearer of high and low, then the other, then close.
// - Market: fills at the first price of the path. Limit: fills at the first price of the path if
//   that is at or better than the limit (taker), else at the limit when the path trades through it
//   (maker; touching is not enough: the queue ahead is unknown). Stop: triggers when the path
//   reaches the stop, then fills as a market order there; a bar that opens beyond the stop fills at
//   its open (a gap fills worse than the stop). Stop-limit: triggers like a stop, then is a limit.
// - At most max_volume_share of a bar's volume fills per bar; the rest waits for later bars (GTC)
//   or expires (IOC, which only takes what its first bar's opening price can give).
// - Taker fills pay slippage: fixed bps plus impact_bps x (quantity / bar volume); maker fills
//   none. Fees: maker or taker bps of the notional, in the quote currency.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/order_request.h"
#include "engine/portfolio.h"
#include "schemas/common_generated.h"

namespace rrr::engine {

struct PaperConfig {
  double taker_fee_bps = 10;
  double maker_fee_bps = 2;
  double slippage_bps = 1;
  double impact_bps = 50;            // at 100% of a bar's volume
  double max_volume_share = 0.1;
  std::int64_t latency_ns = 50'000'000;
  std::string quote_currency = "USDT";
};

struct PaperOrder {
  std::string client_order_id;
  OrderRequest spec;
  std::int64_t decision_time_ns = 0;
  // Kept by the venue.
  std::int64_t filled_e8 = 0;
  bool triggered = false;
  msg::OrderStatus status = msg::OrderStatus::New;
};

struct PaperBar {
  std::string symbol;
  std::int64_t open_time_ns = 0;
  std::int64_t interval_ns = 60'000'000'000;
  std::int64_t open_e8 = 0, high_e8 = 0, low_e8 = 0, close_e8 = 0, volume_e8 = 0;
};

struct PaperFill {
  std::string client_order_id;
  FillEvent fill;
  msg::Liquidity liquidity = msg::Liquidity::Taker;
  std::int64_t time_ns = 0;
};

struct PaperUpdate {
  std::string client_order_id;
  msg::OrderStatus previous = msg::OrderStatus::New;
  msg::OrderStatus status = msg::OrderStatus::New;
  std::int64_t filled_e8 = 0;
  std::int64_t remaining_e8 = 0;
  std::string reason;
};

struct VenueEvents {
  std::vector<PaperUpdate> updates;
  std::vector<PaperFill> fills;
};

class PaperVenue {
 public:
  explicit PaperVenue(PaperConfig config) : config_(std::move(config)) {}

  // Takes an order (New -> Accepted), or rejects one it cannot take (New -> Rejected).
  VenueEvents submit(PaperOrder order);
  // Cancels an open order (-> Cancelled); an unknown or final one is reported, not an error.
  VenueEvents cancel(const std::string& client_order_id, const std::string& reason);
  // A closed bar: what it fills, in the order the orders arrived.
  VenueEvents onBar(const PaperBar& bar);

  const std::map<std::string, PaperOrder>& orders() const { return orders_; }
  std::size_t openOrders() const;
  // Drops the orders that reached a final state (their events were handed out already), so that
  // a long run does not keep every order it ever saw.
  void forgetFinal();
  // The open orders in arrival order, and a venue holding exactly them (for a checkpoint).
  std::vector<PaperOrder> openInArrivalOrder() const;
  void restore(const std::vector<PaperOrder>& open_orders);

 private:
  void fill(PaperOrder& order, const PaperBar& bar, std::int64_t price_e8, std::int64_t quantity_e8, bool taker,
            VenueEvents& events);
  void move(PaperOrder& order, msg::OrderStatus to, const std::string& reason, VenueEvents& events);
  void work(PaperOrder& order, const PaperBar& bar, std::int64_t& budget_e8, VenueEvents& events);

  PaperConfig config_;
  std::map<std::string, PaperOrder> orders_;
  std::vector<std::string> arrival_order_;
};

}  // namespace rrr::engine
