#include "ingest/trade_readers.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>
#include <sstream>

#include "common/fixed_point.h"
#include "file_text.h"

namespace rrr::ingest {
namespace {

constexpr std::uint64_t kLogFirst = 10;

void rejectTrade(TradeFile& file, const std::string& place, const std::string& why) {
  if (file.rejected++ < kLogFirst) spdlog::warn("{}: trade dropped: {}", place, why);
}

void keepIfValid(TradeFile& file, const std::string& place, std::int64_t time_ns, std::optional<std::int64_t> price,
                 std::optional<std::int64_t> quantity) {
  if (!price || !quantity) return rejectTrade(file, place, "price or quantity is not a number");
  if (*price <= 0 || *quantity <= 0) return rejectTrade(file, place, "price and quantity must be positive");
  file.trades.push_back({time_ns, *price, *quantity});
}

std::optional<std::int64_t> fixedOf(const nlohmann::json& value) {
  if (!value.is_number()) return std::nullopt;
  const double number = value.get<double>();
  if (!std::isfinite(number) || std::fabs(number) > 9.0e10) return std::nullopt;
  return toFixed(number);
}

TradeFile freqtradeTrades(const nlohmann::json& trades, const std::string& name) {
  TradeFile file;
  for (std::size_t i = 0; i < trades.size(); ++i) {
    const auto place = name + ": trade " + std::to_string(i + 1);
    const auto& trade = trades[i];
    if (!trade.is_array() || trade.size() < 6 || !trade[0].is_number_integer()) {
      rejectTrade(file, place, "expected [timestamp_ms, id, type, side, price, amount, ...]");
      continue;
    }
    keepIfValid(file, place, trade[0].get<std::int64_t>() * 1'000'000, fixedOf(trade[4]), fixedOf(trade[5]));
  }
  return file;
}

TradeFile aggTrades(const std::string& text, const std::string& name) {
  TradeFile file;
  std::istringstream lines(text);
  std::size_t number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && (line[0] < '0' || line[0] > '9'))) continue;
    const auto place = name + ":" + std::to_string(number);
    std::vector<std::string> fields;
    std::stringstream split(line);
    for (std::string field; std::getline(split, field, ',');) fields.push_back(field);
    std::int64_t time = 0;
    if (fields.size() < 6 || !(std::istringstream(fields[5]) >> time)) {
      rejectTrade(file, place, "expected agg_trade_id, price, quantity, first_id, last_id, time, ...");
      continue;
    }
    keepIfValid(file, place, binanceTimeToNs(time), parseFixed(fields[1]), parseFixed(fields[2]));
  }
  return file;
}

}  // namespace

Result<TradeFile, ReadError> readTradeFile(const std::filesystem::path& path) {
  RRR_ASSIGN_OR_RETURN(auto text, readMaybeGzipped(path));
  const auto inner = path.extension() == ".gz" ? path.stem() : path;
  if (inner.extension() == ".json") {
    const auto document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_array()) {
      return makeError(ReadError::kSyntax, path.string() + ": not a JSON array of trades");
    }
    return freqtradeTrades(document, path.string());
  }
  if (inner.extension() == ".csv") return aggTrades(text, path.string());
  return makeError(ReadError::kUnknownFormat, path.string() + ": unknown trade format (expected .json or .csv)");
}

}  // namespace rrr::ingest
