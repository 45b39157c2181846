#pragma once
// The account as rrr-risk sees it: the engine's latest PortfolioSnapshot (exec ring) plus the new
// orders risk approved after the last decision that snapshot reflects. Those pending orders count
// as open and as if filled (toward the position limit), the cautious reading: a snapshot that
// has applied their decisions replaces them. After a re-arm (risk_switches.h), until a snapshot
// says the engine has reset its baselines for it, the day's starting equity is the equity at the
// re-arm and the peak the highest since.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "risk/risk_gate.h"
#include "schemas/trading_generated.h"

namespace rrr::risk {

class AccountTracker {
 public:
  void onSnapshot(const msg::PortfolioSnapshot& snapshot);
  // A new order approved by the decision at decision_sequence on the decision ring.
  void onApproved(std::uint64_t decision_sequence, const std::string& symbol, std::int64_t signed_quantity_e8);
  // Writes positions, open orders and equity into view (its last prices are left as they are).
  void fill(AccountView& view) const;
  std::optional<std::uint64_t> decisionsApplied() const { return decisions_applied_; }
  bool seenSnapshot() const { return seen_; }

  // Re-arm number `rearms`, measured from `equity_e8` (nullopt: the equity now, or the next
  // snapshot's if none came yet).
  void rearm(std::uint64_t rearms, std::optional<std::int64_t> equity_e8);
  std::optional<std::int64_t> rearmEquity() const { return rearm_.equity_e8; }
  // The engine's last snapshot reflects fewer re-arms than rrr-risk applied.
  bool engineBehindRearms() const { return seen_ && snapshot_rearms_ < rearm_.count; }

 private:
  struct Pending {
    std::uint64_t decision_sequence;
    std::string symbol;
    std::int64_t signed_quantity_e8;
  };
  void dropApplied();

  bool seen_ = false;
  std::map<std::string, std::int64_t> positions_e8_;
  int open_orders_ = 0;
  std::int64_t equity_e8_ = 0, peak_equity_e8_ = 0, day_start_equity_e8_ = 0;
  std::optional<std::uint64_t> decisions_applied_;
  std::deque<Pending> pending_;
  struct Rearm {
    std::uint64_t count = 0;
    std::optional<std::int64_t> equity_e8;
    std::int64_t peak_e8 = 0;
  };
  Rearm rearm_;
  std::uint64_t snapshot_rearms_ = 0;
};

}  // namespace rrr::risk
