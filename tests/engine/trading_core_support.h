#pragma once
// What the TradingCore tests share: bars, a one-shot strategy and a core around it.

#include <cmath>
#include <memory>
#include <variant>
#include <vector>

#include "common/fixed_point.h"
#include "engine/trading_core.h"

namespace rrr::engine::testing {

constexpr std::int64_t kMinuteNs = 60'000'000'000;
constexpr std::int64_t kStart = 1'704'067'200'000'000'000;   // 2024-01-01

inline BarEvent bar(int minute, double open, double high, double low, double close, double volume = 100) {
  return BarEvent{"BTCUSDT", 60, kStart + minute * kMinuteNs, toFixed(open), toFixed(high), toFixed(low), toFixed(close), toFixed(volume)};
}

// A deterministic wandering price, for longer runs.
inline BarEvent wander(int minute) {
  const double close = 100 + 5 * std::sin(minute / 7.0) + 2 * std::sin(minute / 2.3);
  const double open = 100 + 5 * std::sin((minute - 1) / 7.0) + 2 * std::sin((minute - 1) / 2.3);
  return bar(minute, open, std::max(open, close) + 0.3, std::min(open, close) - 0.3, close, 50);
}

// Buys once on its first bar, with the order it is given.
class BuyOnce : public Strategy {
 public:
  explicit BuyOnce(OrderRequest request) : request_(std::move(request)) {}
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& symbols() const override { return symbols_; }
  void onBar(const BarEvent&, StrategyContext& context) override {
    if (!done_) context.submit(request_);
    done_ = true;
  }
  std::string saveState() const override { return done_ ? "done" : ""; }
  Status<std::string> restoreState(const std::string& text) override {
    done_ = text == "done";
    return {};
  }

 private:
  OrderRequest request_;
  bool done_ = false;
  std::string id_ = "once";
  std::vector<std::string> symbols_{"BTCUSDT"};
};

inline std::unique_ptr<TradingCore> coreWith(std::unique_ptr<Strategy> strategy) {
  std::vector<std::unique_ptr<Strategy>> strategies;
  strategies.push_back(std::move(strategy));
  CoreConfig config;
  config.paper.latency_ns = 1'000'000'000;
  return std::make_unique<TradingCore>(config, std::move(strategies));
}

template <class T>
std::vector<T> recordsOf(const CoreOutput& out) {
  std::vector<T> found;
  for (const auto& record : out.exec) {
    if (const auto* typed = std::get_if<T>(&record)) found.push_back(*typed);
  }
  return found;
}

}  // namespace rrr::engine::testing
