// A generic CSV, its columns named by a CsvMapping.
#include <algorithm>
#include <charconv>
#include <map>

#include "common/fixed_point.h"
#include "csv_scan.h"
#include "file_parsers.h"
#include "time_text.h"

namespace rrr::ingest::parsers {
namespace {

constexpr std::size_t kAbsent = SIZE_MAX;

struct Columns {
  std::size_t time = kAbsent, open = kAbsent, high = kAbsent, low = kAbsent, close = kAbsent, volume = kAbsent;
  std::size_t quote_volume = kAbsent, trade_count = kAbsent;
  std::size_t price = kAbsent, quantity = kAbsent, trade_id = kAbsent, side = kAbsent;
  std::size_t required_fields = 0;   // a row with fewer cannot be used
};

std::string_view unquoted(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '"')) text.remove_suffix(1);
  return text;
}

// The columns of the mapping, by header name or index; an error names the field and what is wrong.
Result<Columns, ReadError> resolve(const CsvMapping& mapping, const CsvScanner* header, const std::string& source) {
  const bool trades = mapping.kind() == FileKind::kTrades;
  const std::map<std::string, std::size_t Columns::*> fields = {
      {"time", &Columns::time},         {"open", &Columns::open},       {"high", &Columns::high},
      {"low", &Columns::low},           {"close", &Columns::close},     {"volume", &Columns::volume},
      {"quote_volume", &Columns::quote_volume}, {"trade_count", &Columns::trade_count}, {"price", &Columns::price},
      {"quantity", &Columns::quantity}, {"trade_id", &Columns::trade_id}, {"side", &Columns::side}};
  Columns columns;
  for (const auto& [field, column] : mapping.columns) {
    const auto member = fields.find(field);
    if (member == fields.end()) {
      return makeError(ReadError::kBadMapping, source + ": the column mapping names an unknown field '" + field + "'");
    }
    std::size_t index = kAbsent;
    const auto [end, error] = std::from_chars(column.data(), column.data() + column.size(), index);
    if (error != std::errc() || end != column.data() + column.size()) {
      if (header == nullptr) {
        return makeError(ReadError::kBadMapping, source + ": field '" + field + "' maps to column '" + column +
                                                     "', but the file has no header; use a 0-based index");
      }
      index = kAbsent;
      for (std::size_t i = 0; i < header->fields().size(); ++i) {
        if (unquoted(header->fields()[i]) == column) index = i;
      }
      if (index == kAbsent) {
        return makeError(ReadError::kBadMapping, source + ":1: field '" + field + "' maps to column '" + column +
                                                     "', which the header '" + std::string(header->line().substr(0, 200)) +
                                                     "' does not have");
      }
    }
    columns.*(member->second) = index;
  }
  const std::vector<std::string> required = trades ? std::vector<std::string>{"time", "price", "quantity"}
                                                   : std::vector<std::string>{"time", "open", "high", "low", "close", "volume"};
  for (const auto& field : required) {
    const auto index = columns.*(fields.at(field));
    if (index == kAbsent) {
      return makeError(ReadError::kBadMapping, source + ": the column mapping has no '" + field + "' (a " +
                                                   (trades ? "trade" : "bar") + " file needs it)");
    }
    columns.required_fields = std::max(columns.required_fields, index + 1);
  }
  return columns;
}

std::string clipped(std::string_view text) { return std::string(text.substr(0, 120)); }

