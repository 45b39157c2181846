// Trade formats: Binance aggTrades CSV and freqtrade trades JSON.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>

#include "common/fixed_point.h"
#include "csv_scan.h"
#include "file_parsers.h"

namespace rrr::ingest::parsers {
namespace {

// A price or quantity from JSON; NaN is no number here (a trade has no flat replacement).
std::optional<std::int64_t> fixedOf(const nlohmann::json& value) {
  bool nan = false;
  const auto fixed = fixedFromJson(value, nan);
  return nan ? std::nullopt : fixed;
}

void keepIfValid(MarketFile& file, TradeRow trade, std::optional<std::int64_t> price, std::optional<std::int64_t> quantity) {
  if (!price || !quantity) return rejectTrade(file, trade.line, "price or quantity is not a number");
  if (*price <= 0 || *quantity <= 0) return rejectTrade(file, trade.line, "price and quantity must be positive");
  trade.tick.price_e8 = *price;
  trade.tick.quantity_e8 = *quantity;
  file.trades.push_back(trade);
}

}  // namespace

void rejectTrade(MarketFile& file, std::uint64_t line, std::string_view why) {
  ++file.rejected_trades;
  spdlog::warn("{}: trade dropped: {}", file.naming.place(line), why);
}

MarketFile binanceAggTrades(std::string_view text, RowNaming naming) {
  MarketFile file;
  file.kind = FileKind::kTrades;
  file.naming = std::move(naming);
  file.trades.reserve(text.size() / 60);
  CsvScanner scanner(text, ',');
  while (scanner.next()) {
    if (scanner.lineNumber() == 1 && (scanner.line()[0] < '0' || scanner.line()[0] > '9')) continue;  // a header
    const auto id = integerField(scanner.field(0));
    const auto raw_time = integerField(scanner.field(5));
    const auto time = raw_time ? binanceTimeToNs(*raw_time) : std::nullopt;
    if (scanner.fieldCount() < 6 || !id || !time) {
      rejectTrade(file, scanner.lineNumber(), "expected agg_trade_id, price, quantity, first_id, last_id, time (1970 to 2100), ...");
      continue;
    }
    TradeRow trade;
    trade.line = scanner.lineNumber();
    trade.tick.time_ns = *time;
    trade.trade_id = static_cast<std::uint64_t>(*id);
    const auto maker = scanner.field(6);   // the buyer was the maker: a sell took liquidity
    trade.aggressor = maker == "True" || maker == "true" ? 2 : maker == "False" || maker == "false" ? 1 : 0;
    keepIfValid(file, trade, parseFixed(scanner.field(1)), parseFixed(scanner.field(2)));
  }
  return file;
}

Result<MarketFile, ReadError> freqtradeTrades(std::string_view text, RowNaming naming) {
  RRR_ASSIGN_OR_RETURN(const auto document, jsonArray(text, naming.source, "trades"));
  MarketFile file;
  file.kind = FileKind::kTrades;
  file.naming = std::move(naming);
  file.trades.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i) {
    const auto& item = document[i];
    if (!item.is_array() || item.size() < 6 || !item[0].is_number_integer() ||
        !scaledTimeNs(item[0].get<std::int64_t>(), 1'000'000)) {
      rejectTrade(file, i + 1, "expected [timestamp_ms (1970 to 2100), id, type, side, price, amount, ...]");
      continue;
    }
    TradeRow trade;
    trade.line = i + 1;
    trade.tick.time_ns = *scaledTimeNs(item[0].get<std::int64_t>(), 1'000'000);
    if (item[1].is_string()) {
      const auto& id = item[1].get_ref<const std::string&>();
      std::from_chars(id.data(), id.data() + id.size(), trade.trade_id);
    } else if (item[1].is_number_unsigned()) {
      trade.trade_id = item[1].get<std::uint64_t>();
    }
    if (item[3].is_string()) trade.aggressor = item[3] == "buy" ? 1 : item[3] == "sell" ? 2 : 0;
    keepIfValid(file, trade, fixedOf(item[4]), fixedOf(item[5]));
  }
  return file;
}

}  // namespace rrr::ingest::parsers
