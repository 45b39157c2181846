#pragma once
// Prices, quantities and money on the wire and in storage are int64 in units of 1e-8 (the _e8
// fields of the schemas). These helpers are the only place that converts them.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rrr {

inline constexpr std::int64_t kFixedScale = 100'000'000;  // 1e8
inline constexpr int kFixedDecimals = 8;

// Nearest fixed-point value of a double. REQUIRES: std::isfinite(value) and |value| < 9.2e10.
inline std::int64_t toFixed(double value) { return std::llround(value * kFixedScale); }

inline double fromFixed(std::int64_t fixed) { return static_cast<double>(fixed) / kFixedScale; }

// a * b for two fixed-point values (price * quantity = notional), rounded half away from zero to
// the nearest 1e-8, through a 128-bit product. REQUIRES: the result fits in an int64.
inline std::int64_t mulFixed(std::int64_t a, std::int64_t b) {
  __extension__ using Wide = __int128;
  const Wide product = static_cast<Wide>(a) * b;
  const Wide half = kFixedScale / 2;
  return static_cast<std::int64_t>(product >= 0 ? (product + half) / kFixedScale : (product - half) / kFixedScale);
}

// a / b for two fixed-point values (notional / quantity = average price), rounded half away from
// zero. REQUIRES: b != 0 and the result fits in an int64.
inline std::int64_t divFixed(std::int64_t a, std::int64_t b) {
  __extension__ using Wide = __int128;
  const Wide numerator = static_cast<Wide>(a) * kFixedScale;
  const Wide half = (b >= 0 ? b : -b) / 2;
  const bool negative = (numerator < 0) != (b < 0);
  const Wide magnitude = ((numerator < 0 ? -numerator : numerator) + half) / (b >= 0 ? b : -b);
  return static_cast<std::int64_t>(negative ? -magnitude : magnitude);
}

// Parses a decimal literal such as "0.00141342", "-12", "1e-5" exactly when it has at most 8
// decimals, and rounds to the nearest 1e-8 otherwise. Returns nothing for text that is not a
// finite number or does not fit.
std::optional<std::int64_t> parseFixed(std::string_view text);

// "123.45000000" style text with all 8 decimals.
std::string formatFixed(std::int64_t fixed);

}  // namespace rrr
