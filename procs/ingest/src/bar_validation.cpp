#include "ingest/bar_validation.h"

#include <spdlog/spdlog.h>

namespace rrr::ingest {

const char* toString(BarRule rule) {
  switch (rule) {
    case BarRule::kUnparsable: return "unparsable";
    case BarRule::kOutOfOrder: return "out of order";
    case BarRule::kDuplicate: return "duplicate";
    case BarRule::kNonPositivePrice: return "non-positive or NaN price";
    case BarRule::kHighBelowLow: return "high below low";
    case BarRule::kOutsideRange: return "open or close outside [low, high]";
    case BarRule::kNegativeVolume: return "negative volume";
    case BarRule::kGap: return "gap";
    case BarRule::kCount: break;
  }
  return "unknown";
}

std::string RowNaming::place(std::uint64_t line) const {
  return unit.empty() ? source + ":" + std::to_string(line) : source + ": " + unit + " " + std::to_string(line);
}

std::string configName(BarRule rule) {
  std::string name = toString(rule);
  if (rule == BarRule::kOutsideRange) name = "outside_range";
  if (rule == BarRule::kNonPositivePrice) name = "bad_price";
  for (auto& c : name) c = c == ' ' || c == '-' ? '_' : c;
  return name;
}

std::optional<BarRule> ruleFromConfigName(const std::string& name) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(BarRule::kCount); ++i) {
    if (configName(static_cast<BarRule>(i)) == name) return static_cast<BarRule>(i);
  }
  return std::nullopt;
}

std::optional<RulePolicy> policyFromConfigName(const std::string& name) {
  if (name == "drop") return RulePolicy::kDropAndCount;
  if (name == "fill_forward") return RulePolicy::kFillForward;
  if (name == "halt") return RulePolicy::kHalt;
  return std::nullopt;
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

bool fillsForward(BarRule rule) {
  return rule == BarRule::kGap || rule == BarRule::kNonPositivePrice || rule == BarRule::kHighBelowLow ||
         rule == BarRule::kOutsideRange || rule == BarRule::kNegativeVolume;
}

OhlcvRow BarValidator::flatBar(std::int64_t open_time_ns, std::uint64_t line) const {
  OhlcvRow fill;
  fill.line = line;
  fill.filled = true;
  fill.open_time_ns = open_time_ns;
  fill.open_e8 = fill.high_e8 = fill.low_e8 = fill.close_e8 = last_->close_e8;
  return fill;
}

std::optional<BarRule> BarValidator::valueRule(const OhlcvRow& row, std::string& what) const {
  if (row.nan_price || row.open_e8 <= 0 || row.high_e8 <= 0 || row.low_e8 <= 0 || row.close_e8 <= 0) {
    what = row.nan_price ? "a price is NaN" : "prices must be positive";
    return BarRule::kNonPositivePrice;
  }
  if (row.high_e8 < row.low_e8) {
    what = "high is below low";
    return BarRule::kHighBelowLow;
  }
  if (row.open_e8 < row.low_e8 || row.open_e8 > row.high_e8 || row.close_e8 < row.low_e8 || row.close_e8 > row.high_e8) {
    what = "open or close is outside [low, high]";
    return BarRule::kOutsideRange;
  }
  if (row.volume_e8 < 0 || row.quote_volume_e8 < 0) {
    what = "volume is negative";
    return BarRule::kNegativeVolume;
  }
  return std::nullopt;
}

void BarValidator::count(BarRule rule, const OhlcvRow& row, const std::string& what) {
  ++summary_.by_rule[static_cast<std::size_t>(rule)];
  const auto place = naming_.place(row.line);
  switch (policy_[rule]) {
    case RulePolicy::kHalt:
      summary_.halted = place + " (" + toString(rule) + ")";
      spdlog::error("{}: halted ({}): {}; nothing after it is taken", place, toString(rule), what);
      break;
    case RulePolicy::kFillForward:
      if (rule != BarRule::kGap) spdlog::warn("{}: replaced by the previous close ({}): {}", place, toString(rule), what);
      break;
    case RulePolicy::kDropAndCount:
      if (rule == BarRule::kGap) {
        spdlog::info("{}: {} before this row (kept)", place, what);
      } else {
        spdlog::warn("{}: dropped ({}): {}", place, toString(rule), what);
      }
      break;
  }
}

std::size_t BarValidator::take(const OhlcvRow& row, std::vector<OhlcvRow>& out) {
  ++summary_.rows;
  if (halted()) return 0;
  if (row.parse_error) {
    count(BarRule::kUnparsable, row, *row.parse_error);
    return 0;
  }
  const bool has_last = last_.has_value();
  const std::int64_t last_time = has_last ? last_->open_time_ns : 0;
  if (has_last && row.open_time_ns <= last_time) {
    const auto rule = row.open_time_ns < last_time ? BarRule::kOutOfOrder : BarRule::kDuplicate;
    count(rule, row, rule == BarRule::kOutOfOrder
                         ? "open time " + std::to_string(row.open_time_ns) + " is before the previous row's"
                         : "a row with open time " + std::to_string(row.open_time_ns) + " came before");
    return 0;
  }
  OhlcvRow kept = row;
  std::string what;
  if (const auto rule = valueRule(row, what)) {
    count(*rule, row, what);
    // Fill forward needs a previous close; the first row of a series has none, so it is dropped.
    if (policy_[*rule] != RulePolicy::kFillForward || !has_last) return 0;
    kept = flatBar(row.open_time_ns, row.line);
    ++summary_.filled;
  }
  const std::size_t before = out.size();
  if (has_last && row.open_time_ns > last_time + interval_ns_) {
    const auto missing = (row.open_time_ns - last_time) / interval_ns_ - 1;
    count(BarRule::kGap, row, "a gap of " + std::to_string(missing) + " intervals");
    if (halted()) return 0;
    if (policy_[BarRule::kGap] == RulePolicy::kFillForward) {
      for (std::int64_t time = last_time + interval_ns_; time < row.open_time_ns; time += interval_ns_) {
        out.push_back(flatBar(time, row.line));
        ++summary_.filled;
      }
    }
  }
  if (!kept.filled) ++summary_.accepted;
  last_ = kept;
  out.push_back(std::move(kept));
  return out.size() - before;
}

std::vector<OhlcvRow> BarValidator::take(const OhlcvRow& row) {
  std::vector<OhlcvRow> taken;
  take(row, taken);
  return taken;
}

}  // namespace rrr::ingest
