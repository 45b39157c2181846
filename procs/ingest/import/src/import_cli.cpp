#include "ingest/import_cli.h"

#include "ingest/ingest_config.h"

namespace rrr::ingest {

void addImportOptions(CLI::App& command, ImportOptions& options) {
  command.add_option("files", options.files, "market data files (.csv, .json, optionally .gz or .zip)")->required()->check(CLI::ExistingFile);
  command.add_option("--symbol", options.symbol, "the symbol (default: from the name, as in BTCUSDT-1m-2024-01.zip)");
  command.add_option("--interval", options.interval, "bar interval: 1m, 5m, 1h, 1d or seconds (trades: the bars to make; default: from the name, else 1m)");
  command.add_option("--format", options.format, "binance_klines, binance_aggtrades, freqtrade_candles, freqtrade_trades or csv (default: from the name)");
  command.add_option("--columns", options.columns, "csv: field=column,... (time, open, high, low, close, volume | time, price, quantity)");
  command.add_option("--time", options.time_unit, "csv: the time column's unit: auto, s, ms, us, ns or datetime")->capture_default_str();
  command.add_option("--delimiter", options.delimiter, "csv: the field delimiter")->capture_default_str();
  command.add_flag("--no-header", options.no_header, "csv: the file has no header line (columns by 0-based index)");
  command.add_option("--aggregate", options.aggregate, "longer bars to import as well (5m, 1h, ...)");
  command.add_option("--validation", options.validation, "rule=policy (policy: drop, fill_forward, halt), e.g. gap=fill_forward");
}

Result<ImportRequest, std::string> importRequestOf(const ImportOptions& options) {
  ImportRequest request;
  if (!options.symbol.empty()) request.symbol = options.symbol;
  if (!options.interval.empty()) {
    request.interval_s = parseIntervalSeconds(options.interval);
    if (!request.interval_s) return makeError("--interval: '" + options.interval + "' is not an interval (1m, 5m, 1h, 1d or seconds)");
  }
  if (!options.format.empty()) {
    request.format = formatFromName(options.format);
    if (!request.format) return makeError("--format: unknown format '" + options.format + "'");
  }
  if (!options.columns.empty()) {
    const auto columns = parseColumnList(options.columns);
    if (!columns) return makeError("--columns: expected field=column,..., got '" + options.columns + "'");
    request.csv.columns = *columns;
  }
  if (request.format == FileFormat::kCsv && request.csv.columns.empty()) return makeError("--format csv needs --columns");
  const auto unit = timeUnitFromName(options.time_unit);
  if (!unit) return makeError("--time: '" + options.time_unit + "' is not auto, s, ms, us, ns or datetime");
  request.csv.time_unit = *unit;
  if (options.delimiter.size() != 1) return makeError("--delimiter must be one character");
  request.csv.delimiter = options.delimiter[0];
  request.csv.header = !options.no_header;
  for (const auto& text : options.aggregate) {
    const auto seconds = parseIntervalSeconds(text);
    if (!seconds) return makeError("--aggregate: '" + text + "' is not an interval");
    request.aggregate_s.push_back(*seconds);
  }
  for (const auto& text : options.validation) {
    const auto equals = text.find('=');
    const auto rule = ruleFromConfigName(text.substr(0, equals));
    const auto policy = equals == std::string::npos ? std::nullopt : policyFromConfigName(text.substr(equals + 1));
    if (!rule || !policy) return makeError("--validation: expected rule=drop|fill_forward|halt, got '" + text + "'");
    if (*policy == RulePolicy::kFillForward && !fillsForward(*rule)) return makeError("--validation: " + text + ": that rule cannot fill forward");
    request.policy[*rule] = *policy;
  }
  return request;
}

}  // namespace rrr::ingest
