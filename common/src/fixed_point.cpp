#include "common/fixed_point.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>

namespace rrr {
namespace {

constexpr std::int64_t kMaxInteger = std::numeric_limits<std::int64_t>::max() / kFixedScale;

// Digits-only decimal "123.456": exact, no floating point involved. One pass, no division: this
// runs for every price of every row a reader parses.
std::optional<std::int64_t> parsePlainDecimal(std::string_view text, bool negative) {
  static constexpr std::int64_t kPow10[] = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000};
  const char* at = text.data();
  const char* const end = at + text.size();
  std::int64_t integer = 0;
  const char* const whole_start = at;
  for (; at != end && *at >= '0' && *at <= '9'; ++at) {
    integer = integer * 10 + (*at - '0');
    if (integer > kMaxInteger) return std::nullopt;
  }
  const bool has_whole = at != whole_start;
  std::int64_t decimals = 0;
  std::size_t fraction_digits = 0;
  bool round_up = false;
  if (at != end && *at == '.') {
    for (++at; at != end && *at >= '0' && *at <= '9'; ++at, ++fraction_digits) {
      if (fraction_digits < kFixedDecimals) {
        decimals = decimals * 10 + (*at - '0');
      } else if (fraction_digits == kFixedDecimals) {
        round_up = *at >= '5';
      }
    }
  }
  if (at != end || (!has_whole && fraction_digits == 0)) return std::nullopt;
  decimals *= kPow10[kFixedDecimals - std::min<std::size_t>(fraction_digits, kFixedDecimals)];
  const std::int64_t fixed = integer * kFixedScale + decimals + (round_up ? 1 : 0);
  return negative ? -fixed : fixed;
}

}  // namespace

std::optional<std::int64_t> parseFixed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '"' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return std::nullopt;
  bool negative = false;
  std::string_view digits = text;
  if (digits.front() == '-' || digits.front() == '+') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (auto plain = parsePlainDecimal(digits, negative)) return plain;
  if (digits.find_first_of("eE") == std::string_view::npos) return std::nullopt;
  // Exponent form ("8.794e-05"): through a double, rounded to the nearest 1e-8.
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value) ||
      std::fabs(value) >= static_cast<double>(kMaxInteger)) {
    return std::nullopt;
  }
  return toFixed(value);
}

std::string formatFixed(std::int64_t fixed) {
  const bool negative = fixed < 0;
  // Unsigned magnitude so that INT64_MIN does not overflow.
  const std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(fixed) + 1 : static_cast<std::uint64_t>(fixed);
  std::string fraction = std::to_string(magnitude % kFixedScale);
  fraction.insert(0, kFixedDecimals - fraction.size(), '0');
  return (negative ? "-" : "") + std::to_string(magnitude / kFixedScale) + "." + fraction;
}

}  // namespace rrr
