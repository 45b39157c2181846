#pragma once
// A seeded synthetic market: trades of several correlated symbols, minute by minute, with
//   - trends: each symbol drifts up, down or not at all, in regimes of random length;
//   - volatility clustering: a GARCH(1,1) variance per symbol;
//   - jumps: rare market-wide jumps (felt by each symbol in proportion to its loading) and
//     rarer jumps of one symbol;
//   - an intraday profile: volume and volatility peak at 15:00 UTC and ebb at 03:00, and weekends
//     trade less;
//   - correlation: each symbol's shock is sqrt(corr) * market shock + sqrt(1 - corr) * its own,
//     so that any two symbols' shocks correlate at corr (corr >= 0).
// Within a minute, trades are spread over the minute and their prices follow a Brownian bridge
// from the previous close to this minute's close, so bars built from them have honest highs and
// lows. Deterministic: the same parameters give the same trades, bit for bit, on every platform
// (no std:: distributions, whose output the standard leaves to each library).

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ingest/market_file.h"

namespace rrr::ingest {

struct SyntheticParams {
  std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT"};
  std::vector<double> start_prices;     // per symbol; default 100 * (i + 1)
  std::uint64_t seed = 42;
  std::int64_t start_time_ns = 1'704'067'200'000'000'000;   // 2024-01-01T00:00:00Z
  double correlation = 0.6;
  double minute_volatility = 0.0008;    // long-run sigma of a 1-minute log return
  double garch_alpha = 0.08;
  double garch_beta = 0.90;
  double trend_drift = 0.00012;         // |log drift| per minute in an up or down regime
  double trend_minutes = 240;           // mean length of a regime
  double jump_probability = 0.0005;     // per minute, market-wide; a symbol's own: half of it
  double jump_sigma = 0.01;             // sigma of a jump's log size
  double volume_per_minute = 10.0;      // mean base volume at the profile's mean
  double trades_per_minute = 12;        // mean
};

struct SyntheticTrade {
  std::size_t symbol = 0;
  TradeRow trade;
};

class SyntheticMarket {
 public:
  // REQUIRES: params.symbols non-empty; start_prices empty or one per symbol.
  explicit SyntheticMarket(SyntheticParams params);

  // The trades of the next minute of every symbol, in time order (ties in symbol order).
  std::vector<SyntheticTrade> nextMinute();
  std::int64_t nextMinuteStartNs() const { return params_.start_time_ns + minute_ * kMinuteNs; }
  const SyntheticParams& params() const { return params_; }

  // Relative volume of the minute that starts at time_ns (mean 1 over a week).
  static double intradayProfile(std::int64_t time_ns);

  static constexpr std::int64_t kMinuteNs = 60'000'000'000;

 private:
  struct SymbolState {
    double log_price = 0;
    double variance = 0;      // GARCH: of the next minute's diffusive shock
    double last_shock = 0;
    int regime = 0;           // -1, 0, +1
    std::uint64_t next_trade_id = 1;
  };

  double unit();              // uniform [0, 1)
  double normal();            // standard normal (Box-Muller)
  void minuteOf(std::size_t symbol, double market_shock, double market_jump, std::vector<SyntheticTrade>& out);

  SyntheticParams params_;
  std::mt19937_64 random_;
  std::vector<SymbolState> states_;
  std::int64_t minute_ = 0;
};

}  // namespace rrr::ingest
