#include "risk/account_tracker.h"

#include <algorithm>

namespace rrr::risk {

void AccountTracker::onSnapshot(const msg::PortfolioSnapshot& snapshot) {
  seen_ = true;
  positions_e8_.clear();
  if (const auto* positions = snapshot.positions()) {
    for (const auto* position : *positions) positions_e8_[position->symbol()->str()] = position->quantity_e8();
  }
  open_orders_ = static_cast<int>(snapshot.open_orders());
  equity_e8_ = snapshot.equity_e8();
  peak_equity_e8_ = snapshot.peak_equity_e8();
  day_start_equity_e8_ = snapshot.day_start_equity_e8();
  if (snapshot.decisions_applied()) decisions_applied_ = *snapshot.decisions_applied();
  snapshot_rearms_ = snapshot.rearms_applied();
  if (engineBehindRearms()) {
    if (!rearm_.equity_e8) rearm_.equity_e8 = rearm_.peak_e8 = equity_e8_;
    rearm_.peak_e8 = std::max(rearm_.peak_e8, equity_e8_);
  }
  dropApplied();
}

void AccountTracker::rearm(std::uint64_t rearms, std::optional<std::int64_t> equity_e8) {
  rearm_.count = rearms;
  rearm_.equity_e8 = equity_e8 ? equity_e8 : seen_ ? std::optional(equity_e8_) : std::nullopt;
  rearm_.peak_e8 = rearm_.equity_e8.value_or(0);
}

void AccountTracker::onApproved(std::uint64_t decision_sequence, const std::string& symbol, std::int64_t signed_quantity_e8) {
  pending_.push_back({decision_sequence, symbol, signed_quantity_e8});
  dropApplied();
}

void AccountTracker::dropApplied() {
  if (!decisions_applied_) return;
  while (!pending_.empty() && pending_.front().decision_sequence <= *decisions_applied_) pending_.pop_front();
}

void AccountTracker::fill(AccountView& view) const {
  view.positions_e8 = positions_e8_;
  for (const auto& order : pending_) view.positions_e8[order.symbol] += order.signed_quantity_e8;
  view.open_orders = open_orders_ + static_cast<int>(pending_.size());
  view.equity_e8 = equity_e8_;
  view.peak_equity_e8 = peak_equity_e8_;
  view.day_start_equity_e8 = day_start_equity_e8_;
  if (engineBehindRearms() && rearm_.equity_e8) {
    view.peak_equity_e8 = rearm_.peak_e8;
    view.day_start_equity_e8 = *rearm_.equity_e8;
  }
}

}  // namespace rrr::risk
