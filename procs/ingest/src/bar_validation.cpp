#include "ingest/bar_validation.h"

#include <spdlog/spdlog.h>

namespace rrr::ingest {

const char* toString(BarRule rule) {
  switch (rule) {
    case BarRule::kUnparsable: return "unparsable";
    case BarRule::kOutOfOrder: return "out of order";
    case BarRule::kDuplicate: return "duplicate";
    case BarRule::kNonPositivePrice: return "non-positive price";
    case BarRule::kHighBelowLow: return "high below low";
    case BarRule::kOutsideRange: return "open or close outside [low, high]";
    case BarRule::kNegativeVolume: return "negative volume";
    case BarRule::kGap: return "gap";
    case BarRule::kCount: break;
  }
  return "unknown";
}

std::uint64_t ValidationSummary::dropped() const {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < by_rule.size(); ++i) {
    if (static_cast<BarRule>(i) != BarRule::kGap) total += by_rule[i];
  }
  return total;
}

std::string ValidationSummary::describe() const {
  std::string text = std::to_string(rows) + " rows, " + std::to_string(accepted) + " accepted";
  std::string dropped_text;
  for (std::size_t i = 0; i < by_rule.size(); ++i) {
    if (by_rule[i] == 0 || static_cast<BarRule>(i) == BarRule::kGap) continue;
    dropped_text += (dropped_text.empty() ? "" : ", ") + std::string(toString(static_cast<BarRule>(i))) + " " +
                    std::to_string(by_rule[i]);
  }
  if (!dropped_text.empty()) text += "; dropped: " + dropped_text;
  const auto gaps = by_rule[static_cast<std::size_t>(BarRule::kGap)];
  if (gaps > 0) text += "; gaps " + std::to_string(gaps);
  if (filled > 0) text += " (" + std::to_string(filled) + " bars filled forward)";
  if (halted) text += "; halted at " + *halted;
  return text;
}

std::vector<OhlcvRow> BarValidator::reject(BarRule rule, const OhlcvRow& row, const std::string& what) {
  ++summary_.by_rule[static_cast<std::size_t>(rule)];
  if (policy_[rule] == RulePolicy::kHalt) {
    summary_.halted = row.place + " (" + toString(rule) + ")";
    spdlog::error("{}: halted ({}): {}; nothing after it is taken", row.place, toString(rule), what);
  } else {
    spdlog::warn("{}: dropped ({}): {}", row.place, toString(rule), what);
  }
  return {};
}

std::vector<OhlcvRow> BarValidator::take(const OhlcvRow& row) {
  ++summary_.rows;
  if (halted()) return {};
  if (row.parse_error) return reject(BarRule::kUnparsable, row, *row.parse_error);
  const bool has_last = last_.has_value();
  const std::int64_t last_time = has_last ? last_->open_time_ns : 0;
  if (has_last && row.open_time_ns < last_time) {
    return reject(BarRule::kOutOfOrder, row, "open time " + std::to_string(row.open_time_ns) + " is before the previous row's");
  }
  if (has_last && row.open_time_ns == last_time) {
    return reject(BarRule::kDuplicate, row, "a row with open time " + std::to_string(row.open_time_ns) + " came before");
  }
  if (row.open_e8 <= 0 || row.high_e8 <= 0 || row.low_e8 <= 0 || row.close_e8 <= 0) {
    return reject(BarRule::kNonPositivePrice, row, "prices must be positive");
  }
  if (row.high_e8 < row.low_e8) return reject(BarRule::kHighBelowLow, row, "high is below low");
  if (row.open_e8 < row.low_e8 || row.open_e8 > row.high_e8 || row.close_e8 < row.low_e8 || row.close_e8 > row.high_e8) {
    return reject(BarRule::kOutsideRange, row, "open or close is outside [low, high]");
  }
  if (row.volume_e8 < 0 || row.quote_volume_e8 < 0) return reject(BarRule::kNegativeVolume, row, "volume is negative");
  std::vector<OhlcvRow> taken;
  if (has_last && row.open_time_ns > last_time + interval_ns_) {
    ++summary_.by_rule[static_cast<std::size_t>(BarRule::kGap)];
    const auto missing = (row.open_time_ns - last_time) / interval_ns_ - 1;
    if (policy_[BarRule::kGap] == RulePolicy::kHalt) return reject(BarRule::kGap, row, std::to_string(missing) + " intervals missing");
    if (policy_[BarRule::kGap] == RulePolicy::kFillForward) {
      for (std::int64_t time = last_time + interval_ns_; time < row.open_time_ns; time += interval_ns_) {
        OhlcvRow fill;
        fill.place = row.place + " (filled)";
        fill.open_time_ns = time;
        fill.open_e8 = fill.high_e8 = fill.low_e8 = fill.close_e8 = last_->close_e8;
        taken.push_back(std::move(fill));
        ++summary_.filled;
      }
    } else {
      spdlog::info("{}: gap of {} intervals before this row (kept)", row.place, missing);
    }
  }
  last_ = row;
  ++summary_.accepted;
  taken.push_back(row);
  return taken;
}

}  // namespace rrr::ingest
