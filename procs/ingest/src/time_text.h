#pragma once
// Times in market data files, to nanoseconds since the Unix epoch (UTC).

#include <cstdint>
#include <optional>
#include <string_view>

#include "ingest/market_file.h"

namespace rrr::ingest {

// An integer count of the unit (kSeconds also takes a decimal fraction), or for kAuto an integer
// whose magnitude tells the unit: below 1e11 seconds, 1e14 ms, 1e17 us, else ns.
// kDateTime: "YYYY-MM-DD[ T]HH:MM[:SS[.fraction]]" with an optional "Z" or "+00:00", read as UTC.
// A time outside [1970, 2100) is nullopt (kLatestTimeNs).
std::optional<std::int64_t> parseTimeNs(std::string_view text, TimeUnit unit);

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day);

}  // namespace rrr::ingest
