#pragma once
// Validation of OHLCV rows, row by row, for one (symbol, interval) series in file order. Used by
// every path that brings bars in (file replay, rrr-db import, feeds), so that all of them accept
// and refuse the same rows.
//
// Rules: a row that cannot be parsed; out of order (open time before the previous one); duplicate
// (same open time); a non-positive or NaN price; high below low; open or close outside [low, high];
// negative volume; and a gap (open time more than one interval after the previous). Each rule has
// a policy (RulePolicy): drop the row and count it (the default; a gap is then only counted, its
// row kept, since the data after a gap is good data), fill forward with zero volume (a gap: one
// flat bar per missing interval at the previous close, then the row; a bad value: the row is
// replaced by a flat bar at the previous close), or halt (the row is refused and so is everything
// after it). Every dropped row is logged once with its place ("file:line", see RowNaming); a
// summary counts every rule. Nothing here throws or aborts.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rrr::ingest {

struct OhlcvRow {
  std::uint64_t line = 0;        // where in its file: the line, or the candle's number in a JSON array
  bool filled = false;           // made by fill forward, not read
  bool nan_price = false;        // a price field read as NaN (the prices are then meaningless)
  std::int64_t open_time_ns = 0;
  std::int64_t open_e8 = 0, high_e8 = 0, low_e8 = 0, close_e8 = 0, volume_e8 = 0, quote_volume_e8 = 0;
  std::uint32_t trade_count = 0;
  std::optional<std::string> parse_error;   // set by a reader for a row it could not parse
};

enum class BarRule { kUnparsable, kOutOfOrder, kDuplicate, kNonPositivePrice, kHighBelowLow, kOutsideRange,
                     kNegativeVolume, kGap, kCount };
const char* toString(BarRule rule);

enum class RulePolicy { kDropAndCount, kFillForward, kHalt };

struct ValidationPolicy {
  std::array<RulePolicy, static_cast<std::size_t>(BarRule::kCount)> by_rule{};  // all kDropAndCount
  RulePolicy& operator[](BarRule rule) { return by_rule[static_cast<std::size_t>(rule)]; }
  RulePolicy operator[](BarRule rule) const { return by_rule[static_cast<std::size_t>(rule)]; }
};

struct ValidationSummary {
  std::uint64_t rows = 0;
  std::uint64_t accepted = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(BarRule::kCount)> by_rule{};
  std::uint64_t filled = 0;              // bars made by fill forward
  std::optional<std::string> halted;     // the place and rule that halted the series
  std::uint64_t dropped() const;
  std::string describe() const;   // "1440 rows, 1438 accepted; dropped: duplicate 2; gaps 1"
};

// How rows are named in messages: "file:12", or "file: candle 12" for a JSON array.
struct RowNaming {
  std::string source = "input";
  std::string unit;              // empty: a line number
  std::string place(std::uint64_t line) const;
};

// A rule's name as config spells it ("out_of_order") and back; nullopt for an unknown name.
std::string configName(BarRule rule);
std::optional<BarRule> ruleFromConfigName(const std::string& name);
std::optional<RulePolicy> policyFromConfigName(const std::string& name);   // drop | fill_forward | halt
// Whether fill forward applies to the rule: gaps (flat bars fill the missing intervals) and the
// value rules (the bad row is replaced by a flat bar at its open time). A row without a usable
// time (unparsable, out of order, duplicate) cannot be filled.
bool fillsForward(BarRule rule);

class BarValidator {
 public:
  explicit BarValidator(std::int64_t interval_s, ValidationPolicy policy = {}, RowNaming naming = {})
      : interval_ns_(interval_s * 1'000'000'000), policy_(policy), naming_(std::move(naming)) {}

  // Checks row. Returns the rows to use, in order: none (dropped, or halted), the row, or (fill
  // forward) the filled bars and then the row.
  std::vector<OhlcvRow> take(const OhlcvRow& row);
  // As take(), appending to out (no allocation per row); returns how many rows it appended.
  std::size_t take(const OhlcvRow& row, std::vector<OhlcvRow>& out);
  // As take(), for a caller that wants only whether the row itself is accepted.
  bool accept(const OhlcvRow& row) { return !take(row).empty(); }
  // Names the rows that follow (a stream that moves on to its next file).
  void setNaming(RowNaming naming) { naming_ = std::move(naming); }
  const ValidationSummary& summary() const { return summary_; }
  bool halted() const { return summary_.halted.has_value(); }

 private:
  void count(BarRule rule, const OhlcvRow& row, const std::string& what);
  std::optional<BarRule> valueRule(const OhlcvRow& row, std::string& what) const;
  OhlcvRow flatBar(std::int64_t open_time_ns, std::uint64_t line) const;   // REQUIRES: last_
  std::int64_t interval_ns_;
  ValidationPolicy policy_;
  RowNaming naming_;
  std::optional<OhlcvRow> last_;
  ValidationSummary summary_;
};

}  // namespace rrr::ingest
