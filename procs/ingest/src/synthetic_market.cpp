#include "ingest/synthetic_market.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "common/fixed_point.h"

namespace rrr::ingest {
namespace {

constexpr std::int64_t kDayNs = 86'400'000'000'000;
constexpr int kMaxTradesPerMinute = 400;

}  // namespace

SyntheticMarket::SyntheticMarket(SyntheticParams params) : params_(std::move(params)), random_(params_.seed) {
  const double long_run = params_.minute_volatility * params_.minute_volatility;
  for (std::size_t i = 0; i < params_.symbols.size(); ++i) {
    SymbolState state;
    const double start = i < params_.start_prices.size() ? params_.start_prices[i] : 100.0 * static_cast<double>(i + 1);
    state.log_price = std::log(start);
    state.variance = long_run;
    states_.push_back(state);
  }
}

double SyntheticMarket::unit() { return static_cast<double>(random_() >> 11) * 0x1.0p-53; }

double SyntheticMarket::normal() {
  const double u1 = 1.0 - unit();   // (0, 1]: log(0) never happens
  const double u2 = unit();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double SyntheticMarket::intradayProfile(std::int64_t time_ns) {
  const std::int64_t day_ns = ((time_ns % kDayNs) + kDayNs) % kDayNs;
  const double hour = static_cast<double>(day_ns) / 3.6e12;
  const std::int64_t days = time_ns >= 0 ? time_ns / kDayNs : (time_ns - kDayNs + 1) / kDayNs;
  const std::int64_t weekday = ((days + 3) % 7 + 7) % 7;   // 1970-01-01 was a Thursday: 0 = Monday
  const double weekend = weekday >= 5 ? 0.6 : 1.16;        // mean over a week: 1
  return weekend * (1.0 + 0.5 * std::cos(2.0 * std::numbers::pi * (hour - 15.0) / 24.0));
}

std::vector<SyntheticTrade> SyntheticMarket::nextMinute() {
  std::vector<SyntheticTrade> trades;
  const double market_shock = normal();
  const double market_jump = unit() < params_.jump_probability ? normal() * params_.jump_sigma : 0.0;
  for (std::size_t i = 0; i < states_.size(); ++i) minuteOf(i, market_shock, market_jump, trades);
  std::stable_sort(trades.begin(), trades.end(),
                   [](const SyntheticTrade& a, const SyntheticTrade& b) { return a.trade.tick.time_ns < b.trade.tick.time_ns; });
  ++minute_;
  return trades;
}

void SyntheticMarket::minuteOf(std::size_t symbol, double market_shock, double market_jump, std::vector<SyntheticTrade>& out) {
  auto& state = states_[symbol];
  const std::int64_t start = nextMinuteStartNs();
  const double profile = intradayProfile(start);
  if (unit() < 1.0 / params_.trend_minutes) state.regime = static_cast<int>(unit() * 3.0) - 1;

  // GARCH(1,1) on the diffusive shock; the intraday profile scales volatility by sqrt(profile).
  const double long_run = params_.minute_volatility * params_.minute_volatility;
  const double omega = long_run * (1.0 - params_.garch_alpha - params_.garch_beta);
  state.variance = omega + params_.garch_alpha * state.last_shock * state.last_shock + params_.garch_beta * state.variance;
  // Loading sqrt(correlation) on the market shock gives two symbols that correlation.
  const double loading = std::sqrt(std::fabs(params_.correlation));
  const double z = loading * market_shock + std::sqrt(1.0 - loading * loading) * normal();
  // The GARCH recursion runs on the deseasonalised shock: fed the profile's swings, its
  // persistence would exceed 1 at the daily peak and the variance would explode.
  state.last_shock = std::sqrt(state.variance) * z;
  const double sigma = std::sqrt(state.variance * profile);
  double jump = loading * market_jump;
  if (unit() < params_.jump_probability / 2) jump += normal() * params_.jump_sigma;
  const double minute_return = state.regime * params_.trend_drift + sigma * z + jump;

  // Volume: the profile, more in volatile minutes, lognormal noise. Trades: as many as the volume
  // calls for, at least one.
  const double activity = profile * (0.5 + 0.5 * std::fabs(minute_return) / params_.minute_volatility) *
                          std::exp(0.3 * normal() - 0.045);
  const double volume = params_.volume_per_minute * activity;
  const int count = std::clamp(static_cast<int>(params_.trades_per_minute * activity * (0.5 + unit())), 1, kMaxTradesPerMinute);

  std::vector<double> times(static_cast<std::size_t>(count)), weights(static_cast<std::size_t>(count));
  for (auto& time : times) time = unit();
  std::sort(times.begin(), times.end());
  double weight_sum = 0;
  for (auto& weight : weights) weight_sum += (weight = -std::log(1.0 - unit()) + 1e-3);
  // A Brownian bridge from 0 to minute_return over `count` steps.
  double walk = 0;
  std::vector<double> path(static_cast<std::size_t>(count));
  const double step_sigma = sigma / std::sqrt(static_cast<double>(count));
  for (auto& point : path) point = (walk += step_sigma * normal());
  const double open_log = state.log_price;
  double previous = open_log;
  for (int k = 0; k < count; ++k) {
    const double fraction = static_cast<double>(k + 1) / count;
    const double log_price = open_log + minute_return * fraction + path[static_cast<std::size_t>(k)] - fraction * walk;
    SyntheticTrade trade;
    trade.symbol = symbol;
    trade.trade.trade_id = state.next_trade_id++;
    trade.trade.aggressor = log_price >= previous ? 1 : 2;   // an uptick was a buyer's
    previous = log_price;
    trade.trade.tick.time_ns = start + static_cast<std::int64_t>(times[static_cast<std::size_t>(k)] * 60'000.0) * 1'000'000;
    trade.trade.tick.price_e8 = std::max<std::int64_t>(1, toFixed(std::exp(log_price)));
    trade.trade.tick.quantity_e8 = std::max<std::int64_t>(1, toFixed(volume * weights[static_cast<std::size_t>(k)] / weight_sum));
    out.push_back(trade);
  }
  state.log_price = open_log + minute_return;
}

}  // namespace rrr::ingest
