#pragma once
// The rules every order intent passes before execution, in this order:
//
//   kill switch / halt   no new orders while the kill switch is on or trading is halted
//   malformed            a positive quantity; prices where the type needs them
//   price band           the order's price (limit, else stop, else the last price) within
//                        price_band_bps of the last price (fat finger); no last price: refused
//   max order notional   quantity x price
//   max position         |position + this order| per symbol (default for symbols not listed)
//   max gross exposure   sum of |positions| x last prices, plus this order's notional
//   max open orders      open orders, plus this one
//   max orders / minute  orders approved in the 60 s of event time before this one
//   max daily loss       equity below the UTC day's starting equity by more than the limit: halt
//   max drawdown         equity below the peak by more than the fraction: halt
//
// A cancel is always approved (it only takes risk away). A breach of the daily loss or drawdown
// limit halts trading until re-armed by hand, as the kill switch does. Every decision carries the
// rule and the numbers. Limits of 0 are off.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "schemas/common_generated.h"
#include "schemas/risk_generated.h"
#include "schemas/trading_generated.h"

namespace rrr::risk {

// The orders-per-minute window: approvals within this much event time before an intent count.
inline constexpr std::int64_t kOrdersPerMinuteWindowNs = 60'000'000'000;

struct RiskLimits {
  std::map<std::string, std::int64_t> max_position_e8;   // per symbol
  std::int64_t default_max_position_e8 = 0;
  std::int64_t max_order_notional_e8 = 0;
  std::int64_t max_gross_exposure_e8 = 0;
  int max_open_orders = 0;
  int max_orders_per_minute = 0;
  double price_band_bps = 0;
  std::int64_t max_daily_loss_e8 = 0;
  double max_drawdown = 0;                               // a fraction of the peak equity
};

struct IntentView {
  std::string client_order_id;
  std::string symbol;
  msg::IntentAction action = msg::IntentAction::New;
  msg::Side side = msg::Side::Buy;
  msg::OrderType type = msg::OrderType::Market;
  std::int64_t quantity_e8 = 0;
  std::int64_t limit_price_e8 = 0;
  std::int64_t stop_price_e8 = 0;
  std::int64_t time_ns = 0;                              // event time of the decision
};

struct AccountView {
  std::map<std::string, std::int64_t> positions_e8;      // signed
  std::map<std::string, std::int64_t> last_prices_e8;
  int open_orders = 0;
  std::int64_t equity_e8 = 0;
  std::int64_t peak_equity_e8 = 0;
  std::int64_t day_start_equity_e8 = 0;
};

struct Verdict {
  bool approved = true;
  msg::RiskRule rule = msg::RiskRule::None;
  double limit = 0;
  double observed = 0;
  std::string detail;
  bool halts = false;                                    // this breach halts trading
};

class RiskGate {
 public:
  explicit RiskGate(RiskLimits limits) : limits_(std::move(limits)) {}

  // Checks an intent; an approved new order counts toward the orders-per-minute limit.
  Verdict check(const IntentView& intent, const AccountView& account);

  // The account rules alone (daily loss, drawdown from the equity peak), for an account record that
  // came without an intent: a breach halts, and is returned. Nothing once halted.
  std::optional<Verdict> checkAccount(const AccountView& account);
  bool hasAccountLimits() const { return limits_.max_daily_loss_e8 > 0 || limits_.max_drawdown > 0; }

  void setKillSwitch(bool on) { kill_switch_ = on; }
  bool killSwitch() const { return kill_switch_; }
  // Set by a daily-loss or drawdown breach; cleared only by rearm().
  bool halted() const { return halted_.has_value(); }
  const std::string& haltReason() const;
  void halt(std::string reason) { halted_ = std::move(reason); }
  void rearm() { halted_.reset(); }
  const RiskLimits& limits() const { return limits_; }
  // An order approved before a restart, for the orders-per-minute window.
  void noteApproved(std::int64_t time_ns) { approved_times_ns_.push_back(time_ns); }
  // Takes back the last approval check() counted, at time_ns: its decision was never published.
  void withdrawApproval(std::int64_t time_ns);
  // A decision taken before the rings were made anew (prior_decisions.h), in place of check():
  // the window becomes the one stored before it, and an approved new order counts toward it.
  Verdict adopt(const IntentView& intent, Verdict prior, const std::vector<std::int64_t>& approvals_before);

 private:
  Verdict checkNew(const IntentView& intent, const AccountView& account) const;
  Verdict accountBreach(const AccountView& account) const;
  // Drops approvals that fall out of the window of an intent at time_ns.
  void forgetApprovalsBefore(std::int64_t time_ns);

  RiskLimits limits_;
  bool kill_switch_ = false;
  std::optional<std::string> halted_;
  std::deque<std::int64_t> approved_times_ns_;
};

}  // namespace rrr::risk
