#pragma once
// The account as rrr-risk sees it: the engine's latest PortfolioSnapshot (exec ring) plus the new
// orders risk approved after the last decision that snapshot reflects. Those pending orders count
// as open and as if filled (toward the position limit), the cautious reading: a snapshot that
// has applied their decisions replaces them.

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
};

}  // namespace rrr::risk
