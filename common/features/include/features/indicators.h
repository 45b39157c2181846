#pragma once
// Technical indicators as streaming state machines: update() takes one value or bar and returns
// the indicator's value once it has enough history. A whole series is the same calls in a loop,
// so streaming and batch cannot differ.
//
// Two seeding conventions, because published reference values depend on them:
//   kTaLib  TA-Lib 0.4 (default compatibility): an EMA starts at the SMA of its first `period`
//           values; Wilder smoothing (RSI, ATR) starts at a simple average; the true range needs
//           the previous close, so it starts at the second bar; MACD aligns its fast EMA's seed
//           window to end where the slow one's does, and outputs once the signal is seeded.
//   kTulip  Tulip Indicators: an EMA starts at the first value; the first true range is
//           high - low; MACD's EMAs and signal start at the first value they see.
// RSI, SMA, standard deviation and Bollinger bands agree in both.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace rrr::features {

enum class Convention { kTaLib, kTulip };

struct Ohlcv {
  std::int64_t open_time_ns = 0;
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

// The last `period` values with their sum and sum of squares.
class Window {
 public:
  explicit Window(std::size_t period);
  void push(double value);
  bool full() const { return count_ >= values_.size(); }
  std::size_t period() const { return values_.size(); }
  double mean() const;
  double populationStdDev() const;
  double sampleStdDev() const;

 private:
  std::vector<double> values_;
  std::size_t next_ = 0;
  std::size_t count_ = 0;
};

class Sma {
 public:
  explicit Sma(std::size_t period) : window_(period) {}
  std::optional<double> update(double value);

 private:
  Window window_;
};

class Ema {
 public:
  Ema(std::size_t period, Convention convention);
  std::optional<double> update(double value);

 private:
  std::size_t period_;
  Convention convention_;
  double k_;
  std::size_t count_ = 0;
  double value_ = 0;
};

// Wilder's smoothing: the mean of the first `period` values, then avg += (x - avg) / period.
class Wilder {
 public:
  explicit Wilder(std::size_t period) : period_(period) {}
  std::optional<double> update(double value);

 private:
  std::size_t period_;
  std::size_t count_ = 0;
  double value_ = 0;
};

class Rsi {
 public:
  explicit Rsi(std::size_t period) : gains_(period), losses_(period) {}
  std::optional<double> update(double close);

 private:
  Wilder gains_, losses_;
  std::optional<double> previous_;
};

class TrueRange {
 public:
  explicit TrueRange(Convention convention) : convention_(convention) {}
  std::optional<double> update(const Ohlcv& bar);

 private:
  Convention convention_;
  std::optional<double> previous_close_;
};

class Atr {
 public:
  Atr(std::size_t period, Convention convention) : range_(convention), smooth_(period) {}
  std::optional<double> update(const Ohlcv& bar);

 private:
  TrueRange range_;
  Wilder smooth_;
};

// Population standard deviation of the last `period` values, times `deviations`.
class StdDev {
 public:
  StdDev(std::size_t period, double deviations) : window_(period), deviations_(deviations) {}
  std::optional<double> update(double value);

 private:
  Window window_;
  double deviations_;
};

struct Bands {
  double lower = 0, middle = 0, upper = 0;
  // Where value sits between the bands: 0 at the lower, 1 at the upper (0.5 if they meet).
  double percentB(double value) const { return upper > lower ? (value - lower) / (upper - lower) : 0.5; }
};

// Bollinger bands: SMA middle, population standard deviation.
class Bollinger {
 public:
  Bollinger(std::size_t period, double deviations_up, double deviations_down)
      : window_(period), up_(deviations_up), down_(deviations_down) {}
  std::optional<Bands> update(double value);

 private:
  Window window_;
  double up_, down_;
};

struct MacdValue {
  double macd = 0, signal = 0, histogram = 0;
};

class Macd {
 public:
  // fast and slow are swapped when fast > slow, as TA-Lib does.
  Macd(std::size_t fast, std::size_t slow, std::size_t signal, Convention convention);
  std::optional<MacdValue> update(double value);

 private:
  std::size_t fast_period_, slow_period_;
  Convention convention_;
  Ema fast_, slow_, signal_;
  std::size_t count_ = 0;
};

}  // namespace rrr::features
