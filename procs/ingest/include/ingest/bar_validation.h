#pragma once
// Validation of OHLCV rows, row by row, for one (symbol, interval) series in file order. Used by
// every path that brings bars in (file replay, rrr-db import, feeds), so that all of them accept
// and refuse the same rows.
//
// Rules: a row that cannot be parsed; out of order (open time before the previous one); duplicate
// (same open time); a non-positive price; high below low; open or close outside [low, high];
// negative volume; and a gap (open time more than one interval after the previous). A rejected row
// is dropped, counted and logged once with its place ("file:line"); a gap is counted and logged
// but its row is kept (the data after a gap is good data). Nothing here throws or aborts.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rrr::ingest {

struct OhlcvRow {
  std::string place;             // "file:line" (or "file: candle N") for messages
  std::int64_t open_time_ns = 0;
  std::int64_t open_e8 = 0, high_e8 = 0, low_e8 = 0, close_e8 = 0, volume_e8 = 0, quote_volume_e8 = 0;
  std::uint32_t trade_count = 0;
  std::optional<std::string> parse_error;   // set by a reader for a row it could not parse
};

enum class BarRule { kUnparsable, kOutOfOrder, kDuplicate, kNonPositivePrice, kHighBelowLow, kOutsideRange,
                     kNegativeVolume, kGap, kCount };
const char* toString(BarRule rule);

struct ValidationSummary {
  std::uint64_t rows = 0;
  std::uint64_t accepted = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(BarRule::kCount)> by_rule{};
  std::uint64_t dropped() const;
  std::string describe() const;   // "1440 rows, 1438 accepted; dropped: duplicate 2; gaps 1"
};

class BarValidator {
 public:
  explicit BarValidator(std::int64_t interval_s) : interval_ns_(interval_s * 1'000'000'000) {}

  // True if row is accepted (it then becomes the series' last row).
  bool accept(const OhlcvRow& row);
  const ValidationSummary& summary() const { return summary_; }

 private:
  bool reject(BarRule rule, const OhlcvRow& row, const std::string& what);
  std::int64_t interval_ns_;
  std::optional<std::int64_t> last_open_time_ns_;
  ValidationSummary summary_;
};

}  // namespace rrr::ingest