void barRow(const CsvScanner& scanner, const Columns& columns, TimeUnit unit, MarketFile& file) {
  OhlcvRow& row = file.bars.emplace_back();
  row.line = scanner.lineNumber();
  if (scanner.fieldCount() < columns.required_fields) {
    row.parse_error = "expected at least " + std::to_string(columns.required_fields) + " fields, got " +
                      std::to_string(scanner.fieldCount());
    return;
  }
  const auto time = parseTimeNs(scanner.field(columns.time), unit);
  const auto open = priceField(scanner.field(columns.open), row.nan_price);
  const auto high = priceField(scanner.field(columns.high), row.nan_price);
  const auto low = priceField(scanner.field(columns.low), row.nan_price);
  const auto close = priceField(scanner.field(columns.close), row.nan_price);
  const auto volume = parseFixed(scanner.field(columns.volume));
  if (!time || !open || !high || !low || !close || !volume) {
    row.parse_error = std::string(!time ? "the time is not a time from 1970 to 2100" : "a field is not a number") + ": '" + clipped(scanner.line()) + "'";
    return;
  }
  row.open_time_ns = *time;
  row.open_e8 = *open;
  row.high_e8 = *high;
  row.low_e8 = *low;
  row.close_e8 = *close;
  row.volume_e8 = *volume;
  if (columns.quote_volume != kAbsent) row.quote_volume_e8 = parseFixed(scanner.field(columns.quote_volume)).value_or(0);
  if (columns.trade_count != kAbsent) {
    const auto text = unquoted(scanner.field(columns.trade_count));
    std::uint32_t count = 0;
    std::from_chars(text.data(), text.data() + text.size(), count);
    row.trade_count = count;
  }
}

void tradeRow(const CsvScanner& scanner, const Columns& columns, TimeUnit unit, MarketFile& file) {
  if (scanner.fieldCount() < columns.required_fields) {
    return rejectTrade(file, scanner.lineNumber(), "expected at least " + std::to_string(columns.required_fields) + " fields, got " +
                                                       std::to_string(scanner.fieldCount()));
  }
  const auto time = parseTimeNs(scanner.field(columns.time), unit);
  const auto price = parseFixed(scanner.field(columns.price));
  const auto quantity = parseFixed(scanner.field(columns.quantity));
  if (!time) return rejectTrade(file, scanner.lineNumber(), "the time is not a time from 1970 to 2100: '" + clipped(scanner.line()) + "'");
  if (!price || !quantity) return rejectTrade(file, scanner.lineNumber(), "price or quantity is not a number");
  if (*price <= 0 || *quantity <= 0) return rejectTrade(file, scanner.lineNumber(), "price and quantity must be positive");
  TradeRow trade;
  trade.line = scanner.lineNumber();
  trade.tick = {*time, *price, *quantity};
  trade.trade_id = trade.line;   // without an id column, trades are numbered by line (the store's key needs one)
  if (columns.trade_id != kAbsent) {
    const auto text = unquoted(scanner.field(columns.trade_id));
    std::from_chars(text.data(), text.data() + text.size(), trade.trade_id);
  }
  if (columns.side != kAbsent) {
    const auto side = unquoted(scanner.field(columns.side));
    trade.aggressor = side == "buy" || side == "b" || side == "BUY" ? 1 : side == "sell" || side == "s" || side == "SELL" ? 2 : 0;
  }
  file.trades.push_back(trade);
}

}  // namespace

Result<MarketFile, ReadError> mappedCsv(std::string_view text, const CsvMapping& mapping, RowNaming naming) {
  MarketFile file;
  file.kind = mapping.kind();
  file.naming = std::move(naming);
  CsvScanner scanner(text, mapping.delimiter);
  std::optional<Columns> columns;
  if (mapping.header) {
    if (!scanner.next()) return file;   // an empty file: no rows
    RRR_ASSIGN_OR_RETURN(columns, resolve(mapping, &scanner, file.naming.source));
  } else {
    RRR_ASSIGN_OR_RETURN(columns, resolve(mapping, nullptr, file.naming.source));
  }
  if (file.kind == FileKind::kBars) {
    file.bars.reserve(text.size() / 100);
  } else {
    file.trades.reserve(text.size() / 60);
  }
  while (scanner.next()) {
    if (file.kind == FileKind::kBars) {
      barRow(scanner, *columns, mapping.time_unit, file);
    } else {
      tradeRow(scanner, *columns, mapping.time_unit, file);
    }
  }
  return file;
}

}  // namespace rrr::ingest::parsers
