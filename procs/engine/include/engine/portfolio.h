#pragma once
// The paper and live account as the engine keeps it: cash per currency, a position per symbol
// (signed quantity, average cost), realized and unrealized P&L, fees, equity and its peak.
//
// Accounting rules (docs/EXECUTION.md):
//   - A fill that adds to a position (or opens one) moves the average cost to the quantity-weighted
//     mean of the old cost and the fill price.
//   - A fill that reduces a position realizes (fill price - average cost) * closed quantity (times
//     -1 for a short); the average cost of what is left is unchanged.
//   - A fill larger than the position closes it (realizing as above) and opens the rest on the other
//     side at the fill price (a flip).
//   - Cash: a buy pays price * quantity in the quote currency, a sell receives it; the fee is paid
//     in its own currency. Realized P&L excludes fees; fees are summed apart.
//   - Unrealized P&L = (mark - average cost) * quantity; equity (in the account currency) = cash in
//     that currency + the marked value of every position (quantity * mark). Every symbol is quoted
//     in the account currency; a fee in another currency is refused.
// All in fixed point (1e-8); products are rounded to the nearest 1e-8.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace rrr::engine {

enum class Side { kBuy, kSell };

struct FillEvent {
  std::string symbol;
  Side side = Side::kBuy;
  std::int64_t price_e8 = 0;
  std::int64_t quantity_e8 = 0;    // > 0
  std::int64_t fee_e8 = 0;         // >= 0, in fee_currency
  std::string fee_currency;        // the account currency
};

struct PositionState {
  std::int64_t quantity_e8 = 0;    // signed: negative is short
  std::int64_t average_cost_e8 = 0;
  std::int64_t realized_pnl_e8 = 0;
  std::int64_t mark_e8 = 0;
  std::int64_t unrealizedPnl() const;
};

// Everything a Portfolio holds besides its currency, for a checkpoint.
struct PortfolioState {
  std::int64_t cash_e8 = 0;
  std::map<std::string, PositionState> positions;
  std::int64_t fees_e8 = 0;
  std::int64_t peak_equity_e8 = 0;
};

class Portfolio {
 public:
  Portfolio(std::string account_currency, std::int64_t starting_cash_e8);

  // Refuses (and changes nothing for) a fill with a non-positive price or quantity, a negative
  // fee, or a fee in another currency.
  Status<std::string> applyFill(const FillEvent& fill);
  // The latest price of a symbol, for unrealized P&L and equity.
  void mark(const std::string& symbol, std::int64_t price_e8);

  const std::string& accountCurrency() const { return currency_; }
  std::int64_t cash() const { return cash_; }
  const std::map<std::string, PositionState>& positions() const { return positions_; }
  PositionState position(const std::string& symbol) const;
  std::int64_t realizedPnl() const;
  std::int64_t unrealizedPnl() const;
  std::int64_t feesPaid() const { return fees_; }
  std::int64_t equity() const;
  // The highest equity seen at any fill or mark since the start or the last re-arm, for the
  // drawdown limit.
  std::int64_t peakEquity() const { return peak_equity_; }
  void restartPeak() { peak_equity_ = equity(); }
  // Gross exposure: the sum of |quantity * mark| over positions.
  std::int64_t grossExposure() const;

  PortfolioState state() const { return {cash_, positions_, fees_, peak_equity_}; }
  void restore(const PortfolioState& state);

 private:
  void notePeak();

  std::string currency_;
  std::int64_t cash_;
  std::map<std::string, PositionState> positions_;
  std::int64_t fees_ = 0;
  std::int64_t peak_equity_;
};

}  // namespace rrr::engine
