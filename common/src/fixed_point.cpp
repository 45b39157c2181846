#include "common/fixed_point.h"

#include <charconv>
#include <cstdlib>
#include <limits>

namespace rrr {
namespace {

constexpr std::int64_t kMaxInteger = std::numeric_limits<std::int64_t>::max() / kFixedScale;

// Digits-only decimal "123.456": exact, no floating point involved.
std::optional<std::int64_t> parsePlainDecimal(std::string_view text, bool negative) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;

  std::int64_t integer = 0;
  if (!whole.empty()) {
    auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), integer);
    if (ec != std::errc() || ptr != whole.data() + whole.size() || integer > kMaxInteger) {
      return std::nullopt;
    }
  }
  std::int64_t decimals = 0;
  std::int64_t unit = kFixedScale;
  bool round_up = false;
  for (std::size_t i = 0; i < fraction.size(); ++i) {
    const char c = fraction[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (i < kFixedDecimals) {
      unit /= 10;
      decimals += (c - '0') * unit;
    } else if (i == kFixedDecimals) {
      round_up = c >= '5';
    }
  }
  std::int64_t fixed = integer * kFixedScale + decimals + (round_up ? 1 : 0);
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
  if (digits.find_first_of("eE") == std::string_view::npos) {
    return parsePlainDecimal(digits, negative);
  }
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
