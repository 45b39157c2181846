#include "time_text.h"

#include <charconv>

#include "common/fixed_point.h"
#include "file_parsers.h"

namespace rrr::ingest {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '"')) text.remove_suffix(1);
  return text;
}

// Reads exactly `width` digits at text[at].
std::optional<unsigned> digits(std::string_view text, std::size_t at, std::size_t width) {
  if (at + width > text.size()) return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return value;
}

std::optional<std::int64_t> dateTimeNs(std::string_view text) {
  if (text.ends_with('Z')) text.remove_suffix(1);
  if (text.ends_with("+00:00")) text.remove_suffix(6);
  const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2), minute = digits(text, 14, 2);
  if (!year || !month || !day || !hour || !minute || text[4] != '-' || text[7] != '-' ||
      (text[10] != ' ' && text[10] != 'T') || text[13] != ':') {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59) return std::nullopt;
  if (*year < 1970 || *year >= 2100) return std::nullopt;   // the readers' range; no overflow below
  std::int64_t nanos = 0;
  unsigned second = 0;
  if (text.size() > 16) {
    const auto seconds = digits(text, 17, 2);
    if (text[16] != ':' || !seconds || *seconds > 60) return std::nullopt;
    second = *seconds;
    if (text.size() > 19) {
      if (text[19] != '.' || text.size() == 20 || text.size() > 29) return std::nullopt;
      const auto fraction = digits(text, 20, text.size() - 20);
      if (!fraction) return std::nullopt;
      nanos = *fraction;
      for (std::size_t i = text.size() - 20; i < 9; ++i) nanos *= 10;
    }
  }
  const auto days = daysFromCivil(*year, *month, *day);
  return ((days * 24 + *hour) * 60 + *minute) * 60'000'000'000 + std::int64_t{second} * 1'000'000'000 + nanos;
}

}  // namespace

std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day) {
  // Counts from 0000-03-01 so that the leap day is the last day of a year, in 400-year eras.
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

static std::optional<std::int64_t> unboundedTimeNs(std::string_view text, TimeUnit unit) {
  text = trimmed(text);
  constexpr std::int64_t kLimit = 9'000'000'000'000'000'000 / 1'000'000'000;   // seconds that fit in ns
  switch (unit) {
    case TimeUnit::kDateTime: return dateTimeNs(text);
    case TimeUnit::kSeconds: {
      const auto seconds_e8 = parseFixed(text);
      if (!seconds_e8 || *seconds_e8 / 100'000'000 > kLimit || *seconds_e8 / 100'000'000 < -kLimit) return std::nullopt;
      return *seconds_e8 * 10;
    }
    default: break;
  }
  const auto value = parsers::integerField(text);
  if (!value) return std::nullopt;
  auto scale = [](std::int64_t count, std::int64_t factor) -> std::optional<std::int64_t> {
    if (count > INT64_MAX / factor || count < INT64_MIN / factor) return std::nullopt;
    return count * factor;
  };
  switch (unit) {
    case TimeUnit::kMilliseconds: return scale(*value, 1'000'000);
    case TimeUnit::kMicroseconds: return scale(*value, 1'000);
    case TimeUnit::kNanoseconds: return *value;
    case TimeUnit::kAuto: {
      if (*value == INT64_MIN) return std::nullopt;
      const std::int64_t magnitude = *value < 0 ? -*value : *value;
      if (magnitude < 100'000'000'000) return scale(*value, 1'000'000'000);
      if (magnitude < 100'000'000'000'000) return scale(*value, 1'000'000);
      if (magnitude < 100'000'000'000'000'000) return scale(*value, 1'000);
      return *value;
    }
    default: return std::nullopt;
  }
}

std::optional<std::int64_t> parseTimeNs(std::string_view text, TimeUnit unit) {
  const auto time = unboundedTimeNs(text, unit);
  if (!time || *time < 0 || *time >= kLatestTimeNs) return std::nullopt;
  return time;
}

}  // namespace rrr::ingest
