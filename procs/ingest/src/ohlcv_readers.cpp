#include "ingest/ohlcv_readers.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>


#include "common/fixed_point.h"
#include "file_text.h"

namespace rrr::ingest {
namespace {

// Microsecond timestamps of today are ~1.7e15; millisecond ones ~1.7e12.
constexpr std::int64_t kMicrosecondThreshold = 100'000'000'000'000;

std::optional<std::int64_t> fixedFromJson(const nlohmann::json& value) {
  if (!value.is_number()) return std::nullopt;
  const double number = value.get<double>();
  if (!std::isfinite(number) || std::fabs(number) > 9.0e10) return std::nullopt;
  return toFixed(number);
}

std::vector<OhlcvRow> freqtradeRows(const nlohmann::json& candles, const std::string& file) {
  std::vector<OhlcvRow> rows;
  for (std::size_t i = 0; i < candles.size(); ++i) {
    OhlcvRow row;
    row.place = file + ": candle " + std::to_string(i + 1);
    const auto& candle = candles[i];
    std::array<std::optional<std::int64_t>, 5> values;
    const bool shaped = candle.is_array() && candle.size() >= 6 && candle[0].is_number_integer();
    if (shaped) {
      for (std::size_t k = 0; k < 5; ++k) values[k] = fixedFromJson(candle[k + 1]);
    }
    if (!shaped || !values[0] || !values[1] || !values[2] || !values[3] || !values[4]) {
      row.parse_error = "expected [ts_ms, open, high, low, close, volume] with finite numbers, got " + candle.dump().substr(0, 120);
    } else {
      row.open_time_ns = candle[0].get<std::int64_t>() * 1'000'000;
      row.open_e8 = *values[0];
      row.high_e8 = *values[1];
      row.low_e8 = *values[2];
      row.close_e8 = *values[3];
      row.volume_e8 = *values[4];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> splitCsv(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
  return fields;
}

std::optional<std::int64_t> integer(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

OhlcvRow klineRow(const std::string& line, const std::string& place) {
  OhlcvRow row;
  row.place = place;
  auto fields = splitCsv(line);
  if (!fields.empty() && !fields.back().empty() && fields.back().back() == '\r') fields.back().pop_back();
  if (fields.size() < 6) {
    row.parse_error = "expected at least 6 comma-separated fields, got " + std::to_string(fields.size());
    return row;
  }
  const auto time = integer(fields[0]);
  const auto open = parseFixed(fields[1]), high = parseFixed(fields[2]), low = parseFixed(fields[3]);
  const auto close = parseFixed(fields[4]), volume = parseFixed(fields[5]);
  if (!time || !open || !high || !low || !close || !volume) {
    row.parse_error = "a field is not a number: '" + line.substr(0, 120) + "'";
    return row;
  }
  row.open_time_ns = binanceTimeToNs(*time);
  row.open_e8 = *open;
  row.high_e8 = *high;
  row.low_e8 = *low;
  row.close_e8 = *close;
  row.volume_e8 = *volume;
  if (fields.size() > 7) row.quote_volume_e8 = parseFixed(fields[7]).value_or(0);
  if (fields.size() > 8) row.trade_count = static_cast<std::uint32_t>(integer(fields[8]).value_or(0));
  return row;
}

}  // namespace

std::int64_t binanceTimeToNs(std::int64_t value) {
  return value >= kMicrosecondThreshold ? value * 1'000 : value * 1'000'000;
}

Result<OhlcvFormat, ReadError> formatOf(const std::filesystem::path& path) {
  const auto inner = path.extension() == ".gz" ? path.stem() : path;  // "x.json.gz" is read as "x.json"
  if (inner.extension() == ".json") return OhlcvFormat::kFreqtradeJson;
  if (inner.extension() == ".csv") return OhlcvFormat::kBinanceKlineCsv;
  return makeError(ReadError::kUnknownFormat, path.string() + ": unknown format (expected .json candles or .csv klines)");
}

Result<std::vector<OhlcvRow>, ReadError> readOhlcvFile(const std::filesystem::path& path, OhlcvFormat format) {
  auto text = readMaybeGzipped(path);
  if (!text.ok()) return text.error();
  std::istringstream in(std::move(text).value());
  if (format == OhlcvFormat::kFreqtradeJson) {
    const auto document = nlohmann::json::parse(in, nullptr, false);
    if (document.is_discarded() || !document.is_array()) {
      return makeError(ReadError::kSyntax, path.string() + ": not a JSON array of candles");
    }
    return freqtradeRows(document, path.string());
  }
  std::vector<OhlcvRow> rows;
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty() || line == "\r") continue;
    if (number == 1 && !line.empty() && (line[0] < '0' || line[0] > '9')) continue;  // a header
    rows.push_back(klineRow(line, path.string() + ":" + std::to_string(number)));
  }
  return rows;
}

}  // namespace rrr::ingest
