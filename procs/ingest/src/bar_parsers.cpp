// Bar formats: Binance klines CSV and freqtrade JSON candles.
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

#include "common/fixed_point.h"
#include "csv_scan.h"
#include "file_parsers.h"

namespace rrr::ingest::parsers {
namespace {

bool isNan(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '"')) text.remove_suffix(1);
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  return text.size() == 3 && (text[0] | 0x20) == 'n' && (text[1] | 0x20) == 'a' && (text[2] | 0x20) == 'n';
}

}  // namespace

std::optional<std::int64_t> integerField(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> fixedFromJson(const nlohmann::json& value, bool& nan) {
  if (!value.is_number()) return std::nullopt;
  const double number = value.get<double>();
  if (std::isnan(number)) {
    nan = true;
    return 0;
  }
  if (!std::isfinite(number) || std::fabs(number) > 9.0e10) return std::nullopt;
  return toFixed(number);
}

Result<nlohmann::json, ReadError> jsonArray(std::string_view text, const std::string& source, const char* what) {
  auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_array()) {
    return makeError(ReadError::kSyntax, source + ": not a JSON array of " + what);
  }
  return document;
}

std::optional<std::int64_t> priceField(std::string_view text, bool& nan) {
  if (auto value = parseFixed(text)) return value;
  if (isNan(text)) {
    nan = true;
    return 0;
  }
  return std::nullopt;
}

// A kline file is a CSV with fixed columns; its open time in ms or (2025 on) µs is what kAuto tells
// apart by magnitude. A header line, if any, is skipped.
MarketFile binanceKlines(std::string_view text, RowNaming naming) {
  CsvMapping mapping;
  mapping.header = !text.empty() && (text[0] < '0' || text[0] > '9');
  mapping.time_unit = TimeUnit::kAuto;
  mapping.columns = {{"time", "0"}, {"open", "1"}, {"high", "2"}, {"low", "3"}, {"close", "4"}, {"volume", "5"},
                     {"quote_volume", "7"}, {"trade_count", "8"}};
  return std::move(mappedCsv(text, mapping, std::move(naming))).value();   // index columns: resolving cannot fail
}

Result<MarketFile, ReadError> freqtradeCandles(std::string_view text, RowNaming naming) {
  RRR_ASSIGN_OR_RETURN(const auto document, jsonArray(text, naming.source, "candles"));
  MarketFile file;
  file.kind = FileKind::kBars;
  file.naming = std::move(naming);
  file.bars.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i) {
    OhlcvRow& row = file.bars.emplace_back();
    row.line = i + 1;
    const auto& candle = document[i];
    std::array<std::optional<std::int64_t>, 5> values;
    const bool shaped = candle.is_array() && candle.size() >= 6 && candle[0].is_number_integer() &&
                        scaledTimeNs(candle[0].get<std::int64_t>(), 1'000'000).has_value();
    if (shaped) {
      for (std::size_t k = 0; k < 4; ++k) values[k] = fixedFromJson(candle[k + 1], row.nan_price);
      bool nan_volume = false;
      values[4] = fixedFromJson(candle[5], nan_volume);
      if (nan_volume) values[4].reset();
    }
    if (!shaped || !values[0] || !values[1] || !values[2] || !values[3] || !values[4]) {
      row.parse_error = "expected [ts_ms (1970 to 2100), open, high, low, close, volume] with finite numbers, got " + candle.dump().substr(0, 120);
      continue;
    }
    row.open_time_ns = *scaledTimeNs(candle[0].get<std::int64_t>(), 1'000'000);
    row.open_e8 = *values[0];
    row.high_e8 = *values[1];
    row.low_e8 = *values[2];
    row.close_e8 = *values[3];
    row.volume_e8 = *values[4];
  }
  return file;
}

}  // namespace rrr::ingest::parsers
